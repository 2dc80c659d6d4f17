import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, type Running, startEarshot } from './helpers';

/** Every bad request gets a clear { error: { code, message } } and changes nothing. */
describe('bad input', () => {
  let server: Running;
  let ada: Client;
  const countPosts = async () => (await ada.get('/api/users/bad_ada/posts?limit=100')).body.items.length;
  before(async () => {
    server = await startEarshot();
    ada = new Client(server.url);
    await ada.signup('bad_ada');
  });
  after(() => server.close());

  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.error.code, code);
    assert.ok(res.body.error.message.length > 0);
  };

  it('malformed JSON', async () => {
    expectError(await ada.post('/api/posts', '{"text": "unterminated'), 400, 'invalid_json');
    expectError(await ada.post('/api/auth/signup', '[1,2'), 400, 'invalid_json');
    assert.equal(await countPosts(), 0);
  });

  it('oversize bodies', async () => {
    expectError(await ada.post('/api/posts', { text: 'x'.repeat(100 * 1024) }), 413, 'body_too_large');
    assert.equal(await countPosts(), 0);
  });

  it('unknown fields', async () => {
    const res = await ada.post('/api/posts', { text: 'hi', admin: true });
    expectError(res, 400, 'invalid_request');
    assert.match(res.body.error.message, /admin/);
    const signup = await new Client(server.url).post('/api/auth/signup', {
      handle: 'sneaky',
      displayName: 'S',
      password: 'password1',
      isModerator: true,
    });
    expectError(signup, 400, 'invalid_request');
    assert.equal((await ada.get('/api/users/sneaky')).status, 404);
    expectError(await ada.patch('/api/me', { handle: 'renamed' }), 400, 'invalid_request');
    assert.equal(await countPosts(), 0);
  });

  it('wrong types', async () => {
    expectError(await ada.post('/api/posts', { text: 42 }), 400, 'invalid_request');
    expectError(await ada.post('/api/posts', ['text']), 400, 'invalid_request');
    expectError(await ada.post('/api/posts', 'null'), 400, 'invalid_request');
    expectError(await ada.patch('/api/me', { bio: { nested: true } }), 400, 'invalid_request');
    expectError(await ada.get('/api/users/bad_ada/posts?limit=lots'), 400, 'invalid_request');
    expectError(await ada.get('/api/users/bad_ada/posts?limit=0'), 400, 'invalid_request');
    expectError(await ada.get('/api/users/not-a-handle!'), 400, 'invalid_request');
    assert.equal(await countPosts(), 0);
  });

  it('content types other than JSON', async () => {
    const res = await ada.request('POST', '/api/posts', 'text=hi', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectError(res, 415, 'unsupported_media_type');
    assert.equal(await countPosts(), 0);
  });

  it('missing auth on every signed-in route', async () => {
    const anon = new Client(server.url);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/me'],
      ['PATCH', '/api/me', { bio: 'x' }],
      ['POST', '/api/tokens', {}],
      ['PUT', '/api/users/bad_ada/follow'],
      ['DELETE', '/api/users/bad_ada/follow'],
      ['PUT', '/api/users/bad_ada/block'],
      ['DELETE', '/api/users/bad_ada/block'],
      ['POST', '/api/posts', { text: 'hi' }],
      ['GET', '/api/dms'],
      ['GET', '/api/dms/bad_ada'],
      ['POST', '/api/dms/bad_ada', { text: 'hi' }],
      ['GET', '/api/notifications'],
      ['POST', '/api/notifications/read'],
    ];
    for (const [method, path, body] of routes) {
      const res = await anon.request(method, path, body);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.body.error.code, 'unauthenticated', `${method} ${path}`);
    }
    assert.equal(await countPosts(), 0);
  });

  it('unknown API routes are JSON 404s', async () => {
    expectError(await ada.get('/api/nothing-here'), 404, 'not_found');
    expectError(await ada.get('/api/users/nobody123'), 404, 'not_found');
  });
});

describe('cross-origin requests and rate limits', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ AUTH_RATE_LIMIT_PER_IP: '6', AUTH_RATE_LIMIT_PER_HANDLE: '3' });
  });
  after(() => server.close());

  it('refuses state-changing requests from another origin, allows same-origin and Bearer', async () => {
    const c = new Client(server.url);
    await c.signup('origin_ok');
    const evil = await c.request('POST', '/api/posts', { text: 'csrf' }, { origin: 'https://evil.example' });
    assert.equal(evil.status, 403);
    assert.equal(evil.body.error.code, 'cross_origin');
    const sneaky = await c.request('POST', '/api/posts', { text: 'csrf' }, { 'sec-fetch-site': 'cross-site' });
    assert.equal(sneaky.status, 403);
    assert.equal((await c.get('/api/users/origin_ok/posts')).body.items.length, 0);
    const same = await c.request('POST', '/api/posts', { text: 'mine' }, { origin: server.url });
    assert.equal(same.status, 201);
    // A cross-origin GET is harmless and allowed.
    assert.equal((await c.request('GET', '/api/me', undefined, { origin: 'https://evil.example' })).status, 200);
    const token = (await c.post('/api/tokens', {})).body.token;
    const bot = new Client(server.url);
    bot.bearer = token;
    assert.equal(
      (await bot.request('POST', '/api/posts', { text: 'via token' }, { origin: 'https://elsewhere.example' })).status,
      201,
    );
  });

  it('limits sign-ups and log-ins per IP; sign-ups per handle', async () => {
    const c = new Client(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await c.post('/api/auth/signup', { handle: 'origin_ok', displayName: 'x', password: 'long enough' })).status,
      );
    assert.deepEqual(statuses, [409, 409, 429], 'three sign-ups for one handle');
    // Log-ins have a budget of their own per IP (6), whatever the handle.
    const logins: number[] = [];
    for (let i = 0; i < 7; i++)
      logins.push((await c.post('/api/auth/login', { handle: `someone${i}`, password: 'wrong!!!' })).status);
    assert.deepEqual(logins, [401, 401, 401, 401, 401, 401, 429]);
  });
});
