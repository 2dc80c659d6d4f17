import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, exitWhenDone, type Running, mediaRoom as roomOf, signUp, startEarshot, watch } from './helpers';
import { connected, listen, publishTone, type Signal, until } from './media-bots';

/**
 * The media plane with real peers: libwebrtc bots publish a 440 Hz tone over WHIP and listen over
 * WHEP through the SFU; loudness is measured on the decoded audio.
 */
describe('media plane: WHIP/WHEP with real WebRTC peers', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ PRESENCE_GRACE_MS: '300' });
  });
  after(() => server.close());
  exitWhenDone();

  const person = (prefix: string) => signUp(server.url, prefix);
  const liveSpace = async (host: Client) => {
    const res = await host.post('/api/spaces', { title: 'Sound check', topics: [] });
    const id = res.body.space.id as string;
    assert.equal((await host.post(`/api/spaces/${id}/start`, {})).status, 200);
    return id;
  };
  /** Posts an offer as `client` (or signed out); the answer, or an error naming the status. */
  const signal =
    (kind: 'whip' | 'whep', id: string, client?: Client, sessions: string[] = []): Signal =>
    async (offer) => {
      const res = await (client ?? new Client(server.url)).request('POST', `/api/spaces/${id}/${kind}`, offer, {
        'content-type': 'application/sdp',
      });
      if (res.status !== 201) throw Object.assign(new Error(`${res.status} ${JSON.stringify(res.body)}`), res);
      assert.equal(res.headers.get('content-type'), 'application/sdp');
      sessions.push(res.headers.get('location') ?? '');
      return res.body as string;
    };
  const mediaRoom = (id: string) => roomOf(server, id);

  it('three listeners hear a speaker; a host mute silences them within 300 ms; unmute brings the sound back', async () => {
    const host = await person('mhost');
    const sam = await person('msam');
    const id = await liveSpace(host.c);
    // Sam comes on stage and unmutes; the host stays muted.
    await sam.c.post(`/api/spaces/${id}/request-speak`, {});
    await host.c.post(`/api/spaces/${id}/approve`, { userId: sam.user.id });
    assert.equal((await sam.c.post(`/api/spaces/${id}/unmute`, { userId: sam.user.id })).status, 200);

    const speaker = await publishTone(signal('whip', id, sam.c));
    await connected(speaker.pc);
    const listeners = await Promise.all([0, 1, 2].map(() => listen(signal('whep', id))));
    await Promise.all(listeners.map((l) => connected(l.pc)));
    // Sam's slot is 1 (the host holds 0); a single-track player gets the dominant speaker: Sam.
    for (const l of listeners) await until(() => l.rms(200) > 3000, 5000, 'tone heard');
    await new Promise((r) => setTimeout(r, 700));
    const levels = listeners.map((l) => Math.round(l.rms(500)));
    for (const rms of levels) assert.ok(rms > 8000, `a 0.5 amplitude tone is ~11,600 RMS; heard ${levels}`);

    // Speaking comes from the audio itself, into the room state.
    const view = await watch(server.url, id);
    await view.until(() => view.view.state?.stage.find((m) => m.user.id === sam.user.id)?.speaking === true);

    const mutedAt = Date.now();
    assert.equal((await host.c.post(`/api/spaces/${id}/mute`, { userId: sam.user.id })).status, 200);
    for (const l of listeners)
      await until(
        () => (l.silentSince() ?? 0) >= mutedAt - 20 && Date.now() - (l.silentSince() ?? 0) > 100,
        2000,
        'silence',
      );
    const onsets = listeners.map((l) => (l.silentSince() ?? 0) - mutedAt);
    for (const ms of onsets) assert.ok(ms <= 300, `silence within 300 ms of the mute; onsets ${onsets} ms`);
    await view.until(() => view.view.state?.stage.find((m) => m.user.id === sam.user.id)?.speaking === false);
    // Still silent a while later: the server drops the muted speaker's packets.
    await new Promise((r) => setTimeout(r, 500));
    for (const l of listeners) assert.ok(l.rms(400) < 100, `muted speaker stays silent (${l.rms(400)})`);

    assert.equal((await sam.c.post(`/api/spaces/${id}/unmute`, { userId: sam.user.id })).status, 200);
    for (const l of listeners) await until(() => l.rms(100) > 3000, 2000, 'sound again');

    view.close();
    speaker.close();
    for (const l of listeners) l.close();
  });

  it('only the stage publishes: a listener gets 403 and a signed-out person 401 on WHIP, and no peer is left', async () => {
    const host = await person('ahost');
    const leo = await person('aleo');
    const id = await liveSpace(host.c);
    await watch(server.url, id, leo.c).then((v) => v.close());
    await assert.rejects(publishTone(signal('whip', id, leo.c)), (err: { status: number; body: any }) => {
      assert.equal(err.status, 403);
      assert.match(err.body.error.message, /host, co-hosts and speakers/);
      return true;
    });
    await assert.rejects(publishTone(signal('whip', id)), (err: { status: number }) => err.status === 401);
    assert.equal(mediaRoom(id)?.publishers().length ?? 0, 0);
    // Unknown Space: 404; an ended one: 409.
    await assert.rejects(listen(signal('whep', 'nope')), (err: { status: number }) => err.status === 404);
    assert.equal(mediaRoom('nope'), undefined, 'no room is left for an unknown Space');
    await host.c.post(`/api/spaces/${id}/end`, {});
    await assert.rejects(listen(signal('whep', id)), (err: { status: number }) => err.status === 409);
    assert.equal(mediaRoom(id), undefined, 'no room is left for an ended Space');
  });

  it('a listener made a speaker publishes without interrupting what they hear; moved back, their publish session closes', async () => {
    const host = await person('bhost');
    const kim = await person('bkim');
    const id = await liveSpace(host.c);
    await host.c.post(`/api/spaces/${id}/unmute`, { userId: host.user.id });
    const hostMic = await publishTone(signal('whip', id, host.c), 440);
    await connected(hostMic.pc);

    // Kim listens with a track per stage slot, like the web app.
    const room = (await host.c.get(`/api/spaces/${id}`)).body.space;
    const kimEars = await listen(signal('whep', id, kim.c), room.stageSize);
    await connected(kimEars.pc);
    await until(() => kimEars.rms(200, 0) > 3000, 5000, 'host heard on slot 0');

    await kim.c.post(`/api/spaces/${id}/request-speak`, {});
    await host.c.post(`/api/spaces/${id}/approve`, { userId: kim.user.id });
    await kim.c.post(`/api/spaces/${id}/unmute`, { userId: kim.user.id });
    const sessions: string[] = [];
    const kimMic = await publishTone(signal('whip', id, kim.c, sessions), 660);
    await connected(kimMic.pc);
    // A second listener hears Kim on slot 1, the host still on slot 0.
    const other = await listen(signal('whep', id), room.stageSize);
    await connected(other.pc);
    await until(() => other.rms(200, 1) > 3000 && other.rms(200, 0) > 3000, 5000, 'both slots heard');
    assert.equal(kimEars.pc.connectionState, 'connected', 'Kim’s listening connection was not touched');
    assert.ok(kimEars.rms(300, 0) > 3000, 'Kim still hears the host');

    assert.equal((await host.c.post(`/api/spaces/${id}/demote`, { userId: kim.user.id })).status, 200);
    const closedIn = await until(
      () => (mediaRoom(id)?.peersOf(kim.user.id).length ?? 0) === 1,
      2000,
      'publisher closed',
    );
    assert.ok(closedIn < 1000, `closed ${closedIn} ms after the demotion`);
    await until(
      () => other.silentSince(1) !== undefined && Date.now() - (other.silentSince(1) ?? 0) > 200,
      2000,
      'slot 1 silent',
    );
    // Its WHIP resource is gone; Kim's ears are still connected.
    assert.equal((await kim.c.delete(sessions[0]!)).status, 404);
    assert.equal(kimEars.pc.connectionState, 'connected');
    assert.equal(
      (await kim.c.request('POST', `/api/spaces/${id}/whip`, 'v=0', { 'content-type': 'application/sdp' })).status,
      403,
    );

    for (const peer of [hostMic, kimMic, kimEars, other]) peer.close();
  });

  it('removal closes every connection of the removed person; ending the Space closes all', async () => {
    const host = await person('chost');
    const rex = await person('crex');
    const id = await liveSpace(host.c);
    await host.c.post(`/api/spaces/${id}/unmute`, { userId: host.user.id });
    const hostMic = await publishTone(signal('whip', id, host.c));
    const rexEars = await listen(signal('whep', id, rex.c));
    const anon = await listen(signal('whep', id));
    await Promise.all([connected(hostMic.pc), connected(rexEars.pc), connected(anon.pc)]);
    assert.equal(mediaRoom(id)?.subscribers().length, 2);

    await host.c.post(`/api/spaces/${id}/remove`, { userId: rex.user.id });
    await until(() => mediaRoom(id)?.peersOf(rex.user.id).length === 0, 1000, 'removed listener closed');
    await assert.rejects(listen(signal('whep', id, rex.c)), (err: { status: number }) => err.status === 403);

    await host.c.post(`/api/spaces/${id}/end`, {});
    await until(() => mediaRoom(id) === undefined, 1000, 'room closed');
    await until(() => anon.pc.connectionState !== 'connected', 10_000, 'listener disconnected');
    for (const peer of [hostMic, rexEars, anon]) peer.close();
  });

  it('a new WHIP offer from the same speaker replaces the old session; DELETE ends a session', async () => {
    const host = await person('dhost');
    const id = await liveSpace(host.c);
    const sessions: string[] = [];
    const first = await publishTone(signal('whip', id, host.c, sessions));
    await connected(first.pc);
    const second = await publishTone(signal('whip', id, host.c, sessions));
    await connected(second.pc);
    await until(() => mediaRoom(id)?.publishers().length === 1, 1000, 'one publisher');
    assert.match(sessions[1]!, new RegExp(`^/api/spaces/${id}/media/[\\w-]+$`));
    assert.equal((await host.c.delete(sessions[0]!)).status, 404);
    assert.equal((await host.c.delete(sessions[1]!)).status, 204);
    await until(() => (mediaRoom(id)?.publishers().length ?? 0) === 0, 1000, 'no publisher');
    const patch = await host.c.request('PATCH', sessions[1]!, 'a=x', {
      'content-type': 'application/trickle-ice-sdpfrag',
    });
    assert.equal(patch.status, 405);
    first.close();
    second.close();
  });
});
