import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, exitWhenDone, type Running, signUp, startEarshot } from './helpers';
import { connected, publishTone, sampleOffer, whip } from './media-bots';
import { decode, duration, lastSoundMs, recordingReady, rmsBetween, toneBetween } from './recordings';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Recording with real peers: two libwebrtc bots speak one after the other at different pitches,
 * the Space ends, and the mixdown is read back with ffmpeg.
 */
describe('recording: speakers to files, one mixdown when the Space ends', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ JOBS_POLL_MS: '200' });
  });
  after(() => server.close());
  exitWhenDone();

  const person = (prefix: string) => signUp(server.url, prefix);
  const download = async (client: Client, url: string) => {
    const res = await fetch(new URL(url, server.url), { headers: { cookie: client.cookie } });
    assert.equal(res.status, 200);
    const file = path.join(tmpdir(), `earshot-test-${Date.now()}-${Math.random()}`);
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    return { file, type: res.headers.get('content-type') };
  };

  it('two speakers at 440 and 660 Hz: the mixdown lasts as long as the Space and has each pitch when it was spoken', async () => {
    const host = await person('rhost');
    const sam = await person('rsam');
    const created = await host.c.post('/api/spaces', { title: 'Two tones', topics: [] });
    const id = created.body.space.id as string;
    await host.c.post(`/api/spaces/${id}/start`, {});
    await sam.c.post(`/api/spaces/${id}/request-speak`, {});
    await host.c.post(`/api/spaces/${id}/approve`, { userId: sam.user.id });
    await host.c.post(`/api/spaces/${id}/unmute`, { userId: host.user.id });
    await sam.c.post(`/api/spaces/${id}/unmute`, { userId: sam.user.id });
    const live = await host.c.get(`/api/spaces/${id}/recording/info`);
    assert.equal(live.body.status, 'recording');
    await sleep(1500); // a silent start: the mix must place the first words 1.5 s in

    const hostMic = await publishTone(whip(id, host.c), 440, 0.4);
    await connected(hostMic.pc);
    const hostOn = Date.now();
    await sleep(2500);
    hostMic.close();
    const hostOff = Date.now();
    const samMic = await publishTone(whip(id, sam.c), 660, 0.4);
    await connected(samMic.pc);
    const samOn = Date.now();
    await sleep(2500);
    samMic.close();
    const samOff = Date.now();
    await sleep(1500);
    assert.equal((await host.c.post(`/api/spaces/${id}/end`, {})).status, 200);

    const info = await recordingReady(host.c, id);
    const space = (await host.c.get(`/api/spaces/${id}`)).body.space;
    const startedAt = Date.parse(space.startedAt);
    const spaceMs = Date.parse(space.endedAt) - startedAt;
    assert.ok(Math.abs(info.durationMs - spaceMs) < 500, `duration ${info.durationMs} vs Space ${spaceMs}`);
    assert.equal(info.canDownload, true);
    assert.match(info.retainUntil, /^\d{4}-/);
    const days = (Date.parse(info.retainUntil) - Date.parse(space.endedAt)) / 86_400_000;
    assert.ok(Math.abs(days - 30) < 0.01, `kept 30 days (${days})`);

    for (const format of ['opus', 'm4a'] as const) {
      const { file, type } = await download(host.c, info.audio[format]);
      assert.equal(type, format === 'opus' ? 'audio/ogg' : 'audio/mp4');
      const seconds = duration(file);
      assert.ok(Math.abs(seconds * 1000 - spaceMs) < 500, `${format}: ${seconds} s for a ${spaceMs} ms Space`);
      const pcm = decode(file);
      const at = (t: number) => t - startedAt;
      // Each window trimmed at its ends: connection setup and the jitter of packet arrival.
      const hostWindow = [at(hostOn) + 600, at(hostOff) - 400] as const;
      const samWindow = [at(samOn) + 600, at(samOff) - 400] as const;
      const h440 = toneBetween(pcm, 440, ...hostWindow);
      const h660 = toneBetween(pcm, 660, ...hostWindow);
      const s440 = toneBetween(pcm, 440, ...samWindow);
      const s660 = toneBetween(pcm, 660, ...samWindow);
      const levels = JSON.stringify({ format, h440, h660, s440, s660 });
      assert.ok(h440 > 5000 && h440 > 10 * h660, `440 Hz while the host spoke: ${levels}`);
      assert.ok(s660 > 5000 && s660 > 10 * s440, `660 Hz while Sam spoke: ${levels}`);
      const quiet = rmsBetween(pcm, at(samOff) + 600, spaceMs - 100);
      assert.ok(quiet < 300, `silence after both stopped (${quiet})`);
      const before = rmsBetween(pcm, 0, at(hostOn) - 800);
      assert.ok(before < 300, `silence before anyone spoke (${before})`);
      assert.ok(
        Math.abs(lastSoundMs(pcm) - at(samOff)) < 700,
        `sound ends when Sam stopped (${lastSoundMs(pcm)} vs ${at(samOff)})`,
      );
    }

    // Who spoke when, for the replay's speaker list.
    const turns = info.turns as Array<{ user: { id: string }; startMs: number; endMs: number }>;
    const hostTurn = turns.find((t) => t.user.id === host.user.id);
    const samTurn = turns.find((t) => t.user.id === sam.user.id);
    assert.ok(hostTurn && samTurn, JSON.stringify(turns));
    assert.ok(Math.abs(hostTurn.startMs - (hostOn - startedAt)) < 1000, JSON.stringify(hostTurn));
    assert.ok(
      samTurn.startMs > hostTurn.startMs && Math.abs(samTurn.endMs - (samOff - startedAt)) < 1500,
      JSON.stringify(samTurn),
    );

    // The host hears that it is ready.
    const notes = await host.c.get('/api/notifications');
    assert.ok(
      notes.body.items.some(
        (n: { kind: string; data: { spaceId: string } }) => n.kind === 'recording_ready' && n.data.spaceId === id,
      ),
    );

    // Range requests: seeking in a player, resuming a download.
    const ranged = await fetch(new URL(info.audio.opus, server.url), {
      headers: { cookie: host.c.cookie, range: 'bytes=0-99' },
    });
    assert.equal(ranged.status, 206);
    assert.match(ranged.headers.get('content-range') ?? '', /^bytes 0-99\/\d+$/);
    assert.equal((await ranged.arrayBuffer()).byteLength, 100);
    const beyond = await fetch(new URL(info.audio.opus, server.url), {
      headers: { cookie: host.c.cookie, range: 'bytes=999999999-' },
    });
    assert.equal(beyond.status, 416);
    const attachment = await fetch(new URL(`${info.audio.m4a}&download=1`, server.url), {
      headers: { cookie: host.c.cookie },
    });
    assert.match(attachment.headers.get('content-disposition') ?? '', /attachment; filename="earshot-.*\.m4a"/);

    // Sam spoke in it but is not its host: its status and transcript, no download, and while private, no replay.
    const samInfo = await sam.c.get(`/api/spaces/${id}/recording/info`);
    assert.equal(samInfo.status, 200);
    assert.equal(samInfo.body.canDownload, false);
    assert.equal(samInfo.body.canReadTranscript, true);
    assert.equal((await sam.c.get(`/api/spaces/${id}/transcript`)).status, 200);
    assert.equal(
      (await fetch(new URL(info.audio.opus, server.url), { headers: { cookie: sam.c.cookie } })).status,
      404,
    );
    assert.equal((await new Client(server.url).get(`/api/spaces/${id}/recording/info`)).status, 401);
    // Made public: everyone may play it; downloading stays the host's.
    assert.equal((await sam.c.patch(`/api/spaces/${id}/recording`, { public: true })).status, 403);
    const published = await host.c.patch(`/api/spaces/${id}/recording`, { public: true });
    assert.equal(published.status, 200);
    assert.equal(published.body.public, true);
    const anon = new Client(server.url);
    const seen = await anon.get(`/api/spaces/${id}/recording/info`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.canDownload, false);
    assert.equal((await fetch(new URL(info.audio.opus, server.url))).status, 200);
    assert.equal((await fetch(new URL(`${info.audio.opus}&download=1`, server.url))).status, 401);
  });

  it('a Space where nobody spoke still gets a recording of silence as long as the Space', async () => {
    const host = await person('qhost');
    const created = await host.c.post('/api/spaces', { title: 'Quiet', topics: [] });
    const id = created.body.space.id as string;
    await host.c.post(`/api/spaces/${id}/start`, {});
    await sleep(1200);
    await host.c.post(`/api/spaces/${id}/end`, {});
    const info = await recordingReady(host.c, id);
    assert.ok(info.durationMs >= 1100 && info.durationMs < 3000, String(info.durationMs));
    const { file } = await download(host.c, info.audio.opus);
    assert.ok(Math.abs(duration(file) * 1000 - info.durationMs) < 500);
    assert.ok(rmsBetween(decode(file), 0, info.durationMs) < 50);
    assert.deepEqual(info.turns, []);
  });

  it('a listener reconnecting just after the end is refused and does not hold up the mixdown', async () => {
    const host = await person('lhost');
    const created = await host.c.post('/api/spaces', { title: 'Late ear', topics: [] });
    const id = created.body.space.id as string;
    await host.c.post(`/api/spaces/${id}/start`, {});
    await sleep(500);
    await host.c.post(`/api/spaces/${id}/end`, {});
    // A phone whose connection dropped with the end tries again before it hears that the Space ended.
    const late = await host.c.request('POST', `/api/spaces/${id}/whep`, await sampleOffer('recvonly'), {
      'content-type': 'application/sdp',
    });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    const info = await recordingReady(host.c, id, 8000);
    assert.ok(info.durationMs >= 400 && info.durationMs < 2000, String(info.durationMs));
  });

  it('bad requests: an unknown format is 400, an unknown Space 404, a body with unknown fields 400', async () => {
    const host = await person('xhost');
    const created = await host.c.post('/api/spaces', { title: 'Bad', topics: [] });
    const id = created.body.space.id as string;
    const bad = await host.c.get(`/api/spaces/${id}/recording?format=wav`);
    assert.equal(bad.status, 400);
    assert.equal((await host.c.get('/api/spaces/nope/recording/info')).status, 404);
    assert.equal((await host.c.patch(`/api/spaces/${id}/recording`, { public: true, extra: 1 })).status, 400);
    // Not started: no recording yet.
    assert.equal((await host.c.get(`/api/spaces/${id}/recording/info`)).status, 404);
  });
});
