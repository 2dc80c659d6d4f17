// Soak benchmark (issue 17): one live Space for a long time, and the server's memory through it.
//   npm run bench:soak -- [MINUTES=60] [LISTENERS=300] [SPEAKERS=3]
// SPEAKERS send 50 packets/s each of espeak-ng speech in Opus; LISTENERS (node-datachannel, in 2
// client processes) each hold a live socket and a WHEP session: one track, the room mix, as the web
// app listens in a room this big (SOAK_LISTEN=per-speaker: a track per stage slot); one leaves and
// a new one joins every second; 10 signed-in people react over their sockets, 5 reactions/s in
// all. Every 10 s: the RSS of every server process (main, media workers, any other child) and
// /api/health. Reports RSS growth from the minute after warm-up (SOAK_WARMUP_MINUTES, default a
// fifth of the run, at least 2) to the last minute (target ≤ 5 %), and errors (target 0): failed
// joins, sockets the server closed, error replies, listeners that got no packet for a whole
// sample (each once, with its client-side peer state), health checks that failed, a server that died.
// MEDIA_WORKERS as for the server (unset: one per core, the production default).
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { speechPackets } from './corpus';
import { here, liveStage, now, percentile, signup, sleep, startServer } from './harness';
import { pacedSpeaker } from './media-clients';

const minutes = Number(process.argv[2] ?? 60);
const listeners = Number(process.argv[3] ?? 300);
const speakers = Number(process.argv[4] ?? 3);
const warmupMinutes = Number(process.env.SOAK_WARMUP_MINUTES ?? Math.max(2, minutes / 5));
const SAMPLE_MS = 10_000;
const perSpeaker = process.env.SOAK_LISTEN === 'per-speaker';
const CLIENTS = 2;

const server = await startServer({
  // As in the fan-out bench: a loaded machine may delay the load clients' RTCP; do not reap them.
  MEDIA_PEER_TIMEOUT_MS: '120000',
  MEDIA_PORT: process.env.MEDIA_PORT ?? '0',
  ...(process.env.MEDIA_WORKERS && { MEDIA_WORKERS: process.env.MEDIA_WORKERS }),
});
const base = server.base;
/** Every error counted, by kind (its text with the numbers taken out). */
const errorKinds = new Map<string, number>();
const error = (what: string) => {
  const kind = what.replace(/\d+/g, 'N');
  errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
};
const errorCount = () => [...errorKinds.values()].reduce((a, b) => a + b, 0);

/** Every process under `pid`, itself included. */
function tree(pid: number): number[] {
  let kids: number[] = [];
  try {
    kids = execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // no children
  }
  return [pid, ...kids.flatMap(tree)];
}
function rssKb(pid: number) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
function rssSample() {
  const pids = tree(server.pid);
  const workers = new Set(server.mediaWorkers());
  let main = 0;
  let media = 0;
  let other = 0;
  for (const pid of pids) {
    const kb = rssKb(pid);
    if (pid === server.pid) main += kb;
    else if (workers.has(pid)) media += kb;
    else other += kb;
  }
  return { at: now(), total: main + media + other, main, media, other, processes: pids.length };
}
const mb = (kb: number) => Math.round(kb / 1024);

