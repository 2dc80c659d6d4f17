import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { WebSocket } from 'ws';
import { createEarshot } from '../src/app';
import { loadConfig } from '../src/config';

/**
 * Starts a real Earshot on a free loopback port. With DATABASE_URL set (the CI's second pass),
 * it gets a database of its own on that server; with REDIS_URL, a key prefix of its own.
 */
export async function startEarshot(env: Record<string, string> = {}, options: { dataDir?: string } = {}) {
  const runId = randomBytes(6).toString('hex');
  let dropDatabase = async () => {};
  const base: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT_PER_IP: '10000',
    AUTH_RATE_LIMIT_PER_HANDLE: '10000',
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
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  if (base.REDIS_URL && !env.REDIS_PREFIX) base.REDIS_PREFIX = `earshot-test-${runId}:`;
  const config = loadConfig(base);
  const earshot = await createEarshot(config, { dataDir: options.dataDir ?? null });
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
