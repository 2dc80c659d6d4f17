import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoomState } from '@earshot/protocol';
import { Client, type Running, refusal, signUp, startEarshot, uniqueHandle, watch } from './helpers';

describe('Spaces', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ PRESENCE_GRACE_MS: '300' });
  });
  after(() => server.close());

  const person = (prefix: string) => signUp(server.url, prefix);
  const liveSpace = async (host: Client, body: object = {}) => {
    const res = await host.post('/api/spaces', { title: 'Morning show', topics: ['tech', 'radio'], ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.space.id as string;
    assert.equal((await host.post(`/api/spaces/${id}/start`, {})).status, 200);
    return id;
  };

  it('host creates and starts a Space; a listener raises a hand, is approved and everyone sees it in order', async () => {
    const host = await person('host');
    const ann = await person('ann');
    const id = await liveSpace(host.c);
    const hostView = await watch(server.url, id, host.c);
    const annView = await watch(server.url, id, ann.c);
    const anon = await watch(server.url, id);
    assert.equal(anon.view.state?.status, 'live');
    assert.equal(anon.view.state?.host.id, host.user.id);

    const raised = await ann.c.post(`/api/spaces/${id}/request-speak`, {});
    assert.equal(raised.status, 200);
    await hostView.until(() => hostView.view.state?.raisedHands.some((u) => u.id === ann.user.id) ?? false);
    const approved = await host.c.post(`/api/spaces/${id}/approve`, { userId: ann.user.id });
    assert.equal(approved.status, 200);
    assert.ok(approved.body.seq > raised.body.seq);
    for (const v of [hostView, annView, anon])
      await v.until(() => v.view.state?.stage.some((m) => m.user.id === ann.user.id && m.role === 'speaker') ?? false);
    await anon.until(() => anon.view.listenerCount === 3);

    // The client's replayed state equals the server's.
    const server_ = (await host.c.get(`/api/spaces/${id}`)).body;
    await hostView.until(() => hostView.view.seq === server_.seq);
    assert.deepEqual(hostView.view.state, server_.space);
    for (const v of [hostView, annView, anon]) v.close();
  });

  it('commands over the socket are acknowledged with the new seq; errors name the command id', async () => {
    const host = await person('sockh');
    const id = await liveSpace(host.c);
    const v = await watch(server.url, id, host.c);
    v.view.ws.send(JSON.stringify({ type: 'command', id: 'c1', name: 'mute', args: { userId: host.user.id } }));
    v.view.ws.send(JSON.stringify({ type: 'command', id: 'c2', name: 'unmute', args: { userId: 'nobody' } }));
    v.view.ws.send(JSON.stringify({ type: 'command', id: 'c3', name: 'fly', args: {} }));
    await v.until(() => v.view.messages.filter((m) => m.type === 'ack' || m.type === 'error').length >= 3);
    const ack = v.view.messages.find((m) => m.id === 'c1');
    assert.equal(ack.type, 'ack');
    assert.equal(v.view.messages.find((m) => m.id === 'c2').error.code, 'not_found');
    assert.ok(v.view.messages.some((m) => m.type === 'error' && m.error.code === 'invalid_request'));
    v.close();
  });

  it('reconnecting with ?since=SEQ gets exactly the missed events', async () => {
    const host = await person('rech');
    const ann = await person('reca');
    const id = await liveSpace(host.c);
    const first = await watch(server.url, id, ann.c);
    const seq = first.view.seq;
    first.close();
    await ann.c.post(`/api/spaces/${id}/request-speak`, {});
    await ann.c.post(`/api/spaces/${id}/cancel-request`, {});
    const again = await watch(server.url, id, ann.c, `?since=${seq}`, first.view);
    await again.until(() => again.view.seq === seq + 2);
    assert.ok(!again.view.messages.some((m) => m.type === 'snapshot'));
    again.close();
    // A seq the log cannot serve gets a snapshot.
    const fresh = await watch(server.url, id, ann.c, '?since=999');
    assert.equal(fresh.view.messages[0].type, 'snapshot');
    fresh.close();
  });

  it('removal closes the socket with 4403 and the person cannot rejoin (403)', async () => {
    const host = await person('remh');
    const bad = await person('troll');
    const id = await liveSpace(host.c);
    const v = await watch(server.url, id, bad.c);
    assert.equal((await host.c.post(`/api/spaces/${id}/remove`, { userId: bad.user.id })).status, 200);
    await v.until(() => v.view.closeCode !== 0);
    assert.equal(v.view.closeCode, 4403);
    const rejoin = await refusal(server.url, id, bad.c);
    assert.equal(rejoin.status, 403);
    assert.equal(rejoin.body.error.code, 'forbidden');
    assert.equal((await bad.c.post(`/api/spaces/${id}/request-speak`, {})).status, 403);
  });

  it('blocking applies to all the host’s Spaces', async () => {
    const host = await person('blkh');
    const bad = await person('blkd');
    const first = await liveSpace(host.c);
    assert.equal((await host.c.post(`/api/spaces/${first}/block`, { userId: bad.user.id })).status, 200);
    const second = await liveSpace(host.c, { title: 'Evening show' });
    assert.equal((await bad.c.post(`/api/spaces/${second}/react`, { emoji: '🔥' })).status, 403);
    assert.equal((await refusal(server.url, second, bad.c)).status, 403);
  });

  it('ends the Space: everyone sees it ended and it leaves discovery', async () => {
    const host = await person('endh');
    const id = await liveSpace(host.c, { title: 'Unique ending title' });
    assert.equal((await host.c.get('/api/spaces?q=unique ending')).body.items[0]?.id, id);
    const v = await watch(server.url, id);
    assert.equal((await host.c.post(`/api/spaces/${id}/end`, {})).status, 200);
    await v.until(() => v.view.state?.status === 'ended' && v.view.closeCode === 1000);
    assert.equal((await host.c.get('/api/spaces?q=unique ending')).body.items.length, 0);
    assert.equal((await host.c.post(`/api/spaces/${id}/request-speak`, {})).status, 409);
  });

  it('search matches word by word, in title and topics, in any order', async () => {
    const host = await person('srch');
    const tag = `w${Math.random().toString(36).slice(2, 8)}`;
    const id = await liveSpace(host.c, { title: `Open audio night ${tag}`, topics: ['jazz'] });
    const found = async (q: string) =>
      ((await host.c.get(`/api/spaces?q=${encodeURIComponent(q)}`)).body.items as Array<{ id: string }>).some(
        (s) => s.id === id,
      );
    for (const q of [`audio night ${tag}`, `night ${tag} open`, `${tag} #jazz`, `AUDIO ${tag}`])
      assert.ok(await found(q), q);
    for (const q of [`audio day ${tag}`, `${tag} rock`, `100% ${tag}`]) assert.equal(await found(q), false, q);
  });

  it('reactions reach everyone, unsequenced, and are rate-limited per user', async () => {
    const host = await person('rxh');
    const fan = await person('fan');
    const id = await liveSpace(host.c);
    const v = await watch(server.url, id, host.c);
    assert.equal((await fan.c.post(`/api/spaces/${id}/react`, { emoji: '👏' })).status, 200);
    await v.until(() =>
      v.view.messages.some((m) => m.type === 'reaction' && m.user.id === fan.user.id && m.emoji === '👏'),
    );
    assert.equal((await fan.c.post(`/api/spaces/${id}/react`, { emoji: '🍕' })).status, 400);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await fan.c.post(`/api/spaces/${id}/react`, { emoji: '🔥' })).status);
    assert.ok(statuses.includes(429), String(statuses));
    assert.equal((await new Client(server.url).post(`/api/spaces/${id}/react`, { emoji: '🔥' })).status, 401);
    v.close();
  });

  it('a reaction is refused at once after a removal or a block, though reactions read a cached room', async () => {
    const host = await person('rch');
    const [gone, blocked] = [await person('rcg'), await person('rcb')];
    const id = await liveSpace(host.c);
    const react = (p: { c: Client }) => p.c.post(`/api/spaces/${id}/react`, { emoji: '👏' });
    assert.equal((await react(gone)).status, 200);
    assert.equal((await react(blocked)).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/remove`, { userId: gone.user.id })).status, 200);
    assert.equal((await react(gone)).status, 403);
    // From the host's profile, not a command in the Space.
    assert.equal((await host.c.put(`/api/users/${blocked.user.handle}/block`)).status, 200);
    assert.equal((await react(blocked)).status, 403);
    assert.equal((await react(host)).status, 200);
  });

  it('invitations arrive as a DM with an accept action and a notification', async () => {
    const host = await person('invh');
    const guest = await person('guest');
    const id = await liveSpace(host.c, { speakerPolicy: 'invited' });
    assert.equal((await guest.c.post(`/api/spaces/${id}/request-speak`, {})).status, 403);
    assert.equal((await host.c.post(`/api/spaces/${id}/invite`, { handle: guest.user.handle })).status, 200);
    const convo = (await guest.c.get(`/api/dms/${host.user.handle}`)).body.items;
    assert.deepEqual(convo[0].action, { kind: 'space_invite', spaceId: id, role: 'speaker' });
    const notes = (await guest.c.get('/api/notifications')).body.items;
    assert.equal(notes[0].kind, 'space_invite');
    assert.equal(notes[0].data.spaceId, id);
    assert.equal((await guest.c.post(`/api/spaces/${id}/accept-invite`, {})).status, 200);
    const room = (await guest.c.get(`/api/spaces/${id}`)).body.space as RoomState;
    assert.ok(room.stage.some((m) => m.user.id === guest.user.id && m.role === 'speaker' && m.muted));
  });

  it('pins posts, lists bubbles of people I follow, and keeps the listener count live', async () => {
    const host = await person('pinh');
    const me = await person('me');
    await me.c.put(`/api/users/${host.user.handle}/follow`);
    const id = await liveSpace(host.c, { title: 'Bubble room' });
    const post = (await host.c.post('/api/posts', { text: 'Agenda: intros, Q&A' })).body.post;
    assert.equal((await host.c.post(`/api/spaces/${id}/pin`, { postId: post.id })).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/pin`, { postId: 'missing' })).status, 404);
    assert.equal((await me.c.post(`/api/spaces/${id}/pin`, { postId: post.id })).status, 403);
    const view = (await me.c.get(`/api/spaces/${id}`)).body;
    assert.equal(view.space.pinnedPosts[0].text, 'Agenda: intros, Q&A');
    const bubbles = (await me.c.get('/api/spaces/bubbles')).body.items;
    assert.equal(bubbles[0].id, id);
    assert.equal(bubbles[0].followedOnStage, 1);
    assert.equal((await new Client(server.url).get('/api/spaces/bubbles')).status, 401);

    const a = await watch(server.url, id);
    const b = await watch(server.url, id, me.c);
    await a.until(() => a.view.listenerCount === 2);
    b.close();
    await a.until(() => a.view.listenerCount === 1, 3000);
    a.close();
  });

  it('50 simultaneous approvals for 12 raised hands never put more than 10 speakers on stage', async () => {
    const host = await person('conh');
    const id = await liveSpace(host.c);
    const hands = await Promise.all(Array.from({ length: 12 }, (_, i) => person(`h${i}`)));
    for (const h of hands) assert.equal((await h.c.post(`/api/spaces/${id}/request-speak`, {})).status, 200);
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        host.c.post(`/api/spaces/${id}/approve`, { userId: hands[i % 12]?.user.id }).then((r) => r.status),
      ),
    );
    assert.ok(
      statuses.every((s) => s === 200 || s === 409),
      String(statuses),
    );
    const room = (await host.c.get(`/api/spaces/${id}`)).body.space as RoomState;
    assert.equal(room.stage.filter((m) => m.role === 'speaker').length, 10);
    assert.equal(statuses.filter((s) => s === 200).length, 10);
    assert.equal(room.raisedHands.length, 2);
  });

  it('validates Space creation', async () => {
    const host = await person('valh');
    for (const body of [
      { title: '' },
      { title: 'x'.repeat(71) },
      { title: 'ok', topics: ['a', 'b', 'c', 'd'] },
      { title: 'ok', speakerPolicy: 'nobody' },
      { title: 'ok', extra: 1 },
    ]) {
      const res = await host.c.post('/api/spaces', body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal((await new Client(server.url).post('/api/spaces', { title: 'anon' })).status, 401);
    assert.equal((await host.c.get('/api/spaces/nope')).status, 404);
    assert.equal((await host.c.post('/api/spaces/nope/start', {})).status, 404);
  });
});

describe('hosting eligibility', () => {
  it('refuses to create a Space below the minimum follower count, with a clear 403', async () => {
    const server = await startEarshot({ HOST_MIN_FOLLOWERS: '1' });
    try {
      const host = new Client(server.url);
      const user = await host.signup(uniqueHandle('elig'));
      const refused = await host.post('/api/spaces', { title: 'Too early' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'not_eligible');
      assert.match(refused.body.error.message, /1 followers/);
      const fan = new Client(server.url);
      await fan.signup(uniqueHandle('fan'));
      await fan.put(`/api/users/${user.handle}/follow`);
      assert.equal((await host.post('/api/spaces', { title: 'Now it works' })).status, 201);
    } finally {
      await server.close();
    }
  });
});
