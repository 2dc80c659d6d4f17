import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { audioLevel } from '../src/media/rtp';
import { Client, exitWhenDone, type Running, signUp, startEarshot } from './helpers';
import { connected, listen, publishTone, rawListener, type Signal, toneLevel, until } from './media-bots';

/**
 * The room mix with real peers: two libwebrtc speakers publish two tones at the same time; a WHEP
 * player with one audio section hears both in its decoded audio (Goertzel), and mutes and removals
 * take a speaker out of the mix as they do out of forwarding. Runs with MEDIA_WORKERS=0 and 2.
 */
describe('room mix: one-section WHEP listeners hear every unmuted speaker', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ PRESENCE_GRACE_MS: '300' });
  });
  after(() => server.close());
  exitWhenDone();

  const signal =
    (kind: 'whip' | 'whep', id: string, client?: Client): Signal =>
    async (offer) => {
      const res = await (client ?? new Client(server.url)).request('POST', `/api/spaces/${id}/${kind}`, offer, {
        'content-type': 'application/sdp',
      });
      if (res.status !== 201) throw Object.assign(new Error(`${res.status} ${JSON.stringify(res.body)}`), res);
      return res.body as string;
    };
  const SAM = 440;
  const KIM = 1250;
  /** Each tone's level in the listener's last 400 ms (a 0.3 amplitude tone is ~6,950). */
  const tones = (ears: Awaited<ReturnType<typeof listen>>) => {
    const pcm = ears.pcm(400);
    return { sam: Math.round(toneLevel(pcm, SAM)), kim: Math.round(toneLevel(pcm, KIM)) };
  };
  const heard = (ears: Awaited<ReturnType<typeof listen>>, want: { sam: boolean; kim: boolean }, what: string) =>
    until(
      () => {
        const t = tones(ears);
        return (
          t.sam > 2000 === want.sam &&
          t.sam < 300 === !want.sam &&
          t.kim > 2000 === want.kim &&
          t.kim < 300 === !want.kim
        );
      },
      4000,
      `${what} (last heard ${JSON.stringify(tones(ears))})`,
    );

  it('hears two speakers talking at once; a mute leaves only the other; a removal takes them out', async () => {
    const host = await signUp(server.url, 'xhost');
    const sam = await signUp(server.url, 'xsam');
    const kim = await signUp(server.url, 'xkim');
    const res = await host.c.post('/api/spaces', { title: 'Two at once', topics: [] });
    const id = res.body.space.id as string;
    assert.equal((await host.c.post(`/api/spaces/${id}/start`, {})).status, 200);
    for (const p of [sam, kim]) {
      assert.equal((await p.c.post(`/api/spaces/${id}/request-speak`, {})).status, 200);
      assert.equal((await host.c.post(`/api/spaces/${id}/approve`, { userId: p.user.id })).status, 200);
      assert.equal((await p.c.post(`/api/spaces/${id}/unmute`, { userId: p.user.id })).status, 200);
    }
    assert.equal(server.earshot.services.media.stats().mixing, 0, 'no mix before anyone takes it');
    const samMic = await publishTone(signal('whip', id, sam.c), SAM, 0.3);
    const kimMic = await publishTone(signal('whip', id, kim.c), KIM, 0.3);
    const ears = await listen(signal('whep', id));
    await Promise.all([connected(samMic.pc), connected(kimMic.pc), connected(ears.pc)]);

    await heard(ears, { sam: true, kim: true }, 'both tones in the mix');
    await until(() => server.earshot.services.media.stats().mixing === 1, 3000, 'one mix runs');
    // The mix carries the loudest speaker's level (RFC 6464) under the id the player offered.
    const player = await rawListener(signal('whep', id), 3);
    await until(() => player.recent(300).length > 5, 3000, 'mix packets at the raw player');
    const levels = player.recent(300).map((p) => audioLevel(p, 3));
    assert.ok(
      levels.every((l) => l !== undefined && l > 5 && l < 30),
      `two 0.3 tones are about 13 dB under full scale: ${levels.join(',')}`,
    );
    player.close();

    assert.equal((await host.c.post(`/api/spaces/${id}/mute`, { userId: sam.user.id })).status, 200);
    await heard(ears, { sam: false, kim: true }, 'only Kim after Sam is muted');
    await new Promise((r) => setTimeout(r, 500));
    const muted = tones(ears);
    assert.ok(muted.sam < 300 && muted.kim > 2000, `Sam stays out of the mix while muted: ${JSON.stringify(muted)}`);

    assert.equal((await sam.c.post(`/api/spaces/${id}/unmute`, { userId: sam.user.id })).status, 200);
    await heard(ears, { sam: true, kim: true }, 'both again after Sam unmutes');

    assert.equal((await host.c.post(`/api/spaces/${id}/remove`, { userId: kim.user.id })).status, 200);
    await heard(ears, { sam: true, kim: false }, 'Kim gone from the mix after her removal');
    await new Promise((r) => setTimeout(r, 500));
    const removed = tones(ears);
    assert.ok(removed.kim < 300 && removed.sam > 2000, `Kim stays out: ${JSON.stringify(removed)}`);

    // The last mix listener leaves: the mixer stops.
    ears.close();
    await until(() => server.earshot.services.media.stats().mixing === 0, 20_000, 'the mix stops');
    samMic.close();
    kimMic.close();
  });

  it('per-slot listeners are not sent the mix, and several mix listeners share one mix', async () => {
    const host = await signUp(server.url, 'yhost');
    const res = await host.c.post('/api/spaces', { title: 'Slots and mix', topics: [] });
    const id = res.body.space.id as string;
    assert.equal((await host.c.post(`/api/spaces/${id}/start`, {})).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/unmute`, { userId: host.user.id })).status, 200);
    const mixingBefore = server.earshot.services.media.stats().mixing;
    const mic = await publishTone(signal('whip', id, host.c), SAM, 0.3);
    const stageSize = res.body.space.stageSize ?? 13;
    const slots = await listen(signal('whep', id), stageSize);
    const mixes = await Promise.all([0, 1, 2].map(() => listen(signal('whep', id))));
    await Promise.all([mic.pc, slots.pc, ...mixes.map((m) => m.pc)].map((pc) => connected(pc)));
    await until(() => toneLevel(slots.pcm(400, 0), SAM) > 2000, 5000, "the host's tone on slot 0");
    for (const m of mixes) await until(() => toneLevel(m.pcm(400), SAM) > 2000, 5000, 'the tone in the mix');
    await until(() => server.earshot.services.media.stats().mixing === mixingBefore + 1, 3000, 'one mix for the room');
    // Slot 1 is empty: nothing else (the mix) arrives on any other track.
    assert.ok(slots.rms(400, 1) < 100, `slot 1 is silent (${slots.rms(400, 1)})`);
    for (const l of [slots, ...mixes]) l.close();
    mic.close();
  });
});
