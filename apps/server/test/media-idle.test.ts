import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, exitWhenDone, type Running, signUp, startEarshot } from './helpers';
import { connected, listen, publishTone, until, whep, whip } from './media-bots';

/**
 * An idle server holds no media processes: the workers start with the first Space's media and
 * stop MEDIA_IDLE_STOP_MS after its room closes; the next Space starts them again and is heard.
 */
describe('media workers: started on demand, stopped when idle', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ MEDIA_WORKERS: '2', MEDIA_IDLE_STOP_MS: '300' });
  });
  after(() => server.close());
  exitWhenDone();

  const pids = () => server.earshot.services.media.stats().workers.map((w) => w.pid);
  const ready = async () => (await new Client(server.url).get('/api/ready')).body;

  it('no worker runs before the first Space; one Space starts both; they stop after it ends and start again for the next', async () => {
    assert.deepEqual(pids(), [null, null], 'no worker before any Space');
    assert.deepEqual(await ready(), { ok: true, db: 'ok', bus: 'ok', media: 'ok' }, 'idle is not down');
    const host = await signUp(server.url, 'ihost');
    const space = async (title: string) => {
      const id = (await host.c.post('/api/spaces', { title, topics: [] })).body.space.id as string;
      await host.c.post(`/api/spaces/${id}/start`, {});
      await host.c.post(`/api/spaces/${id}/unmute`, { userId: host.user.id });
      const mic = await publishTone(whip(id, host.c), 440, 0.4);
      await connected(mic.pc);
      const ears = await listen(whep(id, new Client(server.url)));
      await connected(ears.pc);
      await until(() => ears.rms(200) > 3000, 5000, `the tone heard in ${title}`);
      return { id, mic, ears };
    };

    const first = await space('First of the day');
    assert.ok(
      pids().every((p) => typeof p === 'number'),
      `both workers run during a Space: ${pids()}`,
    );
    const before = pids();
    assert.equal((await host.c.post(`/api/spaces/${first.id}/end`, {})).status, 200);
    first.mic.close();
    first.ears.close();
    await until(() => pids().every((p) => p === null), 5000, 'the workers stopped when idle');
    for (const pid of before) await until(() => !alive(pid as number), 5000, `worker process ${pid} gone`);
    assert.deepEqual(await ready(), { ok: true, db: 'ok', bus: 'ok', media: 'ok' });
    assert.equal(server.earshot.services.media.stats().crashes, 0, 'stopping is not a crash');

    const second = await space('Second of the day');
    assert.ok(
      pids().every((p) => typeof p === 'number' && !before.includes(p)),
      'new worker processes',
    );
    second.mic.close();
    second.ears.close();
  });
});

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
