import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Client, exitWhenDone, signUp, watch } from './helpers';
import { connected, publishTone, whip } from './media-bots';
import { spawnServer } from './server-process';

exitWhenDone();

describe('a crash mid-Space (SIGKILL) and a restart on the same data', () => {
  it('clears who was speaking and who was listening: nobody is, until they come back', async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-crash-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    // One node (no Redis: nobody else can be counting listeners), embedded: the restart finds the same data.
    const env = { DATABASE_URL: '', DATA_DIR: dataDir, CAPTIONS_ENGINE: 'off', REDIS_URL: '' };
    const server = await spawnServer(env);
    t.after(() => server.kill('SIGKILL'));
    const host = await signUp(server.url, 'cr_host');
    const id = (await host.c.post('/api/spaces', { title: 'Crashing' })).body.space.id;
    await host.c.post(`/api/spaces/${id}/start`, {});
    assert.equal((await host.c.post(`/api/spaces/${id}/unmute`, { userId: host.user.id })).status, 200);
    const speaker = await publishTone(whip(id, host.c));
    await connected(speaker.pc);
    const listeners = await Promise.all([1, 2, 3].map((n) => watch(server.url, id, undefined, `?client=tab${n}`)));
    const stored = async () => (await new Client(server.url).get(`/api/spaces/${id}`)).body;
    await listeners[0]?.until(
      () => listeners[0]?.view.state?.stage[0]?.speaking === true && listeners[0]?.view.listenerCount === 3,
      20_000,
    );
    // The count reaches the database a moment after the sockets see it.
    for (let i = 0; (await stored()).listenerCount !== 3; i++) {
      assert.ok(i < 50, 'the count of 3 was stored');
      await new Promise((r) => setTimeout(r, 100));
    }

    server.kill('SIGKILL');
    await server.exited;
    speaker.pc.close();
    for (const l of listeners) l.close();
    const again = await spawnServer(env);
    t.after(() => again.kill('SIGKILL'));
    const after = (await new Client(again.url).get(`/api/spaces/${id}`)).body;
    assert.equal(after.space.status, 'live', 'the Space goes on (its host may come back)');
    assert.equal(after.space.stage[0].speaking, false, 'nobody is speaking after a restart');
    assert.equal(after.listenerCount, 0, 'nobody is listening after a restart');
    const live = (await new Client(again.url).get('/api/spaces?state=live')).body.items.find(
      (s: { id: string }) => s.id === id,
    );
    assert.equal(live?.listenerCount, 0, 'discovery shows no stale count');
    again.kill('SIGTERM');
    await again.exited;
  });
});
