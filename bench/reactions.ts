// Benchmark: one live Space, N anonymous WebSocket listeners in separate client processes, a
// series of reactions; reports delivery latency (send → arrival at every listener, p50/p99) and
// the server's CPU time while fanning out.
//   npm run bench:reactions -- [listeners=2000] [reactions=40]
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { api as call, here, now, percentile, signup, sleep, startServer } from './harness';

const listeners = Number(process.argv[2] ?? 2000);
const reactions = Number(process.argv[3] ?? 40);
const workers = 4;
const server = await startServer();
const base = server.base;
const api = (method: string, p: string, body?: unknown, cookie?: string) => call(base, method, p, body, cookie);

const clients: ChildProcess[] = [];
try {
  const hostCookie = await signup(base, 'bench_host');
  const space = await api('POST', '/api/spaces', { title: 'Benchmark' }, hostCookie);
  await api('POST', `/api/spaces/${space.body.space.id}/start`, {}, hostCookie);
  // One account per reaction: each reaction is identified at the listeners by its sender.
  const senders: string[] = [];
  for (let i = 0; i < reactions; i++) senders.push(await signup(base, `fan_${i}`));

  const wsUrl = `${base.replace('http', 'ws')}/api/spaces/${space.body.space.id}/live`;
  const reports: Array<Record<string, number[]>> = [];
  const ready: Promise<void>[] = [];
  const t0 = now();
  for (let w = 0; w < workers; w++) {
    const share = Math.floor(listeners / workers) + (w < listeners % workers ? 1 : 0);
    const child = fork(path.join(here, 'listeners-worker.ts'), [wsUrl, String(share)], {
      execArgv: ['--import', 'tsx'],
    });
    clients.push(child);
    ready.push(
      new Promise((resolve, reject) =>
        child.on('message', (m: { type: string; message?: string; arrivals?: Record<string, number[]> }) => {
          if (m.type === 'ready') resolve();
          if (m.type === 'error') reject(new Error(m.message));
          if (m.type === 'report' && m.arrivals) reports.push(m.arrivals);
        }),
      ),
    );
  }
  await Promise.all(ready);
  console.log(`${listeners} listeners connected in ${((now() - t0) / 1000).toFixed(1)} s`);
  await sleep(2000); // let the join storm and presence settle

  const sent: Record<string, number> = {};
  const cpu0 = server.cpuSeconds();
  const wall0 = now();
  for (let i = 0; i < reactions; i++) {
    sent[`fan_${i}`] = now();
    const res = await api('POST', `/api/spaces/${space.body.space.id}/react`, { emoji: '👏' }, senders[i]);
    if (res.status !== 200) throw new Error(`react: ${res.status} ${JSON.stringify(res.body)}`);
    await sleep(100);
  }
  await sleep(1500);
  const cpu = server.cpuSeconds() - cpu0;
  const wall = (now() - wall0) / 1000;

  for (const c of clients) c.send({ type: 'report' });
  while (reports.length < workers) await sleep(50);
  const latencies: number[] = [];
  let missing = 0;
  for (const [handle, t] of Object.entries(sent)) {
    let got = 0;
    for (const r of reports)
      for (const arrival of r[handle] ?? []) {
        latencies.push(arrival - t);
        got += 1;
      }
    missing += listeners - got;
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => percentile(latencies, p).toFixed(1);
  const deliveries = latencies.length;
  console.log(
    JSON.stringify(
      {
        listeners,
        reactions,
        deliveries,
        missing,
        p50_ms: pct(50),
        p99_ms: pct(99),
        max_ms: latencies.at(-1)?.toFixed(1),
        server_cpu_s: cpu.toFixed(2),
        server_cpu_percent_of_one_core: ((cpu / wall) * 100).toFixed(1),
        server_cpu_us_per_delivery: ((cpu / deliveries) * 1e6).toFixed(1),
      },
      null,
      2,
    ),
  );
} finally {
  for (const c of clients) c.kill();
  await server.stop();
}
