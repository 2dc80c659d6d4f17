import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Client, exitWhenDone, testEnv, uniqueHandle } from './helpers';
import { connected, publishTone, whip } from './media-bots';
import { decode, duration, lastSoundMs, recordingReady, toneBetween } from './recordings';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Runs `main.ts` as its own process (so it can be killed) and waits until it answers. */
async function startProcess(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${env.PORT}`;
  // Up to a minute: on a loaded machine a cold start (tsx, the database, the media workers) is slow.
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    const ok = await fetch(`${url}/api/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, url };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('the server did not start');
}

/**
 * A crash mid-Space: the server process is killed (SIGKILL: no shutdown, no flush) while a
 * speaker talks. After a restart on the same data, what was recorded is playable and reaches
 * to within 2 s of the kill.
 */
describe('recording survives a crash', () => {
  const children: ChildProcess[] = [];
  const drops: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const drop of drops) await drop();
  });
  exitWhenDone();

  it('SIGKILL while a speaker talks: the partial track plays, and the mixdown has audio up to ≤ 2 s before the kill', async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-crash-'));
    const { env, drop } = await testEnv({
      DATA_DIR: dataDir,
      RECORDINGS_DIR: path.join(dataDir, 'recordings'),
      PORT: String(await freePort()),
      JOBS_POLL_MS: '200',
    });
    drops.push(drop);
    const first = await startProcess(env);
    children.push(first.child);
    const host = new Client(first.url);
    const me = await host.signup(uniqueHandle('crash'));
    const id = (await host.post('/api/spaces', { title: 'Crash', topics: [] })).body.space.id as string;
    await host.post(`/api/spaces/${id}/start`, {});
    assert.equal((await host.post(`/api/spaces/${id}/unmute`, { userId: me.id })).status, 200);
    const mic = await publishTone(whip(id, host), 440, 0.4);
    await connected(mic.pc);
    const talkingFrom = Date.now();
    await sleep(4000);
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    mic.close();
    await new Promise((r) => first.child.once('exit', r));

    // What the dead process left: one track file, playable as it is.
    const folder = path.join(dataDir, 'recordings', id);
    const tracks = readdirSync(folder).filter((f) => f.endsWith('.ogg'));
    assert.equal(tracks.length, 1, `one track file: ${tracks}`);
    const trackFile = path.join(folder, tracks[0] as string);
    const pcm = decode(trackFile); // throws if ffmpeg cannot read it
    const heardMs = lastSoundMs(pcm);
    const lostMs = killedAt - talkingFrom - heardMs;
    t.diagnostic(`the killed process's track ends ${lostMs} ms before the kill`);
    assert.ok(lostMs <= 2000, `the track ends ${lostMs} ms before the kill (${duration(trackFile)} s long)`);

    // Restarted on the same data, the Space is still live; when the host ends it, the mixdown
    // includes the partial track.
    const second = await startProcess(env);
    children.push(second.child);
    const again = new Client(second.url);
    again.cookie = host.cookie;
    assert.equal((await again.post(`/api/spaces/${id}/end`, {})).status, 200);
    const info = await recordingReady(again, id, 60_000);
    const space = (await again.get(`/api/spaces/${id}`)).body.space;
    const res = await fetch(new URL(info.audio.opus, second.url), { headers: { cookie: again.cookie } });
    assert.equal(res.status, 200);
    const mixFile = path.join(dataDir, 'mix.ogg');
    writeFileSync(mixFile, Buffer.from(await res.arrayBuffer()));
    const mix = decode(mixFile);
    const killMs = killedAt - Date.parse(space.startedAt);
    const lastMs = lastSoundMs(mix);
    t.diagnostic(`the mixdown's sound ends ${killMs - lastMs} ms before the kill`);
    assert.ok(killMs - lastMs <= 2000 && lastMs <= killMs + 200, `sound until ${lastMs} ms; killed at ${killMs} ms`);
    assert.ok(toneBetween(mix, 440, lastMs - 2000, lastMs - 500) > 5000, 'the tone is there');
    second.child.kill('SIGTERM');
  });
});
