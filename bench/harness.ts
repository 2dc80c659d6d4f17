// What every benchmark needs: an Earshot server in its own process (embedded defaults), its CPU
// time from /proc, its /metrics, and a small API client with a cookie.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startServer(env: Record<string, string> = {}) {
  const port = Number(process.env.PORT ?? 3900 + Math.floor(Math.random() * 90));
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-'));
  // BENCH_CPU_PROF=DIR: the server writes a V8 CPU profile there when it stops (self time per function).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const server = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', path.join(here, '../apps/server/src/main.ts')],
    {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        AUTH_RATE_LIMIT_PER_IP: '100000',
        // Load clients all come from 127.0.0.1 (the flood bench sets its own budgets).
        RATE_LIMITS: 'off',
        ANON_SOCKETS_PER_IP: '100000',
        ANON_WHEP_PER_IP: '100000',
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  // Up to two minutes: a cold start on a loaded machine (tsx, the database, media workers) is slow.
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/api/health`).catch(() => null))?.ok) break;
    if (i === 600 || server.exitCode !== null) {
      server.kill('SIGKILL');
      throw new Error('the server did not start');
    }
    await sleep(200);
  }
  return {
    base,
    pid: server.pid as number,
    /** utime + stime of the server process, in seconds (clock ticks of 10 ms). */
    cpuSeconds: () => cpuSeconds(server.pid as number),
    /** The captions worker process, if the server started it (tsx's esbuild is a child too). */
    captionsWorker: () => children(server.pid as number, 'captions/worker')[0],
    /** The media worker processes (MEDIA_WORKERS > 0). */
    mediaWorkers: () => children(server.pid as number, 'media/worker'),
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
      // Its media workers finish their rooms first; the next run may want the same ports.
      await new Promise((resolve) => {
        if (server.exitCode !== null) return resolve(null);
        server.once('exit', resolve);
        setTimeout(resolve, 15_000).unref();
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Child processes of `pid` whose command line contains `what`. */
function children(pid: number, what: string) {
  return (spawnSync('pgrep', ['-P', String(pid)]).stdout?.toString() ?? '')
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((child) => {
      try {
        return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(what);
      } catch {
        return false;
      }
    });
}

/** Posts an offer to a WHIP/WHEP endpoint, as the test bots' `Signal`. */
export const httpSignal =
  (url: string, cookie?: string) =>
  async (offer: string): Promise<string> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', ...(cookie && { cookie }) },
      body: offer,
    });
    if (res.status !== 201) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return res.text();
  };

/** utime + stime of a process, in seconds (clock ticks of 10 ms). */
export function cpuSeconds(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
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

/**
 * A live Space (`space`: the create body) with `speakers` people on stage, the host first, all
 * unmuted; with captions on, each speaker also consents to them.
 */
let stages = 0;
export async function liveStage(
  base: string,
  speakers: number,
  space: { title: string; topics?: string[]; captions?: boolean },
) {
  // A second stage in the same server (bench:fanout tiers) needs people of its own.
  const n = stages++ === 0 ? '' : `_${stages}`;
  const host = await signup(base, `bench_host${n}`);
  const id = (await api(base, 'POST', '/api/spaces', space, host)).body.space.id as string;
  await api(base, 'POST', `/api/spaces/${id}/start`, {}, host);
  const cookies = [host];
  for (let i = 1; i < speakers; i++) {
    const c = await signup(base, `bench_sp${i}${n}`);
    await api(base, 'POST', `/api/spaces/${id}/request-speak`, {}, c);
    const me = (await api(base, 'GET', '/api/me', undefined, c)).body.user.id;
    await api(base, 'POST', `/api/spaces/${id}/approve`, { userId: me }, host);
    if (space.captions) await api(base, 'POST', `/api/spaces/${id}/captions-consent`, { consent: true }, c);
    cookies.push(c);
  }
  for (const c of cookies) {
    const me = (await api(base, 'GET', '/api/me', undefined, c)).body.user.id;
    await api(base, 'POST', `/api/spaces/${id}/unmute`, { userId: me }, c);
  }
  const stageSize = (await api(base, 'GET', `/api/spaces/${id}`)).body.space.stageSize as number;
  return { id, cookies, stageSize };
}

export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
