import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Client, exitWhenDone, type Running, signUp, startEarshot } from './helpers';
import { connected, publishTone, whip } from './media-bots';
import { toneBetween } from './recordings';

const RATE = 8000;

/** `seconds` of what ffmpeg (a third-party HLS client) decodes from a live playlist, at 8 kHz mono. */
function decodeLive(url: string, seconds: number): Promise<Int16Array> {
  return new Promise((resolve, reject) => {
    const ff = spawn('ffmpeg', [
      ...['-nostdin', '-v', 'error', '-i', url, '-t', String(seconds)],
      ...['-f', 's16le', '-ac', '1', '-ar', String(RATE), 'pipe:1'],
    ]);
    const chunks: Buffer[] = [];
    let stderr = '';
    ff.stdout.on('data', (c: Buffer) => chunks.push(c));
    ff.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    const timer = setTimeout(() => ff.kill('SIGKILL'), (seconds + 20) * 1000);
    ff.on('close', (code) => {
      clearTimeout(timer);
      const bytes = Buffer.concat(chunks);
      if (code !== 0) return reject(new Error(`ffmpeg ${code}: ${stderr}`));
      resolve(new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2)));
    });
  });
}

const lines = (text: string) => text.split('\n');
const hint = (playlist: string) => /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(playlist)?.[1];

/**
 * The LL-HLS tier against a running server: a real speaker (libwebrtc, a tone) on the stage, the
 * playlist and files over HTTP, ffmpeg and ffprobe as third-party clients.
 */
