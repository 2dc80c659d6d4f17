// Benchmark: the idle memory of a default server, as `npm start` runs it (embedded PGlite in a
// fresh DATA_DIR, default media workers — started with the first room — and captions engine). After the warm-up it reads the RSS
// of every process in the server's tree from /proc and prints one line per process and the total.
//   npm run bench:idle-memory -- [warm-up seconds=30] [KEY=VALUE env overrides…]
// e.g. `npm run bench:idle-memory -- 30 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { here, sleep } from './harness';

const warmUp = Number(process.argv[2] ?? 30);
const overrides = Object.fromEntries(
  process.argv.slice(3).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const port = 3900 + Math.floor(Math.random() * 90);
const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-idle-'));
// The server as `npm start` runs it: the command after its web-app build step, from package.json.
const start = (JSON.parse(readFileSync(path.join(here, '../package.json'), 'utf8')).scripts.start as string)
  .split('&&')
  .at(-1)
  ?.trim() as string;
const [command, ...args] = start.split(/\s+/);
const server = spawn(command as string, args, {
  cwd: path.join(here, '..'),
  env: {
    ...process.env,
    PATH: `${path.join(here, '../node_modules/.bin')}:${process.env.PATH}`,
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...overrides,
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
console.log(`# ${start}`);

/** Every process below `root` (and root), with its command line and RSS in MB. */
function tree(root: number) {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const out: Array<{ pid: number; rssMb: number; what: string }> = [];
  const visit = (pid: number) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const what = cmd
        .map((a) => (a.includes('/') ? path.relative(path.join(here, '..'), a) : a))
        .join(' ')
        .slice(0, 90);
      out.push({ pid, rssMb: Math.round(rssKb / 1024), what });
    } catch {}
    for (const [child, parent] of parents) if (parent === pid) visit(child);
  };
  visit(root);
  return out;
}

try {
  for (let i = 0; ; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.ok) break;
    if (i === 600 || server.exitCode !== null) throw new Error('the server did not start');
    await sleep(200);
  }
  // One page load's worth of requests, then idle.
  for (const p of ['/', '/api/spaces?state=live', '/api/me']) await fetch(`http://127.0.0.1:${port}${p}`);
  await sleep(warmUp * 1000);
  const rows = tree(server.pid as number);
  for (const r of rows) console.log(`${String(r.pid).padStart(8)} ${String(r.rssMb).padStart(6)} MB  ${r.what}`);
  const total = rows.reduce((s, r) => s + r.rssMb, 0);
  console.log(
    `idle RSS after ${warmUp} s: ${total} MB in ${rows.length} processes (target ≤ 300 MB: ${total <= 300 ? 'met' : 'not met'}); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => {
    if (server.exitCode !== null) return resolve(null);
    server.once('exit', resolve);
    setTimeout(resolve, 15_000).unref();
  });
  rmSync(dataDir, { recursive: true, force: true });
}
