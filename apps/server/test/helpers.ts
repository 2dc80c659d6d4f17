import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { applyEvent, type RoomState } from '@earshot/protocol';
import pg from 'pg';
import { WebSocket } from 'ws';
import { createEarshot } from '../src/app';
import type { Clock } from '../src/clock';
import { loadConfig } from '../src/config';

/**
 * The environment of one test server: free ports, quiet logs, a recordings folder of its own and,
 * with DATABASE_URL set (the CI's second pass), a database of its own on that server; with
 * REDIS_URL, a key prefix of its own. `drop()` removes the database.
 */
export async function testEnv(env: Record<string, string> = {}) {
  const runId = randomBytes(6).toString('hex');
  let drop = async () => {};
  const base: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    MEDIA_PORT: '0',
    // CI's second pass runs the media plane in worker processes (MEDIA_WORKERS=2); the default is in-process.
    MEDIA_WORKERS: process.env.MEDIA_WORKERS ?? '0',
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT_PER_IP: '10000',
    AUTH_RATE_LIMIT_PER_HANDLE: '10000',
    // Every test client comes from 127.0.0.1: the per-IP budgets would join unrelated tests.
    RATE_LIMITS: 'off',
    ANON_SOCKETS_PER_IP: '10000',
    ANON_WHEP_PER_IP: '10000',
    RECORDINGS_DIR: path.join(tmpdir(), `earshot-recordings-${runId}`),
    ...env,
  };
  if (base.DATABASE_URL && !env.DATABASE_URL) {
    const name = `earshot_test_${runId}`;
    const admin = new pg.Client({ connectionString: base.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(base.DATABASE_URL);
    const adminUrl = url.toString();
    url.pathname = `/${name}`;
    base.DATABASE_URL = url.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  if (base.REDIS_URL && !env.REDIS_PREFIX) base.REDIS_PREFIX = `earshot-test-${runId}:`;
  return { env: base, drop };
}

/** Starts a real Earshot in this process on a free loopback port (see testEnv). */
export async function startEarshot(
  env: Record<string, string> = {},
  options: { dataDir?: string; clock?: Clock; logStream?: NodeJS.WritableStream } = {},
) {
  const { env: base, drop: dropDatabase } = await testEnv(env);
  const config = loadConfig(base);
  const earshot = await createEarshot(config, { ...options, dataDir: options.dataDir ?? null });
  await earshot.app.listen({ port: 0, host: '127.0.0.1' });
  const address = earshot.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    earshot,
    url,
    config,
    async close() {
      await earshot.close();
      await dropDatabase();
    },
  };
}
export type Running = Awaited<ReturnType<typeof startEarshot>>;

/** A Space's media room as the plane knows it (undefined: no room), in-process or in workers alike. */
export function mediaRoom(server: Running, spaceId: string) {
  const media = server.earshot.services.media;
  if (!media.hasRoom(spaceId)) return undefined;
  const peers = media.peers(spaceId);
  return {
    publishers: () => peers.filter((p) => p.kind === 'publisher'),
    subscribers: () => peers.filter((p) => p.kind === 'subscriber'),
    peersOf: (key: string) => peers.filter((p) => p.key === key),
  };
}

/**
 * For test files with WebRTC peers: once the file's tests are done, leave without the native
 * teardown. node-datachannel's threads keep the process alive for about a minute after the last
 * peer closed, and wrtc then crashes on its way out (SIGSEGV or SIGABRT once an RTCAudioSource
 * existed), which would fail a file whose tests all passed. The runner has reported by then.
 */
export function exitWhenDone() {
  after(() => {
    setTimeout(() => process.exit(process.exitCode ?? 0), 1000);
  });
}

/** A person using the API: keeps their session cookie like a browser would. */
export class Client {
  cookie = '';
  bearer = '';
  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('earshot_session='));
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? '';
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }
  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: unknown) => this.request('POST', path, body);
  put = (path: string, body?: unknown) => this.request('PUT', path, body);
  patch = (path: string, body?: unknown) => this.request('PATCH', path, body);
  delete = (path: string) => this.request('DELETE', path);

  async signup(handle: string, displayName = handle, password = 'correct horse') {
    const res = await this.post('/api/auth/signup', { handle, displayName, password });
    if (res.status !== 201) throw new Error(`signup ${handle}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.user as { id: string; handle: string; displayName: string };
  }

  /** Opens /api/ws with this client's credentials; collects every pushed message. */
  async socket() {
    const ws = new WebSocket(`${this.base.replace('http', 'ws')}/api/ws`, { headers: { cookie: this.cookie } });
    const messages: any[] = [];
    const waiters: Array<{ test: (m: any) => boolean; resolve: (m: any) => void }> = [];
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw));
      messages.push(m);
      for (const w of [...waiters])
        if (w.test(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return {
      ws,
      messages,
      /** Resolves with the first message (already received or to come) that passes `test`; fails after `ms`. */
      next(test: (m: any) => boolean, ms = 5000) {
        const seen = messages.find(test);
        if (seen) return Promise.resolve(seen);
        return new Promise<any>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no matching message within ${ms} ms; got ${JSON.stringify(messages)}`)),
            ms,
          );
          waiters.push({
            test,
            resolve: (m) => {
              clearTimeout(timer);
              resolve(m);
            },
          });
        });
      },
      close: () => ws.close(),
    };
  }
}

export const uniqueHandle = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`.slice(0, 15);

/** Someone signed up on `base` (a fresh handle from `prefix`), with the client that acts as them. */
export async function signUp(base: string, prefix: string, handle = uniqueHandle(prefix)) {
  const c = new Client(base);
  const user = await c.signup(handle, `${prefix} name`);
  return { c, user };
}

/** Opens a Space's live socket and keeps a client-side copy of the room by applying events. */
export async function watch(
  base: string,
  spaceId: string,
  client?: Client,
  query = '',
  from?: { seq: number; state: RoomState | null },
) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/spaces/${spaceId}/live${query}`, {
    headers: client?.cookie ? { cookie: client.cookie } : {},
  });
  const messages: any[] = [];
  const view = {
    seq: from?.seq ?? -1,
    state: from?.state ?? (null as RoomState | null),
    listenerCount: 0,
    closeCode: 0,
    messages,
    ws,
  };
  const waiters: Array<() => void> = [];
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    messages.push(m);
    if (m.type === 'snapshot') Object.assign(view, { seq: m.seq, state: m.space, listenerCount: m.listenerCount });
    if (m.type === 'event') {
      assert.equal(m.seq, view.seq + 1, 'events arrive in strict sequence');
      view.seq = m.seq;
      view.state = applyEvent(view.state as RoomState, m.event);
    }
    if (m.type === 'presence') view.listenerCount = m.listenerCount;
    for (const w of waiters.splice(0)) w();
  });
  ws.on('close', (code) => {
    view.closeCode = code;
    for (const w of waiters.splice(0)) w();
  });
  const until = async (test: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!test()) {
      if (Date.now() > end)
        throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(messages.slice(-3))}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  await until(() => messages.length > 0 || view.closeCode !== 0);
  return { view, until, close: () => ws.close() };
}

/** The HTTP answer to a WebSocket upgrade the server refuses. */
export function refusal(base: string, spaceId: string, client?: Client) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/spaces/${spaceId}/live`, {
    headers: client?.cookie ? { cookie: client.cookie } : {},
  });
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    ws.on('open', () => {
      ws.close();
      reject(new Error('the socket opened'));
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
  });
}
