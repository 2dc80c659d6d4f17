import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, type Running, startEarshot } from './helpers';

describe('accounts', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot();
  });
  after(() => server.close());

  it('signs up, reads /api/me with the cookie, logs out and back in', async () => {
    const ada = new Client(server.url);
    const user = await ada.signup('Ada_L', 'Ada Lovelace', 'analytical engine');
    assert.equal(user.handle, 'Ada_L');
    assert.equal(user.displayName, 'Ada Lovelace');
    assert.equal((user as Record<string, unknown>).password_hash, undefined);
    const me = await ada.get('/api/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, user.id);

    assert.equal((await ada.post('/api/auth/logout')).status, 204);
    assert.equal((await ada.get('/api/me')).status, 401);

    const wrong = await ada.post('/api/auth/login', { handle: 'ada_l', password: 'not the password' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
    // Handles are case-insensitive at login.
    const ok = await ada.post('/api/auth/login', { handle: 'ADA_L', password: 'analytical engine' });
    assert.equal(ok.status, 200);
    assert.equal((await ada.get('/api/me')).body.user.handle, 'Ada_L');
  });

  it('sets an HttpOnly SameSite=Lax session cookie', async () => {
    const c = new Client(server.url);
    const res = await c.post('/api/auth/signup', { handle: 'cookie_check', displayName: 'C', password: 'long enough' });
    const cookie = res.headers.getSetCookie().join(';');
    assert.match(cookie, /earshot_session=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/); // PUBLIC_URL is not https here
  });

  it('refuses a duplicate handle, case-insensitively, and changes nothing', async () => {
    const a = new Client(server.url);
    await a.signup('Grace', 'Grace Hopper');
    const b = new Client(server.url);
    const res = await b.post('/api/auth/signup', { handle: 'gRACE', displayName: 'Impostor', password: 'long enough' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'handle_taken');
    assert.equal(b.cookie, '');
    assert.equal((await b.get('/api/users/grace')).body.displayName, 'Grace Hopper');
  });

  it('validates handle, password and display name', async () => {
    const c = new Client(server.url);
    for (const body of [
      { handle: 'ab', displayName: 'x', password: 'long enough' },
      { handle: 'this_is_way_too_long', displayName: 'x', password: 'long enough' },
      { handle: 'bad-char', displayName: 'x', password: 'long enough' },
      { handle: 'okhandle', displayName: 'x', password: 'short' },
      { handle: 'okhandle', displayName: '   ', password: 'long enough' },
      { handle: 'okhandle', password: 'long enough' },
    ]) {
      const res = await c.post('/api/auth/signup', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_request');
      assert.equal(typeof res.body.error.message, 'string');
    }
    assert.equal((await c.get('/api/users/okhandle')).status, 404);
  });

  it('updates the profile with PATCH /api/me', async () => {
    const c = new Client(server.url);
    await c.signup('patcher');
    const res = await c.patch('/api/me', { bio: 'I talk about compilers', displayName: 'Pat' });
    assert.equal(res.status, 200);
    assert.equal(res.body.user.bio, 'I talk about compilers');
    assert.equal(res.body.user.displayName, 'Pat');
    assert.equal((await c.patch('/api/me', {})).status, 400);
    assert.equal((await c.patch('/api/me', { bio: 'x'.repeat(161) })).status, 400);
    assert.equal((await new Client(server.url).patch('/api/me', { bio: 'anon' })).status, 401);
  });

  it('issues personal access tokens accepted as Bearer everywhere a cookie is', async () => {
    const c = new Client(server.url);
    const user = await c.signup('botmaker');
    const res = await c.post('/api/tokens', { name: 'my bot' });
    assert.equal(res.status, 201);
    assert.match(res.body.token, /^esh_/);
    const bot = new Client(server.url);
    bot.bearer = res.body.token;
    assert.equal((await bot.get('/api/me')).body.user.id, user.id);
    const post = await bot.post('/api/posts', { text: 'posted by a bot' });
    assert.equal(post.status, 201);
    assert.equal(post.body.post.author.id, user.id);
    const forged = new Client(server.url);
    forged.bearer = 'esh_forged';
    const denied = await forged.get('/api/me');
    assert.equal(denied.status, 401);
    assert.equal(denied.body.error.code, 'unauthenticated');
  });
});

describe('behind https', () => {
  it('marks the session cookie Secure when PUBLIC_URL is https, and checks Origin against it', async () => {
    const server = await startEarshot({ PUBLIC_URL: 'https://spaces.example.org' });
    try {
      const c = new Client(server.url);
      const res = await c.request(
        'POST',
        '/api/auth/signup',
        { handle: 'secure_one', displayName: 'S', password: 'long enough' },
        { origin: 'https://spaces.example.org' },
      );
      assert.equal(res.status, 201);
      assert.match(res.headers.getSetCookie().join(';'), /Secure/);
      const local = await c.request('POST', '/api/posts', { text: 'x' }, { origin: server.url });
      assert.equal(local.status, 403);
    } finally {
      await server.close();
    }
  });
});
