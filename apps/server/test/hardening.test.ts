import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { Client, type Running, signUp, startEarshot, watch } from './helpers';

/** Opens a WebSocket and says what happened: 'open', or the HTTP status and error code of the refusal. */
function handshake(url: string, headers: Record<string, string>) {
  const ws = new WebSocket(url, { headers });
  return new Promise<{ opened: boolean; status?: number; code?: string }>((resolve, reject) => {
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ opened: false, status: res.statusCode, code: JSON.parse(text).error?.code }));
    });
    ws.on('error', reject);
  });
}

async function liveSpace(host: Client) {
  const res = await host.post('/api/spaces', { title: 'Hardening', topics: [], speakerPolicy: 'everyone' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const id = res.body.space.id as string;
  assert.equal((await host.post(`/api/spaces/${id}/start`, {})).status, 200);
  return id;
}

describe('sockets and the event log', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ PRESENCE_GRACE_MS: '200', ANON_SOCKETS_PER_IP: '3' });
  });
  after(() => server.close());

  it('refuses a cookie-carrying upgrade from another port of the same site or from another site; tokens and the app itself pass', async () => {
    const host = await signUp(server.url, 'wsorig');
    const id = await liveSpace(host.c);
    const ws = server.url.replace('http', 'ws');
    const port = Number(new URL(server.url).port);
    const sameSiteOtherPort = `http://127.0.0.1:${port === 1 ? 2 : port - 1}`;
    const token = (await host.c.post('/api/tokens', { name: 'bot' })).body.token as string;
    for (const path of [`/api/spaces/${id}/live`, '/api/ws']) {
      for (const origin of [sameSiteOtherPort, 'https://evil.example']) {
        const refused = await handshake(ws + path, { cookie: host.c.cookie, origin });
        assert.deepEqual(refused, { opened: false, status: 403, code: 'cross_origin' }, `${path} from ${origin}`);
        // Sec-Fetch-Site without Origin is judged the same way.
        const sneaky = await handshake(ws + path, { cookie: host.c.cookie, 'sec-fetch-site': 'same-site' });
        assert.equal(sneaky.status, 403, `${path} with sec-fetch-site`);
        // A token is no ambient credential: a client holding one may connect from anywhere.
        assert.ok(
          (await handshake(`${ws + path}?token=${token}`, { origin })).opened,
          `${path} ?token= from ${origin}`,
        );
        assert.ok(
          (await handshake(ws + path, { authorization: `Bearer ${token}`, origin })).opened,
          `${path} Bearer from ${origin}`,
        );
      }
      assert.ok(
        (await handshake(ws + path, { cookie: host.c.cookie, origin: server.url })).opened,
        `${path} same origin`,
      );
      // Non-browser clients send no Origin at all.
      assert.ok((await handshake(ws + path, { cookie: host.c.cookie })).opened, `${path} without Origin`);
    }
    // The hijack the review found: a command from the other page never ran.
    assert.equal((await host.c.get(`/api/spaces/${id}`)).body.space.status, 'live');
  });

  it('stores a listener count of 0 once everyone has left (the feed no longer drops its own last announcement)', async () => {
    const host = await signUp(server.url, 'lcount');
    const id = await liveSpace(host.c);
    const stored = async () =>
      (
        await server.earshot.store.db
          .selectFrom('spaces')
          .select('listener_count')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).listener_count;
    const a = await watch(server.url, id);
    const b = await watch(server.url, id);
    await a.until(() => a.view.listenerCount === 2);
    const settle = async (want: number) => {
      const end = Date.now() + 5000;
      while ((await stored()) !== want) {
        assert.ok(Date.now() < end, `stored count ${await stored()}, wanted ${want}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await settle(2);
    a.close();
    b.close();
    await settle(0);
  });

  it('caps signed-out live sockets per IP (signed-in people are not counted)', async () => {
    const host = await signUp(server.url, 'lanon');
    const id = await liveSpace(host.c);
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await watch(server.url, id, undefined, `?client=tab${i}`));
    const refused = await handshake(`${server.url.replace('http', 'ws')}/api/spaces/${id}/live?client=tab9`, {});
    assert.deepEqual(refused, { opened: false, status: 429, code: 'rate_limited' });
    assert.ok(
      (await handshake(`${server.url.replace('http', 'ws')}/api/spaces/${id}/live`, { cookie: host.c.cookie })).opened,
    );
    open[0]?.close();
    await new Promise((r) => setTimeout(r, 200));
    assert.ok((await handshake(`${server.url.replace('http', 'ws')}/api/spaces/${id}/live?client=tab9`, {})).opened);
    for (const v of open) v.close();
  });

  it('compacts the event log when a Space ends (the recording keeps its turns)', async () => {
    const host = await signUp(server.url, 'lcomp');
    const guest = await signUp(server.url, 'lcompg');
    const id = await liveSpace(host.c);
    const kinds = async () =>
      (
        await server.earshot.store.db
          .selectFrom('space_events')
          .select('event')
          .where('space_id', '=', id)
          .orderBy('seq')
          .execute()
      ).map((r) => (r.event as { kind: string }).kind);
    assert.equal((await guest.c.post(`/api/spaces/${id}/request-speak`, {})).status, 200);
    assert.equal((await host.c.post(`/api/spaces/${id}/approve`, { userId: guest.user.id })).status, 200);
    assert.equal((await guest.c.post(`/api/spaces/${id}/leave-stage`, {})).status, 200);
    const live = await kinds();
    assert.ok(live.includes('hand_raised') && live.includes('left_stage'), live.join());
    assert.equal((await host.c.post(`/api/spaces/${id}/end`, {})).status, 200);
    assert.deepEqual(await kinds(), ['left_stage']);
  });
});

describe('rate limits', () => {
  let server: Running;
  const budgets =
    'command=6/60s,command_ip=14/60s,space=2/1h,dm=3/1m,invite=2/10m,report=2/10m,space_ip=100/1h,dm_ip=100/1m';
  before(async () => {
    server = await startEarshot({ RATE_LIMITS: budgets });
  });
  after(() => server.close());

  const limited = (res: { status: number; body: any; headers: Headers }, what: string) => {
    assert.equal(res.status, 429, `${what}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 'rate_limited');
    assert.ok(res.body.error.retryAfter >= 1, `${what}: retryAfter ${res.body.error.retryAfter}`);
    assert.equal(res.headers.get('retry-after'), String(res.body.error.retryAfter));
  };

  // One sequence: the per-IP budget is one for every test client (all on 127.0.0.1).
  it('limits new Spaces, invitations, reports, DMs and commands (HTTP and socket: one budget), per user and per IP', async () => {
    const host = await signUp(server.url, 'lhost');
    const id = await liveSpace(host.c); // host: 1 command (IP 1)
    limited(
      await (async () => {
        assert.equal((await host.c.post('/api/spaces', { title: 'Second' })).status, 201);
        return host.c.post('/api/spaces', { title: 'Third' });
      })(),
      'third Space in an hour',
    );

    const guests = await Promise.all([1, 2, 3].map((n) => signUp(server.url, `lg${n}`)));
    for (const g of guests.slice(0, 2))
      assert.equal((await host.c.post(`/api/spaces/${id}/invite`, { userId: g.user.id })).status, 200);
    limited(await host.c.post(`/api/spaces/${id}/invite`, { userId: guests[2]?.user.id }), 'third invitation'); // host: 4 commands (IP 4)

    const reporter = await signUp(server.url, 'lrep');
    for (let i = 0; i < 2; i++)
      assert.equal((await reporter.c.post(`/api/spaces/${id}/report`, { reason: `spam ${i}` })).status, 200);
    limited(await reporter.c.post(`/api/spaces/${id}/report`, { reason: 'spam 3' }), 'third report'); // IP 7
    const reports = await server.earshot.store.db
      .selectFrom('reports')
      .select('id')
      .where('space_id', '=', id)
      .execute();
    assert.equal(reports.length, 2, 'the refused report was not stored');

    for (let i = 0; i < 3; i++)
      assert.equal((await host.c.post(`/api/dms/${guests[0]?.user.handle}`, { text: `hi ${i}` })).status, 201);
    limited(await host.c.post(`/api/dms/${guests[0]?.user.handle}`, { text: 'hi 4' }), 'fourth DM');

    // A flooder's commands over HTTP and over the socket come out of one budget of 6.
    const flooder = await signUp(server.url, 'lflood');
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/spaces/${id}/live`, {
      headers: { cookie: flooder.c.cookie },
    });
    const replies: any[] = [];
    socket.on('message', (raw) => {
      const m = JSON.parse(String(raw));
      if (m.type === 'ack' || m.type === 'error') replies.push(m);
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const before = (await host.c.get(`/api/spaces/${id}`)).body.seq;
    for (let i = 0; i < 3; i++) {
      assert.equal((await flooder.c.post(`/api/spaces/${id}/request-speak`, {})).status, 200);
      socket.send(JSON.stringify({ type: 'command', id: `c${i}`, name: 'cancel-request', args: {} }));
      await until(() => replies.length === i + 1);
      assert.equal(replies[i].type, 'ack', JSON.stringify(replies[i]));
    } // flooder: 6 commands (IP 13)
    socket.send(JSON.stringify({ type: 'command', id: 'over', name: 'request-speak', args: {} }));
    await until(() => replies.length === 4);
    assert.equal(replies[3].id, 'over');
    assert.equal(replies[3].error.code, 'rate_limited');
    assert.ok(replies[3].error.retryAfter >= 1);
    limited(await flooder.c.post(`/api/spaces/${id}/request-speak`, {}), 'seventh command over HTTP');
    assert.equal((await host.c.get(`/api/spaces/${id}`)).body.seq, before + 6, 'refused commands changed nothing');
    socket.close();

    // Someone else from the same address: one command left in the IP's budget of 14, then none.
    const neighbour = await signUp(server.url, 'lnext');
    assert.equal((await neighbour.c.post(`/api/spaces/${id}/request-speak`, {})).status, 200);
    limited(await neighbour.c.post(`/api/spaces/${id}/cancel-request`, {}), 'per-IP budget');
  });
});

async function until(test: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const shared = process.env.DATABASE_URL && process.env.REDIS_URL;
describe('rate limits across nodes', {
  skip: shared ? false : 'needs DATABASE_URL and REDIS_URL (the CI runs it)',
}, () => {
  it('two nodes spend one budget through Redis', async () => {
    const env = { RATE_LIMITS: 'command=3/60s,command_ip=1000/60s' };
    const a = await startEarshot(env);
    const b = await startEarshot({
      ...env,
      DATABASE_URL: a.config.DATABASE_URL ?? '',
      REDIS_PREFIX: a.config.REDIS_PREFIX,
    });
    try {
      const host = await signUp(a.url, 'rnode');
      const id = await liveSpace(host.c); // 1
      const onB = new Client(b.url);
      onB.cookie = host.c.cookie;
      assert.equal((await onB.post(`/api/spaces/${id}/set-captions`, { enabled: true })).status, 200); // 2
      assert.equal((await host.c.post(`/api/spaces/${id}/set-captions`, { enabled: false })).status, 200); // 3
      const res = await onB.post(`/api/spaces/${id}/set-captions`, { enabled: true });
      assert.equal(res.status, 429, JSON.stringify(res.body));
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('personal API tokens', () => {
  let server: Running;
  const logs: string[] = [];
  before(async () => {
    const logStream = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    server = await startEarshot({ LOG_LEVEL: 'info' }, { logStream });
  });
  after(() => server.close());

  it('are listed, named, revoked, may expire, and survive the logout of a session', async () => {
    const { c } = await signUp(server.url, 'tok');
    const made = await c.post('/api/tokens', { name: 'ci bot', expiresInDays: 2 });
    assert.equal(made.status, 201);
    const other = (await c.post('/api/tokens', {})).body;
    const list = await c.get('/api/tokens');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((t: any) => t.name).sort(),
      ['ci bot', 'personal token'],
      'named; the secret is never listed',
    );
    assert.ok(!JSON.stringify(list.body).includes(made.body.token.slice(4)));
    const ciBot = list.body.items.find((t: any) => t.name === 'ci bot');
    const days = (Date.parse(ciBot.expiresAt) - Date.now()) / 86400_000;
    assert.ok(days > 1.9 && days <= 2, `expires in ${days} days`);
    assert.equal(list.body.items.find((t: any) => t.id === other.id).expiresAt, null);

    const bot = new Client(server.url);
    bot.bearer = made.body.token;
    assert.equal((await bot.get('/api/me')).status, 200);
    // ?token= is for WebSockets only.
    const inUrl = await new Client(server.url).get(`/api/me?token=${made.body.token}`);
    assert.equal(inUrl.status, 401);
    assert.match(inUrl.body.error.message, /WebSocket/);

    // Logging out ends the session, not the tokens.
    assert.equal((await c.post('/api/auth/logout')).status, 204);
    assert.equal((await c.get('/api/me')).status, 401);
    assert.equal((await bot.get('/api/me')).status, 200);

    // Revoking: 204, then the token is dead; nobody else's token can be revoked.
    const stranger = await signUp(server.url, 'tokx');
    assert.equal((await stranger.c.delete(`/api/tokens/${ciBot.id}`)).status, 404);
    assert.equal((await bot.delete(`/api/tokens/${ciBot.id}`)).status, 204);
    assert.equal((await bot.get('/api/me')).status, 401);
    assert.equal((await stranger.c.delete(`/api/tokens/${ciBot.id}`)).status, 404);

    // An expired token is refused.
    const second = new Client(server.url);
    second.bearer = other.token;
    assert.equal((await second.get('/api/me')).status, 200);
    await server.earshot.store.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', other.id)
      .execute();
    assert.equal((await second.get('/api/me')).status, 401);
  });

  it('a ?token= on a WebSocket works and never reaches the logs', async () => {
    const { c } = await signUp(server.url, 'toklog');
    const token = (await c.post('/api/tokens', { name: 'socket' })).body.token as string;
    const opened = await handshake(`${server.url.replace('http', 'ws')}/api/ws?token=${token}`, {});
    assert.ok(opened.opened);
    await new Promise((r) => setTimeout(r, 200));
    const all = logs.join('');
    assert.ok(all.includes('/api/ws?token=[redacted]'), 'the request is logged, redacted');
    assert.ok(!all.includes(token.slice(4)), 'the secret is not in the logs');
  });
});

describe('TRUST_PROXY', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({
      PUBLIC_URL: 'https://earshot.example',
      TRUST_PROXY: '10.0.0.0/8',
      AUTH_RATE_LIMIT_PER_IP: '2',
    });
  });
  after(() => server.close());

  const login = (handle: string, forwardedFor: string, remoteAddress?: string) =>
    server.earshot.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { handle, password: 'wrong password' },
      headers: { 'x-forwarded-for': forwardedFor },
      ...(remoteAddress && { remoteAddress }),
    });

  it('believes X-Forwarded-For from the proxies named only (PUBLIC_URL no longer trusts every hop)', async () => {
    // From 127.0.0.1, not a trusted proxy: a made-up header does not buy new attempts.
    const spoofed = [];
    for (let i = 0; i < 3; i++) spoofed.push((await login(`spoof${i}`, `203.0.113.${i}`)).statusCode);
    assert.deepEqual(spoofed, [401, 401, 429]);
    // Through the proxy at 10.1.2.3, each client is its own address.
    const proxied = [];
    for (let i = 0; i < 3; i++) proxied.push((await login(`proxied${i}`, `198.51.100.${i}`, '10.1.2.3')).statusCode);
    assert.deepEqual(proxied, [401, 401, 401]);
  });
});

describe('input policy', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ LOGIN_FREE_FAILURES: '2' });
  });
  after(() => server.close());

  it('refuses NUL and other control characters with 400 in bodies, queries, paths and socket messages', async () => {
    const { c } = await signUp(server.url, 'nul');
    const id = await liveSpace(c);
    for (const [method, path, body] of [
      ['POST', '/api/posts', { text: 'a\u0000b' }],
      ['PATCH', '/api/me', { bio: 'bell\u0007' }],
      ['POST', '/api/spaces', { title: 'x', topics: ['t\u001b[31m'] }],
      ['GET', '/api/spaces?q=%00', undefined],
      ['GET', '/api/spaces/%00abc', undefined],
      ['POST', `/api/spaces/${id}/report`, { reason: 'x\u0000' }],
    ] as const) {
      const res = await c.request(method, path, body);
      assert.equal(res.status, 400, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.message, /control characters/);
    }
    assert.equal((await c.get(`/api/users/${(await c.get('/api/me')).body.user.handle}/posts`)).body.items.length, 0);
    // Newlines and tabs are text.
    assert.equal((await c.post('/api/posts', { text: 'two\nlines\tand a tab' })).status, 201);

    for (const path of [`/api/spaces/${id}/live`, '/api/ws']) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}${path}`, { headers: { cookie: c.cookie } });
      const errors: any[] = [];
      ws.on('message', (raw) => {
        const m = JSON.parse(String(raw));
        if (m.type === 'error') errors.push(m);
      });
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ type: 'command', id: 'n\u0000', name: 'react', args: { emoji: '👏' } }));
      await until(() => errors.some((e) => /control characters/.test(e.error.message))).catch((err) => {
        throw new Error(`${path}: ${err.message}; errors ${JSON.stringify(errors)}`);
      });
      ws.close();
    }
  });

  it('display names, titles and topics need a visible character and no bidi controls', async () => {
    const c = new Client(server.url);
    for (const displayName of ['\u200b\u200b', '\u3164', 'evil\u202egnp.exe', '\u2066x\u2069', '\u0301'])
      assert.equal(
        (await c.post('/api/auth/signup', { handle: 'shadowy', displayName, password: 'long enough' })).status,
        400,
        JSON.stringify(displayName),
      );
    await c.signup('visible_ok', 'Zoë 🎙');
    assert.equal((await c.patch('/api/me', { displayName: '\u200d' })).status, 400);
    for (const title of ['\u200b', 'a\u202dtitle'])
      assert.equal((await c.post('/api/spaces', { title })).status, 400, JSON.stringify(title));
    assert.equal((await c.post('/api/spaces', { title: 'ok', topics: ['\u2800'] })).status, 400);
    assert.equal(
      (await c.post('/api/spaces', { title: 'مرحبا بكم' })).status,
      201,
      'right-to-left text itself is fine',
    );
  });

  it('refuses the most common passwords', async () => {
    const c = new Client(server.url);
    for (const password of ['password1', 'Password1', 'qwertyuiop', '1q2w3e4r5t'] as const) {
      const res = await c.post('/api/auth/signup', { handle: 'weakpw', displayName: 'W', password });
      assert.equal(res.status, 400, password);
      assert.match(res.body.error.message, /common/);
    }
    assert.equal(
      (await c.post('/api/auth/signup', { handle: 'weakpw', displayName: 'W', password: 'long enough' })).status,
      201,
    );
  });

  it('slows repeated wrong passwords per handle and IP, exponentially, without locking the owner out', async () => {
    const { user } = await signUp(server.url, 'thr');
    const attempt = (password: string, remoteAddress = '203.0.113.9') =>
      server.earshot.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { handle: user.handle, password },
        remoteAddress,
      });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt('wrong guess')).statusCode);
    assert.deepEqual(statuses, [401, 401, 401], 'two free failures, then a wait after the third');
    const waiting = await attempt('correct horse');
    assert.equal(waiting.statusCode, 429, 'even the right password waits from that address');
    assert.equal(waiting.json().error.retryAfter, 1);
    // The owner, from their own address, is not locked out by the attacker.
    assert.equal((await attempt('correct horse', '198.51.100.7')).statusCode, 200);
    await new Promise((r) => setTimeout(r, 1500)); // the 1 s wait, with room for a loaded machine
    assert.equal((await attempt('wrong guess')).statusCode, 401);
    const longer = await attempt('wrong guess');
    assert.equal(longer.statusCode, 429);
    assert.equal(longer.json().error.retryAfter, 2, 'each failure doubles the wait');
  });
});

