import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config';
import { createPushService } from '../src/push/service';
import { vapidKeys } from '../src/push/store';
import { Client, type Running, signUp, startEarshot } from './helpers';
import { BrowserKeys, type Received, startPushService, verifyVapid } from './push-service';

const SUBJECT = 'mailto:ops@earshot.test';

describe('Web Push', () => {
  let server: Running;
  let pushService: Awaited<ReturnType<typeof startPushService>>;
  let publicKey: string;

  before(async () => {
    pushService = await startPushService();
    server = await startEarshot({
      VAPID_SUBJECT: SUBJECT,
      PUSH_ALLOWED_HOSTS: '127.0.0.1',
      PUSH_CA_FILE: pushService.caFile,
    });
    publicKey = (await new Client(server.url).get('/api/push/key')).body.publicKey;
  });
  after(async () => {
    await server?.close();
    await pushService?.close();
  });

  /** A signed-up person whose "browser" subscribed as `name` at the test's push service. */
  async function subscriber(prefix: string, name: string) {
    const person = await signUp(server.url, prefix);
    const keys = new BrowserKeys();
    const res = await person.c.post('/api/push/subscriptions', keys.subscription(pushService.endpoint(name)));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { ...person, keys };
  }

  /** Checks what a push service must get (RFC 8030 headers, RFC 8292 VAPID) and returns the decrypted payload. */
  function open(push: Received, keys: BrowserKeys) {
    assert.equal(push.headers['content-encoding'], 'aes128gcm');
    assert.match(String(push.headers.ttl), /^\d+$/);
    assert.ok(['very-low', 'low', 'normal', 'high'].includes(String(push.headers.urgency)));
    const { claims, key } = verifyVapid(push.headers.authorization as string);
    assert.equal(key, publicKey, 'signed with the key the server hands browsers');
    assert.equal(claims.aud, pushService.origin, 'the audience is the push service origin');
    assert.equal(claims.sub, SUBJECT);
    const now = Date.now() / 1000;
    assert.ok(claims.exp > now && claims.exp <= now + 24 * 3600, `exp ${claims.exp} within 24 h`);
    return JSON.parse(keys.decrypt(push.body));
  }

  it('hands out one VAPID key, made on first start and kept in the database', async () => {
    assert.equal(Buffer.from(publicKey, 'base64url').length, 65);
    const stored = await vapidKeys(server.earshot.store.db, () => {
      throw new Error('a second pair was made');
    });
    assert.equal(stored.publicKey, publicKey);
  });

  it('pushes a DM and an invitation to speak, encrypted for the browser and signed', async () => {
    const ada = await signUp(server.url, 'ada');
    const bob = await subscriber('bob', 'bob-phone');
    assert.equal((await ada.c.post(`/api/dms/${bob.user.handle}`, { text: 'Hello <b>Bob</b> 👋' })).status, 201);
    const dmPush = await pushService.next('bob-phone', (r) => open(r, bob.keys).kind === 'dm');
    assert.deepEqual([dmPush.headers.urgency, dmPush.headers.ttl], ['normal', String(24 * 3600)]);
    const dm = open(dmPush, bob.keys);
    assert.equal(dm.title, 'ada name');
    assert.equal(dm.body, 'Hello <b>Bob</b> 👋');
    assert.equal(dm.url, `/messages/${ada.user.handle}`);
    assert.match(dm.notificationId, /^[0-9a-v]{20}$/);

    const space = await ada.c.post('/api/spaces', { title: 'Morning show', speakerPolicy: 'invited' });
    const id = space.body.space.id as string;
    assert.equal((await ada.c.post(`/api/spaces/${id}/start`, {})).status, 200);
    assert.equal((await ada.c.post(`/api/spaces/${id}/invite`, { userId: bob.user.id })).status, 200);
    const invitePush = await pushService.next('bob-phone', (r) => open(r, bob.keys).kind === 'space_invite');
    assert.deepEqual([invitePush.headers.urgency, invitePush.headers.ttl], ['high', String(15 * 60)]);
    const invite = open(invitePush, bob.keys);
    assert.equal(invite.title, 'ada name invited you to speak');
    assert.equal(invite.body, '“Morning show”');
    assert.equal(invite.url, `/spaces/${id}`);
  });

  it('pushes “is live” to a follower when someone they follow starts a Space', async () => {
    const ada = await signUp(server.url, 'ada');
    const cy = await subscriber('cy', 'cy-phone');
    assert.equal((await cy.c.put(`/api/users/${ada.user.handle}/follow`)).status, 200);
    const id = (await ada.c.post('/api/spaces', { title: 'Open audio night' })).body.space.id as string;
    assert.equal((await ada.c.post(`/api/spaces/${id}/start`, {})).status, 200);
    await server.earshot.jobs.runDue();
    const push = await pushService.next('cy-phone', (r) => open(r, cy.keys).kind === 'space_live');
    assert.deepEqual([push.headers.urgency, push.headers.ttl], ['high', String(30 * 60)]);
    const live = open(push, cy.keys);
    assert.deepEqual([live.title, live.body, live.url], ['ada name is live', '“Open audio night”', `/spaces/${id}`]);
  });

  it('writes each push in the language its person chose in the app, and refuses other languages', async () => {
    const ada = await signUp(server.url, 'ada');
    const eva = await subscriber('eva', 'eva-phone');
    assert.equal((await eva.c.get('/api/me')).body.user.language, null, 'none chosen yet');
    for (const language of ['fr', 'NL', '', 7]) {
      const res = await eva.c.patch('/api/me', { language });
      assert.equal(res.status, 400, JSON.stringify(language));
      assert.equal(res.body.error.code, 'invalid_request');
    }
    assert.equal((await eva.c.get('/api/me')).body.user.language, null, 'a refused change changes nothing');
    assert.equal((await eva.c.patch('/api/me', { language: 'nl' })).status, 200);
    assert.equal((await eva.c.get('/api/me')).body.user.language, 'nl');

    const space = await ada.c.post('/api/spaces', { title: 'Ochtendshow', speakerPolicy: 'invited' });
    const id = space.body.space.id as string;
    assert.equal((await ada.c.post(`/api/spaces/${id}/start`, {})).status, 200);
    assert.equal((await ada.c.post(`/api/spaces/${id}/invite`, { userId: eva.user.id })).status, 200);
    const nl = open(await pushService.next('eva-phone', (r) => open(r, eva.keys).kind === 'space_invite'), eva.keys);
    assert.equal(nl.title, 'ada name nodigt je uit om te spreken');
    assert.equal(nl.body, '“Ochtendshow”');

    assert.equal((await eva.c.patch('/api/me', { language: 'es' })).status, 200);
    await ada.c.post(`/api/spaces/${id}/end`, {});
    const other = await ada.c.post('/api/spaces', { title: 'Tarde', speakerPolicy: 'invited' });
    const otherId = other.body.space.id as string;
    assert.equal((await ada.c.post(`/api/spaces/${otherId}/start`, {})).status, 200);
    assert.equal((await ada.c.post(`/api/spaces/${otherId}/invite`, { userId: eva.user.id })).status, 200);
    const es = open(
      await pushService.next('eva-phone', (r) => {
        const p = open(r, eva.keys);
        return p.kind === 'space_invite' && p.body === '“Tarde”';
      }),
      eva.keys,
    );
    assert.equal(es.title, 'ada name te invita a hablar');
  });

  it('answers the request that caused a push without waiting for the push service', async () => {
    const ada = await signUp(server.url, 'ada');
    const fay = await subscriber('fay', 'fay-slow');
    pushService.hold('fay-slow');
    try {
      const sent = await ada.c.post(`/api/dms/${fay.user.handle}`, { text: 'are you there?' });
      assert.equal(sent.status, 201);
      // The DM is answered; its push may already be at the push service, but it is not answered yet.
      await pushService.next('fay-slow');
      assert.equal(pushService.waiting, 1, 'the push is still waiting for the push service');
    } finally {
      pushService.release();
    }
    await server.earshot.services.push.idle();
  });

  it('deletes a subscription the push service answers 410 for, and keeps pushing to the others', async () => {
    const ada = await signUp(server.url, 'ada');
    const cy = await subscriber('cy', 'cy-laptop');
    const stale = new BrowserKeys();
    assert.equal(
      (await cy.c.post('/api/push/subscriptions', stale.subscription(pushService.endpoint('cy-old')))).status,
      201,
    );
    assert.equal((await cy.c.get('/api/push/subscriptions')).body.items.length, 2);
    pushService.gone('cy-old');
    await ada.c.post(`/api/dms/${cy.user.handle}`, { text: 'still there?' });
    await pushService.next('cy-laptop');
    await server.earshot.services.push.idle();
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /earshot_push_sends_total\{result="gone"\} [1-9]/);
    assert.match(metrics, /earshot_push_sends_total\{result="sent"\} [1-9]/);
    const left = (await cy.c.get('/api/push/subscriptions')).body.items;
    assert.deepEqual(
      left.map((s: { endpoint: string }) => s.endpoint),
      [pushService.endpoint('cy-laptop')],
    );
  });

  it('stops pushing a kind its person switched off, and only that kind', async () => {
    const ada = await signUp(server.url, 'ada');
    const dee = await subscriber('dee', 'dee-phone');
    const pushesTo = (kind: string) =>
      pushService.received.filter((r) => r.id === 'dee-phone' && open(r, dee.keys).kind === kind).length;
    const off = await dee.c.patch('/api/push/preferences', { kinds: { dm: false } });
    assert.equal(off.status, 200);
    assert.deepEqual(
      off.body.kinds.find((k: { kind: string }) => k.kind === 'dm'),
      { kind: 'dm', enabled: false },
    );
    const socket = await dee.c.socket();
    await ada.c.post(`/api/dms/${dee.user.handle}`, { text: 'quiet please' });
    // The in-app notification still comes; the push does not.
    await socket.next((m) => m.type === 'notification' && m.notification.kind === 'dm');
    socket.close();
    const space = await ada.c.post('/api/spaces', { title: 'Later', speakerPolicy: 'invited' });
    const id = space.body.space.id as string;
    await ada.c.post(`/api/spaces/${id}/start`, {});
    await ada.c.post(`/api/spaces/${id}/invite`, { userId: dee.user.id });
    await pushService.next('dee-phone', (r) => open(r, dee.keys).kind === 'space_invite');
    await server.earshot.services.push.idle();
    assert.equal(pushesTo('dm'), 0);

    assert.equal((await dee.c.patch('/api/push/preferences', { kinds: { dm: true } })).status, 200);
    await ada.c.post(`/api/dms/${dee.user.handle}`, { text: 'now?' });
    const dm = open(await pushService.next('dee-phone', (r) => open(r, dee.keys).kind === 'dm'), dee.keys);
    assert.equal(dm.body, 'now?');
  });

  it('refuses bad subscriptions and preferences, changing nothing', async () => {
    const eve = await signUp(server.url, 'eve');
    const keys = new BrowserKeys();
    const good = keys.subscription(pushService.endpoint('eve'));
    const bad: unknown[] = [
      { ...good, endpoint: 'http://127.0.0.1/push/eve' },
      { ...good, endpoint: 'https://push.example.org/eve' }, // not an allowed push service
      { ...good, endpoint: 'not a url' },
      { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 40) } },
      { ...good, keys: { ...good.keys, auth: 'AAAA' } },
      { ...good, keys: { p256dh: good.keys.p256dh } },
      { ...good, extra: 1 },
      {},
    ];
    for (const body of bad) {
      const res = await eve.c.post('/api/push/subscriptions', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_request');
    }
    assert.equal((await new Client(server.url).post('/api/push/subscriptions', good)).status, 401);
    assert.deepEqual((await eve.c.get('/api/push/subscriptions')).body.items, []);
    const missing = await eve.c.request('DELETE', '/api/push/subscriptions', { endpoint: good.endpoint });
    assert.equal(missing.status, 404);
    for (const body of [{ kinds: { follow: false } }, { kinds: { dm: 'no' } }, { dm: false }]) {
      assert.equal((await eve.c.patch('/api/push/preferences', body)).status, 400, JSON.stringify(body));
    }
    const prefs = (await eve.c.get('/api/push/preferences')).body.kinds;
    assert.ok(prefs.every((k: { enabled: boolean }) => k.enabled));

    // And the good one round-trips: stored once even when sent twice, then deleted.
    assert.equal((await eve.c.post('/api/push/subscriptions', good)).status, 201);
    assert.equal((await eve.c.post('/api/push/subscriptions', good)).status, 201);
    assert.equal((await eve.c.get('/api/push/subscriptions')).body.items.length, 1);
    assert.equal((await eve.c.request('DELETE', '/api/push/subscriptions', { endpoint: good.endpoint })).status, 204);
    assert.deepEqual((await eve.c.get('/api/push/subscriptions')).body.items, []);
  });

  it('uses the VAPID keys from the environment when they are set', async () => {
    const { generateVAPIDKeys } = (await import('web-push')).default;
    const keys = generateVAPIDKeys();
    const { config, store, services } = { config: server.config, ...server.earshot };
    const push = await createPushService({
      db: store.db,
      config: { ...config, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey },
      notifier: services.notifier,
      log: server.earshot.app.log,
    });
    assert.equal(push.publicKey, keys.publicKey);
    await push.close();
    assert.equal((await vapidKeys(store.db, () => keys)).publicKey, publicKey, 'the stored pair is untouched');
    assert.throws(() => loadConfig({ VAPID_PUBLIC_KEY: keys.publicKey }), /set both VAPID keys or neither/);
    assert.throws(
      () => loadConfig({ VAPID_PUBLIC_KEY: keys.privateKey, VAPID_PRIVATE_KEY: keys.privateKey }),
      /VAPID_PUBLIC_KEY: a P-256 public key/,
    );
    assert.throws(() => loadConfig({ VAPID_SUBJECT: 'ops@example.org' }), /VAPID_SUBJECT/);
  });
});
