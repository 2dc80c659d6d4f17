import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { Client, signUp } from './helpers';
import { spawnServer } from './server-process';

const step = (what: string) => process.env.TEST_STEPS && console.error(new Date().toISOString(), what);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A live socket that sends `rate` commands a second, alternating request-speak and cancel-request. */
async function flood(url: string, spaceId: string, cookie: string, rate: number) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/spaces/${spaceId}/live`, { headers: { cookie } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const stats = { acked: 0, maxSeq: 0 };
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (m.type === 'ack') {
      stats.acked += 1;
      stats.maxSeq = Math.max(stats.maxSeq, m.seq);
    }
  });
  ws.on('error', () => {});
  let n = 0;
  const timer = setInterval(() => {
    if (ws.readyState !== ws.OPEN) return clearInterval(timer);
    for (let i = 0; i < rate / 50; i++, n++)
      ws.send(JSON.stringify({ type: 'command', id: String(n), name: n % 2 ? 'cancel-request' : 'request-speak' }));
  }, 20);
  return { stats, stop: () => clearInterval(timer) };
}

describe('the server process under faults (embedded database)', () => {
  it('SIGTERM during a command flood: the process is gone within 12 s, and what it acknowledged is kept', async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-shutdown-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATABASE_URL: '', DATA_DIR: dataDir, CAPTIONS_ENGINE: 'off' };
    const server = await spawnServer(env);
    step('started');
    t.after(() => server.kill('SIGKILL'));
    const { c: host } = await signUp(server.url, 'sd_host');
    const spaceId = (await host.post('/api/spaces', { title: 'Flooded' })).body.space.id;
    assert.equal((await host.post(`/api/spaces/${spaceId}/start`, {})).status, 200);
    // Everyone signs up first: under the flood a sign-up waits behind the queued commands.
    const flooders = [];
    for (let i = 0; i < 3; i++) flooders.push((await signUp(server.url, 'sd_fl')).c.cookie);
    const poster = (await signUp(server.url, 'sd_post')).c;
    // Posts over HTTP too: each one answered 201 must be there after the restart.
    const posted: string[] = [];
    for (let i = 0; i < 3; i++) posted.push((await poster.post('/api/posts', { text: `before ${i}` })).body.post.id);
    const floods = await Promise.all(flooders.map((cookie) => flood(server.url, spaceId, cookie, 200)));
    let posting = true;
    const posts = (async () => {
      while (posting) {
        const res = await poster.post('/api/posts', { text: `post ${posted.length}` }).catch(() => null);
        if (res?.status === 201) posted.push(res.body.post.id);
        else if (res === null) return;
      }
    })();
    step('flooding');
    await sleep(3000);
    assert.ok(
      floods.some((f) => f.stats.acked > 0),
      'the flood reached the server',
    );
    const signalled = Date.now();
    server.kill('SIGTERM');
    step('SIGTERM');
    const exit = await Promise.race([server.exited, sleep(15_000).then(() => null)]);
    const took = Date.now() - signalled;
    posting = false;
    for (const f of floods) f.stop();
    step(`exit ${JSON.stringify(exit)}`);
    await posts;
    assert.ok(
      exit,
      `the process was still running 15 s after SIGTERM; its last lines: ${server.stdout.slice(-5).join('\n')}`,
    );
    assert.ok(took <= 12_000, `gone ${took} ms after SIGTERM`);

    const again = await spawnServer(env);
    step('restarted');
    t.after(() => again.kill('SIGKILL'));
    const acknowledgedSeq = Math.max(...floods.map((f) => f.stats.maxSeq));
    const room = (await new Client(again.url).get(`/api/spaces/${spaceId}`)).body;
    assert.ok(room.seq >= acknowledgedSeq, `seq ${room.seq} after the restart, ${acknowledgedSeq} acknowledged`);
    for (const id of posted) assert.equal((await new Client(again.url).get(`/api/posts/${id}`)).status, 200, id);
    again.kill('SIGTERM');
    await again.exited;
  });
});