describe('headers, metrics and the /api/ws heartbeat', () => {
  let server: Running;
  let open: Running;
  before(async () => {
    server = await startEarshot({
      METRICS_TOKEN: 'metrics-secret-1234',
      WS_HEARTBEAT_MS: '200',
      LIVE_HEARTBEAT_MS: '200',
    });
    open = await startEarshot();
  });
  after(async () => {
    await server.close();
    await open.close();
  });

  it('sends security headers on every response', async () => {
    for (const path of ['/api/health', '/api/nothing-here', '/openapi-nowhere']) {
      const res = await fetch(server.url + path);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'same-origin');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
    }
  });

  it('/metrics answers the METRICS_TOKEN only; without one, loopback only', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-secret-1234' } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /earshot_http_requests_total/);
    assert.equal((await fetch(`${open.url}/metrics`)).status, 200, 'from loopback');
    const remote = await open.earshot.app.inject({ url: '/metrics', remoteAddress: '203.0.113.5' });
    assert.equal(remote.statusCode, 403);
  });

  it('/api/ws pings; a socket that stops answering is closed, a live one stays', async () => {
    const { c } = await signUp(server.url, 'beat');
    const url = `${server.url.replace('http', 'ws')}/api/ws`;
    const dead = new WebSocket(url, { headers: { cookie: c.cookie } });
    const alive = new WebSocket(url, { headers: { cookie: c.cookie } });
    let pings = 0;
    alive.on('ping', () => {
      pings += 1;
    });
    await Promise.all([dead, alive].map((ws) => new Promise((resolve) => ws.once('open', resolve))));
    let closed = false;
    dead.on('close', () => {
      closed = true;
    });
    // Its peer vanished: it reads nothing, so it answers no ping.
    (dead as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    await new Promise((r) => setTimeout(r, 1000));
    (dead as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(() => closed, 3000);
    assert.ok(pings >= 2, `the live socket was pinged (${pings})`);
    assert.equal(alive.readyState, WebSocket.OPEN);
    alive.close();
  });

  for (const where of ['/api/ws', 'a Space’s live socket'])
    it(`${where}: keeps a socket whose pong came in while the server was busy, and one that sends but answers no ping`, async () => {
      const { c } = await signUp(server.url, 'busy');
      let url = `${server.url.replace('http', 'ws')}/api/ws`;
      if (where !== '/api/ws') {
        const id = (await c.post('/api/spaces', { title: 'Heartbeat', topics: [] })).body.space.id as string;
        assert.equal((await c.post(`/api/spaces/${id}/start`, {})).status, 200);
        url = `${server.url.replace('http', 'ws')}/api/spaces/${id}/live`;
      }
      const held = new WebSocket(url, { headers: { cookie: c.cookie } });
      const chatty = new WebSocket(url, { headers: { cookie: c.cookie }, autoPong: false });
      await Promise.all([held, chatty].map((ws) => new Promise((resolve) => ws.once('open', resolve))));
      const closed: string[] = [];
      held.on('close', () => closed.push('held'));
      chatty.on('close', () => closed.push('chatty'));
      // The pong goes out at once (ws answers before the event); then this process, which is also
      // the server's, is held for three heartbeats, as a long synchronous query would hold it.
      let holds = 0;
      held.on('ping', () => {
        if (holds++ >= 2) return;
        const until = Date.now() + 600;
        while (Date.now() < until);
      });
      const talking = setInterval(() => chatty.send(JSON.stringify({ type: 'ping' })), 50);
      await new Promise((r) => setTimeout(r, 2000));
      clearInterval(talking);
      assert.ok(holds >= 2, `the server was held (${holds})`);
      assert.deepEqual(closed, [], 'neither socket was dropped');
      held.close();
      chatty.close();
    });
});