describe('LL-HLS of a Space', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot();
  });
  after(() => server.close());
  exitWhenDone();

  const liveSpace = async (host: Client) => {
    const id = (await host.post('/api/spaces', { title: 'On HLS' })).body.space.id as string;
    assert.equal((await host.post(`/api/spaces/${id}/start`, {})).status, 200);
    return id;
  };

  it('plays the speaker’s tone to ffmpeg, is AAC in fMP4, blocks a reload until the part exists, ends with EXT-X-ENDLIST', async () => {
    const host = await signUp(server.url, 'hlh');
    const id = await liveSpace(host.c);
    const me = (await host.c.get('/api/me')).body;
    await host.c.post(`/api/spaces/${id}/unmute`, { userId: me.id ?? me.user?.id });
    const mic = await publishTone(whip(id, host.c), 440);
    await connected(mic.pc);

    const view = (await host.c.get(`/api/spaces/${id}`)).body;
    assert.equal(view.hlsUrl, `/api/spaces/${id}/hls/live.m3u8`);
    const playlistUrl = `${server.url}${view.hlsUrl}`;
    const first = await fetch(playlistUrl);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'application/vnd.apple.mpegurl');
    assert.equal(first.headers.get('cache-control'), 'no-cache');
    const text = await first.text();
    for (const tag of ['#EXT-X-VERSION:9', '#EXT-X-PART-INF:PART-TARGET=', '#EXT-X-PRELOAD-HINT:TYPE=PART'])
      assert.ok(text.includes(tag), `${tag} in\n${text}`);
    assert.ok(text.includes('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK='));

    // ffmpeg plays whole segments (not parts): it starts once there are a few.
    let listed = text;
    for (let i = 0; i < 50 && (listed.match(/segment-/g)?.length ?? 0) < 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      listed = await (await fetch(playlistUrl)).text();
    }
    // ffmpeg follows the live playlist and hears the tone.
    const pcm = await decodeLive(playlistUrl, 3);
    assert.ok(pcm.length >= RATE * 2.5, `decoded ${pcm.length / RATE} s`);
    const at440 = toneBetween(pcm, 440, 1000, 2800);
    assert.ok(at440 > 1000, `440 Hz at ${at440}`);
    assert.ok(toneBetween(pcm, 1000, 1000, 2800) < at440 / 10);

    // ffprobe sees AAC-LC in fragmented MP4: the init segment and the newest part.
    const now = await (await fetch(playlistUrl)).text();
    const map = /#EXT-X-MAP:URI="([^"]+)"/.exec(now)?.[1];
    const parts = [...now.matchAll(/#EXT-X-PART:[^\n]*URI="([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(map && parts.length > 0);
    const base = `${server.url}/api/spaces/${id}/hls/`;
    const init = await fetch(base + map);
    const part = await fetch(base + parts.at(-1));
    assert.equal(init.status, 200);
    assert.equal(part.status, 200);
    assert.equal(part.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const dir = mkdtempSync(path.join(tmpdir(), 'earshot-hls-'));
    const file = path.join(dir, 'part.mp4');
    writeFileSync(file, Buffer.concat([Buffer.from(await init.arrayBuffer()), Buffer.from(await part.arrayBuffer())]));
    const probe = spawnSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name,profile:format=format_name', '-of', 'json', file],
      { encoding: 'utf8' },
    );
    const info = JSON.parse(probe.stdout);
    assert.match(info.format.format_name, /mp4/);
    assert.deepEqual([info.streams[0].codec_name, info.streams[0].profile], ['aac', 'LC']);

    // A blocking reload for two parts ahead returns once that part exists, not before.
    const fresh = await (await fetch(playlistUrl)).text();
    const next = hint(fresh);
    const m = /part-(\d+)\.(\d+)\.m4s$/.exec(next ?? '');
    assert.ok(m, `a preload hint in\n${fresh}`);
    let [msn, index] = [Number(m[1]), Number(m[2]) + 2];
    if (index >= 5) [msn, index] = [msn + 1, index - 5];
    const wanted = `part-${msn}.${index}.m4s`;
    assert.equal((await fetch(`${base}${map?.split('/')[0]}/${wanted}`)).status, 404, 'not there yet');
    const asked = performance.now();
    const blocked = await fetch(`${playlistUrl}?_HLS_msn=${msn}&_HLS_part=${index}`);
    const waited = performance.now() - asked;
    assert.equal(blocked.status, 200);
    const after = await blocked.text();
    assert.ok(after.includes(`/${wanted}",INDEPENDENT=YES`), `${wanted} in\n${after}`);
    // Two parts of ~192 ms each were still to come.
    assert.ok(waited >= 150, `answered after ${waited} ms`);

    // The end of the Space ends the stream.
    assert.equal((await host.c.post(`/api/spaces/${id}/end`, {})).status, 200);
    let ended = '';
    for (let i = 0; i < 50 && !ended.includes('#EXT-X-ENDLIST'); i++) {
      ended = await (await fetch(playlistUrl)).text();
      if (!ended.includes('#EXT-X-ENDLIST')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(ended.trimEnd().endsWith('#EXT-X-ENDLIST'), ended);
    mic.close();
  });

  it('refuses bad input with a clear 4xx and starts nothing', async () => {
    const host = await signUp(server.url, 'hlb');
    const id = await liveSpace(host.c);
    const playlist = `/api/spaces/${id}/hls/live.m3u8`;
    const code = async (pathname: string) => {
      const res = await host.c.get(pathname);
      return [res.status, res.body?.error?.code];
    };
    // Bad requests are refused before any stream starts.
    assert.deepEqual(await code(`${playlist}?_HLS_msn=abc`), [400, 'invalid_request']);
    assert.deepEqual(await code(`${playlist}?_HLS_msn=-1`), [400, 'invalid_request']);
    assert.deepEqual(await code(`${playlist}?_HLS_part=1`), [400, 'invalid_request']);
    assert.deepEqual(await code(`/api/spaces/${id}/hls/abc/..%2F..%2Fetc%2Fpasswd`), [400, 'invalid_request']);
    assert.deepEqual(await code(`/api/spaces/${id}/hls/abc/evil.m4s`), [400, 'invalid_request']);
    assert.equal(server.earshot.services.media.hasRoom(id), false, 'no media room opened');
    assert.deepEqual(await code('/api/spaces/nope/hls/live.m3u8'), [404, 'not_found']);

    const ok = await host.c.get(playlist);
    assert.equal(ok.status, 200);
    const stream = /#EXT-X-MAP:URI="([^/]+)\//.exec(ok.body)?.[1];
    assert.deepEqual(await code(`${playlist}?_HLS_msn=100000`), [400, 'invalid_request']);
    assert.deepEqual(await code(`${playlist}?_HLS_msn=0&_HLS_part=40`), [400, 'invalid_request']);
    assert.deepEqual(await code(`/api/spaces/${id}/hls/${stream}/segment-99999.m4s`), [404, 'not_found']);
    assert.deepEqual(await code(`/api/spaces/${id}/hls/${stream}/part-99999.0.m4s`), [404, 'not_found']);
    assert.deepEqual(await code(`/api/spaces/${id}/hls/otherstream/init.mp4`), [404, 'not_found']);
    // The unknown names answered 404 and created nothing: the window holds only what the packager made.
    const again = (await host.c.get(playlist)).body as string;
    assert.ok(!again.includes('99999'));
    assert.equal((await host.c.post(`/api/spaces/${id}/end`, {})).status, 200);
  });

  it('follows WHEP’s rule: removed and blocked people are refused, at once', async () => {
    const host = await signUp(server.url, 'hla');
    const [sam, kim] = await Promise.all([signUp(server.url, 'hls'), signUp(server.url, 'hlk')]);
    const id = await liveSpace(host.c);
    const playlist = `/api/spaces/${id}/hls/live.m3u8`;
    for (const p of [sam, kim]) assert.equal((await p.c.get(playlist)).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/remove`, { userId: sam.user.id })).status, 200);
    assert.equal((await host.c.put(`/api/users/${kim.user.handle}/block`)).status, 200);
    for (const p of [sam, kim]) {
      const res = await p.c.get(playlist);
      assert.deepEqual([res.status, res.body.error.code], [403, 'forbidden']);
      const file = await p.c.get(`/api/spaces/${id}/hls/x/init.mp4`);
      assert.equal(file.status, 403, 'files too');
    }
    assert.equal((await host.c.post(`/api/spaces/${id}/end`, {})).status, 200);
  });
});
