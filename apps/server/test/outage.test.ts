import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { signUp, watch } from './helpers';
import { type ServerProcess, spawnServer } from './server-process';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `test` passes (it may throw meanwhile), up to `ms`. */
async function eventually<T>(what: string, test: () => Promise<T>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      return await test();
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  throw new Error(`${what} within ${ms} ms: ${last}`);
}

/** On CI the services run; elsewhere a missing one skips the test (and says so). */
async function reachable(check: () => Promise<unknown>) {
  // On CI a failing check fails the test; the check still runs (it may be what connects).
  if (process.env.CI) return check().then(() => true);
  return check().then(
    () => true,
    () => false,
  );
}

/** Every line the process wrote is pino JSON; every error line carries a code. */
function assertStructuredLogs(server: ServerProcess) {
  assert.deepEqual(server.stderr, [], 'nothing on stderr');
  const logs = server.logs();
  const bare = server.stdout.filter((_, i) => logs[i] === null);
  assert.deepEqual(bare, [], 'every stdout line is JSON');
  for (const l of logs)
    if (l && Number(l.level) >= 50) assert.ok(typeof l.code === 'string', `an error with a code: ${JSON.stringify(l)}`);
  return logs;
}

describe('dependency outages', () => {
  it('Redis away (its ACL user switched off): writes commit and say so, log-ins work, /api/ready says bus down, all recovers', async (t) => {
    const admin = new Redis(REDIS, { lazyConnect: true, maxRetriesPerRequest: 1 });
    if (!(await reachable(() => admin.connect()))) return t.skip('no Redis answers (CI runs one)');
    const user = `earshot_t_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
    // One hook, in this order (hooks run first-registered first): the server, the user, the admin.
    let server: ServerProcess | undefined;
    t.after(async () => {
      server?.kill('SIGKILL');
      await server?.exited;
      await admin.call('ACL', 'DELUSER', user);
      admin.disconnect();
    });
    const url = new URL(REDIS);
    url.username = user;
    url.password = password;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-outage-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    server = await spawnServer({ REDIS_URL: url.toString(), DATA_DIR: dataDir, CAPTIONS_ENGINE: 'off' });

    const host = await signUp(server.url, 'ro_host');
    const friend = await signUp(server.url, 'ro_friend');
    const listener = await signUp(server.url, 'ro_lis');
    const id = (await host.c.post('/api/spaces', { title: 'Through an outage' })).body.space.id;
    await host.c.post(`/api/spaces/${id}/start`, {});
    const live = await watch(server.url, id, listener.c);
    const view = live.view;
    await live.until(() => view.state?.status === 'live');
    assert.deepEqual((await host.c.get('/api/ready')).body, { ok: true, db: 'ok', bus: 'ok', media: 'ok' });

    // Off, and its connections dropped: the server cannot get back in until it is on again.
    await admin.call('ACL', 'SETUSER', user, 'off');
    await admin.call('CLIENT', 'KILL', 'USER', user);
    const ready = await eventually('ready reports the bus down', async () => {
      const r = await host.c.get('/api/ready');
      assert.equal(r.status, 503);
      return r;
    });
    assert.deepEqual(ready.body, { ok: false, db: 'ok', bus: 'down', media: 'ok' });

    // A command: 200 and committed (before: 500 although committed, so a retry duplicated it).
    const ask = await listener.c.request('POST', `/api/spaces/${id}/request-speak`, {}, { 'idempotency-key': 'a1' });
    assert.equal(ask.status, 200, JSON.stringify(ask.body));
    const room = (await host.c.get(`/api/spaces/${id}`)).body;
    assert.equal(room.seq, ask.body.seq);
    assert.ok(room.space.raisedHands.some((u: { id: string }) => u.id === listener.user.id));
    // The retry of a request whose answer was lost replays it: nothing runs twice.
    const retry = await listener.c.request('POST', `/api/spaces/${id}/request-speak`, {}, { 'idempotency-key': 'a1' });
    assert.deepEqual([retry.status, retry.body], [200, ask.body]);
    // This node's own sockets still hear it.
    await live.until(() => view.seq === ask.body.seq);
    // A DM: 201 and stored once.
    const dm = await host.c.post(`/api/dms/${friend.user.handle}`, { text: 'sent while Redis was away' });
    assert.equal(dm.status, 201, JSON.stringify(dm.body));
    assert.equal((await friend.c.get(`/api/dms/${host.user.handle}`)).body.items.length, 1);
    // Log-in (before: 500 from the rate limiter's store).
    const again = await host.c.post('/api/auth/login', { handle: host.user.handle, password: 'correct horse' });
    assert.equal(again.status, 200, JSON.stringify(again.body));

    // Back on: ready again without a restart, and events flow through Redis once more.
    await admin.call('ACL', 'SETUSER', user, 'on');
    await eventually('ready again', async () => assert.equal((await host.c.get('/api/ready')).status, 200));
    const cancel = await listener.c.post(`/api/spaces/${id}/cancel-request`, {});
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    await live.until(() => view.state?.raisedHands.length === 0 && view.seq === cancel.body.seq, 15_000);
    live.close();

    const logs = assertStructuredLogs(server);
    assert.ok(
      logs.some((l) => l?.code === 'redis_unavailable'),
      'the outage was logged with its code',
    );
    assert.ok(!server.stdout.some((line) => line.includes(password)), 'the Redis password is in no log line');
  });

  it('PostgreSQL away (its role set NOLOGIN, its sessions ended): 503 and nothing changed, then all recovers', async (t) => {
    const admin = new pg.Client({ connectionString: POSTGRES });
    if (!(await reachable(() => admin.connect()))) return t.skip('no PostgreSQL answers (CI runs one)');
    const role = `earshot_t_${randomBytes(4).toString('hex')}`;
    await admin.query(`create role ${role} login`);
    await admin.query(`create database ${role} owner ${role}`);
    // One hook, in this order (hooks run first-registered first): the server, its database, its role.
    let server: ServerProcess | undefined;
    t.after(async () => {
      server?.kill('SIGKILL');
      await server?.exited;
      await admin.query(`drop database if exists ${role} with (force)`);
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    });
    const url = new URL(POSTGRES);
    url.username = role;
    url.password = '';
    url.pathname = `/${role}`;
    server = await spawnServer({ DATABASE_URL: url.toString(), CAPTIONS_ENGINE: 'off' });
    const a = await signUp(server.url, 'po_a');
    const b = await signUp(server.url, 'po_b');
    const id = (await a.c.post('/api/spaces', { title: 'Database away' })).body.space.id;
    await a.c.post(`/api/spaces/${id}/start`, {});
    const live = await watch(server.url, id, b.c);
    const view = live.view;

    await admin.query(`alter role ${role} nologin`);
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where usename = $1', [role]);
    const ready = await eventually('ready reports the database down', async () => {
      const r = await a.c.get('/api/ready');
      assert.equal(r.status, 503);
      return r;
    });
    assert.equal(ready.body.db, 'down');
    // Writes: a clear 503 that changed nothing (before: 500).
    const send = () =>
      a.c.request('POST', `/api/dms/${b.user.handle}`, { text: 'once' }, { 'idempotency-key': 'dm-1' });
    const refused = await send();
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'unavailable');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal((await b.c.post('/api/auth/login', { handle: b.user.handle, password: 'correct horse' })).status, 503);
    view.ws.send(JSON.stringify({ type: 'command', id: 'c1', name: 'request-speak' }));
    await live.until(() =>
      view.messages.some((m: { type: string; id?: string }) => m.type === 'error' && m.id === 'c1'),
    );
    assert.equal(view.messages.find((m: { id?: string }) => m.id === 'c1').error.code, 'unavailable');

    await admin.query(`alter role ${role} login`);
    await eventually('ready again', async () => assert.equal((await a.c.get('/api/ready')).status, 200));
    // Nothing of the refused DM was stored; its retry (same key) runs now, once.
    assert.equal((await b.c.get(`/api/dms/${a.user.handle}`)).body.items.length, 0);
    assert.equal((await send()).status, 201);
    assert.equal((await send()).headers.get('idempotent-replayed'), 'true');
    assert.equal((await b.c.get(`/api/dms/${a.user.handle}`)).body.items.length, 1);
    live.close();
    const logs = assertStructuredLogs(server);
    assert.ok(
      logs.some((l) => l?.code === 'database_unavailable'),
      'the outage was logged with its code',
    );
  });
});