const children: ChildProcess[] = [];
const sockets: WebSocket[] = [];
let stopSpeaking = () => {};
let stopping = false;
try {
  const { id, cookies, stageSize } = await liveStage(base, speakers, { title: 'Soak' });
  // Each speaker says the corpus from another place in it, so the mix sums three voices.
  const speech = await speechPackets();
  const mics = await Promise.all(
    cookies.map((c, i) => pacedSpeaker(base, id, c, [...speech.slice(i * 150), ...speech.slice(0, i * 150)])),
  );
  const sections = perSpeaker ? stageSize : 1;
  const talk = setInterval(() => {
    for (const m of mics) m.send();
  }, 20);
  stopSpeaking = () => clearInterval(talk);

  // Reactions over live sockets, as the web app sends them.
  const reactors = await Promise.all(Array.from({ length: 10 }, (_, i) => signup(base, `soak_r${i}`)));
  let acks = 0;
  const reactorSockets = await Promise.all(
    reactors.map(
      (cookie) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`${base.replace('http', 'ws')}/api/spaces/${id}/live`, { headers: { cookie } });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
          ws.on('message', (raw) => {
            const text = String(raw);
            if (text.startsWith('{"type":"ack"')) acks += 1;
            else if (text.startsWith('{"type":"error"')) error(`reaction: ${text.slice(0, 200)}`);
          });
          ws.on('close', (code) => {
            if (!stopping) error(`a reactor's socket was closed (${code})`);
          });
        }),
    ),
  );
  sockets.push(...reactorSockets);
  let reactionsSent = 0;
  const react = setInterval(() => {
    const ws = reactorSockets[reactionsSent % reactorSockets.length];
    reactionsSent += 1;
    ws?.send(JSON.stringify({ type: 'command', id: `r${reactionsSent}`, name: 'react', args: { emoji: '👏' } }));
  }, 200);

  // Listeners: each client process holds its share and churns one every CLIENTS seconds.
  const latest = new Map<ChildProcess, any>();
  const t0 = now();
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, w) => {
      const share = Math.floor(listeners / CLIENTS) + (w < listeners % CLIENTS ? 1 : 0);
      const child = fork(
        path.join(here, 'soak-listeners.ts'),
        [base, id, String(share), String(sections), String(CLIENTS * 1000)],
        { execArgv: ['--import', 'tsx'] },
      );
      children.push(child);
      return new Promise<void>((resolve) =>
        child.on('message', (m: any) => {
          if (m.type === 'ready') resolve();
          if (m.type === 'sample') {
            latest.set(child, m);
            for (const e of m.errors) error(e);
          }
        }),
      );
    }),
  );
  console.log(
    `${listeners} listeners (${perSpeaker ? `a track per stage slot, ${stageSize}` : 'the mix'}), ${speakers} speakers ready in ${((now() - t0) / 1000).toFixed(0)} s; ` +
      `soaking ${minutes} min (warm-up ${warmupMinutes} min), load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );

  const samples: ReturnType<typeof rssSample>[] = [];
  const start = now();
  const end = start + minutes * 60_000;
  while (now() < end) {
    await sleep(SAMPLE_MS);
    if (server.pid && rssKb(server.pid) === 0) {
      error('the server process is gone');
      break;
    }
    for (const child of children) child.send({ type: 'sample' });
    const health = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
    if (!health?.ok) error(`/api/health answered ${health?.status ?? 'nothing'}`);
    const s = rssSample();
    samples.push(s);
    // JS heap in use (main and media workers), the workers' Buffers and RSS (from /metrics): growth outside heap and Buffers is native.
    const metrics = (await (await fetch(`${base}/metrics`).catch(() => null))?.text().catch(() => '')) ?? '';
    const gauge = (re: RegExp) => [...metrics.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
    const memory = {
      main: gauge(/^earshot_nodejs_heap_size_used_bytes (\d+)/gm) / 1024,
      media: gauge(/^earshot_media_worker_memory_bytes\{worker="\d+",kind="heap"\} (\d+)/gm) / 1024,
      buffers: gauge(/^earshot_media_worker_memory_bytes\{worker="\d+",kind="buffers"\} (\d+)/gm) / 1024,
      perWorker: [...metrics.matchAll(/^earshot_media_worker_memory_bytes\{worker="(\d+)",kind="rss"\} (\d+)/gm)]
        .map((m) => `${m[1]}: ${Math.round(Number(m[2]) / 1048576)}`)
        .join(', '),
    };
    // How late each worker's loop and each load client's ran, and how long this sample's joins took.
    const workerLoops = [
      ...metrics.matchAll(/^earshot_media_worker_loop_delay_seconds\{worker="(\d+)",stat="max"\} ([\d.e+-]+)/gm),
    ]
      .map((m) => `${m[1]}: ${Math.round(Number(m[2]) * 1000)}`)
      .join(', ');
    const clients = [...latest.values()];
    const clientLoops = clients.map((c) => Math.round(c.loopMaxMs)).join(', ');
    const firsts = clients.flatMap((c) => c.firstPacketMs as number[]).sort((a, b) => a - b);
    const at = (p: number) => Math.round(percentile(firsts, p) || 0);
    const slowestAnswer = Math.round(Math.max(0, ...clients.map((c) => c.slowestAnswerMs as number)));
    const late = gauge(/^earshot_media_late_packets_total (\d+)/gm);
    const m = (now() - start) / 60_000;
    const totals = [...latest.values()].reduce(
      (a, c) => ({ listeners: a.listeners + c.listeners, joins: a.joins + c.joins, leaves: a.leaves + c.leaves }),
      { listeners: 0, joins: 0, leaves: 0 },
    );
    console.log(
      `${m.toFixed(1)} min: RSS ${mb(s.total)} MB (main ${mb(s.main)}, media ${mb(s.media)}, other ${mb(s.other)}; ${s.processes} processes; ` +
        `JS heap main ${mb(memory.main)}, media ${mb(memory.media)}, media Buffers ${mb(memory.buffers)}; worker RSS ${memory.perWorker}), ` +
        `loop max ms workers ${workerLoops}, clients ${clientLoops}; first packet ms p50/p95/max ${at(50)}/${at(95)}/${at(100)} of ${firsts.length} joins, slowest answer ${slowestAnswer}, ${late} packets too late to send; ` +
        `${totals.listeners} listeners, ${totals.joins} joins / ${totals.leaves} leaves, ${acks}/${reactionsSent} reactions acked, ${errorCount()} errors`,
    );
  }
  stopping = true;
  clearInterval(react);

  const warm = start + warmupMinutes * 60_000;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const after = samples.filter((s) => s.at >= warm && s.at < warm + 60_000).map((s) => s.total);
  const last = samples.filter((s) => s.at >= now() - 60_000).map((s) => s.total);
  const baseline = mean(after);
  const final = mean(last);
  const growth = ((final - baseline) / baseline) * 100;
  const peak = Math.max(...samples.map((s) => s.total));
  const result = {
    minutes,
    listeners,
    listen: perSpeaker ? 'per-speaker' : 'mix',
    speakers,
    warmupMinutes,
    rssAfterWarmupMb: mb(baseline),
    rssEndMb: mb(final),
    rssPeakMb: mb(peak),
    rssGrowthPercent: Number(growth.toFixed(1)),
    reactionsSent,
    reactionsAcked: acks,
    errors: errorCount(),
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
  console.log(
    `RSS after warm-up ${result.rssAfterWarmupMb} MB → end ${result.rssEndMb} MB (peak ${result.rssPeakMb} MB): ` +
      `growth ${result.rssGrowthPercent} % (target ≤ 5 %); errors ${errorCount()} (target 0)`,
  );
  // Errors by kind, most frequent first.
  for (const [kind, n] of [...errorKinds].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${n} × ${kind}`);
  console.log(JSON.stringify(result));
} finally {
  stopSpeaking();
  for (const ws of sockets) ws.close();
  for (const child of children) child.send({ type: 'stop' });
  await sleep(1000);
  await server.stop();
  process.exit(0);
}
