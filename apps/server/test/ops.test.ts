import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, type Running, startEarshot } from './helpers';

describe('operations', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot();
  });
  after(() => server.close());

  it('health and readiness', async () => {
    const c = new Client(server.url);
    assert.deepEqual((await c.get('/api/health')).body, { ok: true });
    // Each dependency on its own: the database, the bus (Redis, or in-memory) and the media plane.
    const ready = await c.get('/api/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { ok: true, db: 'ok', bus: 'ok', media: 'ok' });
  });

  it('Prometheus metrics count requests by route', async () => {
    const c = new Client(server.url);
    await c.get('/api/health');
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /earshot_http_requests_total\{method="GET",route="\/api\/health",status="200"\} \d+/);
    assert.match(text, /earshot_process_cpu_seconds_total/);
  });

  it('OpenAPI document generated from the route schemas', async () => {
    const doc = (await new Client(server.url).get('/api/openapi.json')).body;
    assert.equal(doc.openapi.startsWith('3.'), true);
    for (const p of [
      '/api/auth/signup',
      '/api/users/{handle}',
      '/api/dms/{handle}',
      '/api/notifications',
      '/api/posts',
    ]) {
      assert.ok(doc.paths[p], `documents ${p}`);
    }
    const signup = doc.paths['/api/auth/signup'].post;
    assert.deepEqual(signup.requestBody.content['application/json'].schema.required.sort(), [
      'displayName',
      'handle',
      'password',
    ]);
  });

  it('serves the web app for client-side routes', async () => {
    for (const p of ['/', '/u/someone', '/messages']) {
      const res = await fetch(server.url + p);
      assert.equal(res.status, 200, p);
      assert.match(await res.text(), /<div id="root">/);
    }
  });
});

describe('durability', () => {
  it('keeps accounts, follows, posts and DMs across a restart', async (t) => {
    // The embedded engine keeps its files in DATA_DIR; PostgreSQL keeps them on its server.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-durable-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = {};
    let first = await startEarshot(env, { dataDir });
    if (first.config.DATABASE_URL) {
      // Keep the same database for the second start (not a fresh one).
      env.DATABASE_URL = first.config.DATABASE_URL;
      await first.earshot.close();
      first = await startEarshot(env, { dataDir });
    }
    const a = new Client(first.url);
    const b = new Client(first.url);
    await a.signup('durable_a', 'A', 'durable secret');
    await b.signup('durable_b');
    await a.put('/api/users/durable_b/follow');
    await a.post('/api/posts', { text: 'still here after a restart' });
    await a.post('/api/dms/durable_b', { text: 'remember me' });
    await first.earshot.close();

    const second = await startEarshot(env, { dataDir });
    try {
      const again = new Client(second.url);
      assert.equal(
        (await again.post('/api/auth/login', { handle: 'durable_a', password: 'durable secret' })).status,
        200,
      );
      assert.equal((await again.get('/api/users/durable_b')).body.followers, 1);
      assert.equal((await again.get('/api/users/durable_a/posts')).body.items[0].text, 'still here after a restart');
      assert.equal((await again.get('/api/dms/durable_b')).body.items[0].text, 'remember me');
    } finally {
      await second.close();
    }
  });
});
