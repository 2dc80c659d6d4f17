// What every benchmark needs: an Earshot server in its own process (embedded defaults), its CPU
// time from /proc, its /metrics, and a small API client with a cookie.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startServer(env: Record<string, string> = {}) {
  const port = 3900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-'));
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../apps/server/src/main.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_IP: '100000',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`${base}/api/health`).catch(() => null))?.ok) break;
    await sleep(200);
  }
  return {
    base,
    /** utime + stime of the server process, in seconds (clock ticks of 10 ms). */
    cpuSeconds() {
      const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    /** Values from one read of /metrics (reading the event-loop figures also resets them). */
    async metrics(names: string[]) {
      const lines = (await (await fetch(`${base}/metrics`)).text()).split('\n');
      return names.map((name) =>
        Number(
          lines
            .find((l) => l.startsWith(`${name} `))
            ?.split(' ')
            .at(-1),
        ),
      );
    },
    async metric(name: string) {
      return (await this.metrics([name]))[0] ?? Number.NaN;
    },
    async stop() {
      server.kill('SIGTERM');
      await sleep(500);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function api(base: string, method: string, p: string, body?: unknown, cookie?: string) {
  const res = await fetch(base + p, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(cookie && { cookie }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const setCookie = res.headers.getSetCookie()[0]?.split(';')[0];
  return { status: res.status, body: await res.json().catch(() => null), cookie: setCookie ?? cookie ?? '' };
}

/** Signs up `handle` and returns its cookie. */
export async function signup(base: string, handle: string) {
  const res = await api(base, 'POST', '/api/auth/signup', { handle, displayName: handle, password: 'benchmark1' });
  if (res.status !== 201) throw new Error(`signup ${handle}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.cookie;
}

export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
