import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueue } from '../src/jobs/jobs';
import { LIVE_NOTICE_JOB } from '../src/social/live-notices';
import { Client, type Running, startEarshot, uniqueHandle } from './helpers';

describe('social graph, posts, DMs and notifications', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot();
  });
  after(() => server.close());

  type Person = { c: Client; user: { id: string; handle: string }; handle: string };
  const people = async <const P extends readonly string[]>(...prefixes: P) =>
    (await Promise.all(
      prefixes.map(async (p) => {
        const c = new Client(server.url);
        const user = await c.signup(uniqueHandle(p), `${p} display`);
        return { c, user, handle: user.handle };
      }),
    )) as { [K in keyof P]: Person };

  it('follows and unfollows, with counts, relations and lists', async () => {
    const [a, b, c] = await people('ann', 'bob', 'cy');
    let res = await a.c.put(`/api/users/${b.handle}/follow`);
    assert.equal(res.status, 200);
    assert.equal(res.body.followers, 1);
    assert.equal(res.body.youFollow, true);
    assert.equal(res.body.followsYou, false);
    // Following twice is idempotent.
    assert.equal((await a.c.put(`/api/users/${b.handle}/follow`)).body.followers, 1);
    await c.c.put(`/api/users/${b.handle}/follow`);
    await b.c.put(`/api/users/${a.handle}/follow`);

    const seenByB = (await b.c.get(`/api/users/${a.handle}`)).body;
    assert.deepEqual([seenByB.followers, seenByB.following, seenByB.youFollow, seenByB.followsYou], [1, 1, true, true]);

    const page1 = await a.c.get(`/api/users/${b.handle}/followers?limit=1`);
    assert.equal(page1.body.items.length, 1);
    assert.ok(page1.body.nextCursor);
    const page2 = await a.c.get(`/api/users/${b.handle}/followers?limit=1&cursor=${page1.body.nextCursor}`);
    assert.equal(page2.body.items.length, 1);
    assert.equal(page2.body.nextCursor, null);
    assert.deepEqual([page1.body.items[0].handle, page2.body.items[0].handle].sort(), [a.handle, c.handle].sort());
    assert.deepEqual(
      (await a.c.get(`/api/users/${a.handle}/following`)).body.items.map((u: { handle: string }) => u.handle),
      [b.handle],
    );

    res = await a.c.delete(`/api/users/${b.handle}/follow`);
    assert.equal(res.body.followers, 1);
    assert.equal(res.body.youFollow, false);
    assert.equal((await a.c.put(`/api/users/${a.handle}/follow`)).status, 400);
    assert.equal((await a.c.put('/api/users/nobody_here/follow')).status, 404);
    assert.equal((await new Client(server.url).put(`/api/users/${b.handle}/follow`)).status, 401);
  });

  it('blocking ends follows both ways and forbids following and messaging', async () => {
    const [a, b] = await people('blk', 'vic');
    await a.c.put(`/api/users/${b.handle}/follow`);
    await b.c.put(`/api/users/${a.handle}/follow`);
    const blocked = await a.c.put(`/api/users/${b.handle}/block`);
    assert.equal(blocked.status, 200);
    assert.equal(blocked.body.blocked, true);
    assert.deepEqual([blocked.body.followers, blocked.body.following], [0, 0]);

    const seenByB = (await b.c.get(`/api/users/${a.handle}`)).body;
    assert.equal(seenByB.blocksYou, true);
    const follow = await b.c.put(`/api/users/${a.handle}/follow`);
    assert.equal(follow.status, 403);
    assert.equal(follow.body.error.code, 'blocked');
    const dm = await b.c.post(`/api/dms/${a.handle}`, { text: 'let me in' });
    assert.equal(dm.status, 403);
    assert.equal(dm.body.error.code, 'blocked');
    // The blocker cannot message either until they unblock.
    assert.equal((await a.c.post(`/api/dms/${b.handle}`, { text: 'hi' })).status, 403);
    assert.equal((await a.c.get(`/api/dms/${b.handle}`)).body.items.length, 0);

    assert.equal((await a.c.delete(`/api/users/${b.handle}/block`)).body.blocked, false);
    assert.equal((await b.c.post(`/api/dms/${a.handle}`, { text: 'thanks' })).status, 201);
  });

  it('posts: compose, read, list newest first with a cursor, 280 characters at most', async () => {
    const [a] = await people('poster');
    const ids: string[] = [];
    for (const text of ['first', 'second', 'third']) {
      const res = await a.c.post('/api/posts', { text });
      assert.equal(res.status, 201);
      ids.push(res.body.post.id);
    }
    assert.equal((await a.c.get(`/api/posts/${ids[0]}`)).body.post.text, 'first');
    // Anyone may read posts.
    const anon = new Client(server.url);
    const page1 = await anon.get(`/api/users/${a.handle}/posts?limit=2`);
    assert.deepEqual(
      page1.body.items.map((p: { text: string }) => p.text),
      ['third', 'second'],
    );
    const page2 = await anon.get(`/api/users/${a.handle}/posts?limit=2&cursor=${page1.body.nextCursor}`);
    assert.deepEqual(
      page2.body.items.map((p: { text: string }) => p.text),
      ['first'],
    );
    assert.equal((await a.c.post('/api/posts', { text: 'x'.repeat(280) })).status, 201);
    const long = await a.c.post('/api/posts', { text: 'x'.repeat(281) });
    assert.equal(long.status, 400);
    assert.match(long.body.error.message, /280/);
    assert.equal((await a.c.post('/api/posts', { text: '   ' })).status, 400);
    assert.equal((await anon.post('/api/posts', { text: 'anon' })).status, 401);
    assert.equal((await anon.get('/api/posts/nope')).status, 404);
    assert.equal((await anon.get(`/api/users/${a.handle}/posts`)).body.items.length, 4);
  });

  it('timeline: posts of the people I follow, newest first, paged; not mine nor strangers’, not after unfollowing', async () => {
    const [me, ann, bob, stranger] = await people('tlm', 'tla', 'tlb', 'tls');
    await me.c.put(`/api/users/${ann.handle}/follow`);
    await me.c.put(`/api/users/${bob.handle}/follow`);
    const texts: string[] = [];
    for (const [i, p] of [ann, bob, stranger, me, ann, bob].entries()) {
      const text = `post ${i} by ${p.handle}`;
      await p.c.post('/api/posts', { text });
      if (p === ann || p === bob) texts.unshift(text);
    }
    const first = await me.c.get('/api/timeline?limit=3');
    assert.equal(first.status, 200);
    assert.ok(first.body.nextCursor);
    const second = await me.c.get(`/api/timeline?limit=3&cursor=${first.body.nextCursor}`);
    const read = [...first.body.items, ...second.body.items].map((p: { text: string }) => p.text);
    assert.deepEqual(read, texts);
    assert.equal(second.body.nextCursor, null);
    await me.c.delete(`/api/users/${bob.handle}/follow`);
    const after = (await me.c.get('/api/timeline')).body.items.map(
      (p: { author: { handle: string } }) => p.author.handle,
    );
    assert.deepEqual([...new Set(after)], [ann.handle]);
    assert.equal((await new Client(server.url).get('/api/timeline')).status, 401);
    assert.equal((await me.c.get('/api/timeline?limit=0')).status, 400);
  });

  it('DMs: inbox per pair, unread counts, read on open, live push to both sides', async () => {
    const [a, b, c] = await people('dma', 'dmb', 'dmc');
    const bSocket = await b.c.socket();
    await bSocket.next((m) => m.type === 'hello');
    const sent = await a.c.post(`/api/dms/${b.handle}`, { text: 'hello b' });
    assert.equal(sent.status, 201);
    assert.equal(sent.body.message.from.handle, a.handle);
    const pushed = await bSocket.next((m) => m.type === 'dm');
    assert.equal(pushed.message.text, 'hello b');
    const note = await bSocket.next((m) => m.type === 'notification' && m.notification.kind === 'dm');
    assert.equal(note.notification.actor.handle, a.handle);
    assert.equal(note.unreadNotifications, 1);
    bSocket.close();

    await a.c.post(`/api/dms/${b.handle}`, { text: 'are you there?' });
    await c.c.post(`/api/dms/${b.handle}`, { text: 'hi from c' });
    const inbox = (await b.c.get('/api/dms')).body.items;
    assert.deepEqual(
      inbox.map((x: { with: { handle: string } }) => x.with.handle),
      [c.handle, a.handle],
    );
    assert.deepEqual(
      inbox.map((x: { unread: number }) => x.unread),
      [1, 2],
    );
    assert.equal(inbox[1].lastMessage.text, 'are you there?');

    const convo = (await b.c.get(`/api/dms/${a.handle}`)).body.items;
    assert.deepEqual(
      convo.map((m: { text: string }) => m.text),
      ['are you there?', 'hello b'],
    );
    assert.equal((await b.c.get('/api/dms')).body.items[1].unread, 0);

    // No one else sees the pair's messages, and the sender sees them as sent.
    assert.equal((await c.c.get(`/api/dms/${a.handle}`)).body.items.length, 0);
    assert.equal((await a.c.get('/api/dms')).body.items[0].unread, 0);
    assert.equal((await new Client(server.url).get('/api/dms')).status, 401);
    assert.equal((await a.c.post(`/api/dms/${a.handle}`, { text: 'me' })).status, 400);
    assert.equal((await a.c.post(`/api/dms/${b.handle}`, { text: '' })).status, 400);
  });

  it('notifications: new follower, list, unread count, mark read, pushed live', async () => {
    const [a, b] = await people('nta', 'ntb');
    const socket = await b.c.socket();
    const hello = await socket.next((m) => m.type === 'hello');
    assert.equal(hello.user.handle, b.handle);
    assert.equal(hello.unreadNotifications, 0);
    await a.c.put(`/api/users/${b.handle}/follow`);
    const pushed = await socket.next((m) => m.type === 'notification');
    assert.equal(pushed.notification.kind, 'follow');
    assert.equal(pushed.notification.actor.handle, a.handle);
    socket.ws.send(JSON.stringify({ type: 'ping' }));
    await socket.next((m) => m.type === 'pong');
    socket.ws.send('not json');
    const err = await socket.next((m) => m.type === 'error');
    assert.equal(err.error.code, 'invalid_json');
    socket.close();

    const list = await b.c.get('/api/notifications');
    assert.equal(list.body.unread, 1);
    assert.equal(list.body.items[0].read, false);
    assert.equal((await b.c.post('/api/notifications/read')).status, 204);
    const after = await b.c.get('/api/notifications');
    assert.equal(after.body.unread, 0);
    assert.equal(after.body.items[0].read, true);
    // Others' notifications are not visible.
    assert.equal((await a.c.get('/api/notifications')).body.items.length, 0);
  });

  it('followers hear once when someone they follow goes live; blocked people and reminder holders do not', async () => {
    const [host, fan, other, blocked, reminded] = await people('lvh', 'lvf', 'lvo', 'lvb', 'lvr');
    for (const p of [fan, blocked, reminded]) await p.c.put(`/api/users/${host.handle}/follow`);
    // A block ends the follow; re-following is refused, so a blocked person is no follower.
    await host.c.put(`/api/users/${blocked.handle}/block`);
    const at = new Date(Date.now() + 3600_000).toISOString();
    const id = (await host.c.post('/api/spaces', { title: 'Open audio night', scheduledFor: at })).body.space.id;
    assert.equal((await reminded.c.put(`/api/spaces/${id}/reminder`)).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/start`, {})).status, 200);
    await server.earshot.jobs.runDue();
    // A second run of the job (a crash after sending, another node) tells nobody twice.
    await enqueue(server.earshot.store.db, {
      kind: LIVE_NOTICE_JOB,
      key: `again:${id}`,
      payload: { spaceId: id },
      runAt: new Date(),
    });
    await server.earshot.jobs.runDue();
    const live = async (p: Person) =>
      ((await p.c.get('/api/notifications')).body.items as Array<{ kind: string; data: { spaceId?: string } }>).filter(
        (n) => n.kind === 'space_live' && n.data.spaceId === id,
      );
    const [notice] = await live(fan);
    assert.equal((await live(fan)).length, 1);
    assert.deepEqual(notice, {
      ...notice,
      actor: { id: host.user.id, handle: host.handle, displayName: 'lvh display' },
      data: { spaceId: id, title: 'Open audio night' },
    });
    for (const p of [other, blocked, reminded, host]) assert.equal((await live(p)).length, 0, p.handle);
    const started = (await reminded.c.get('/api/notifications')).body.items.filter(
      (n: { kind: string }) => n.kind === 'space_started',
    );
    assert.equal(started.length, 1);
  });

  it('refuses a WebSocket without credentials with a clear error', async () => {
    const anon = new Client(server.url);
    const socket = await anon.socket();
    const err = await socket.next((m) => m.type === 'error');
    assert.equal(err.error.code, 'unauthenticated');
    const code = await new Promise((resolve) => socket.ws.once('close', resolve));
    assert.equal(code, 4401);
  });

  it('accepts ?token= on the WebSocket', async () => {
    const [a] = await people('wstok');
    const token = (await a.c.post('/api/tokens', {})).body.token;
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/ws?token=${token}`);
    const first = await new Promise<any>((resolve) => ws.once('message', (raw) => resolve(JSON.parse(String(raw)))));
    assert.equal(first.type, 'hello');
    assert.equal(first.user.handle, a.handle);
    ws.close();
  });
});
