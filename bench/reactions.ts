// Benchmark: one live Space, N anonymous WebSocket listeners in separate client processes, a
// series of reactions; reports delivery latency (send → arrival at every listener, p50/p99), the
// react request's own time, and the server's CPU time while fanning out.
//   npm run bench:reactions -- [listeners=2000] [reactions=40] [busy]
// `busy`: three speakers on stage talk the whole time (real WebRTC publishers, espeak-ng speech
// with short pauses, so speaking indicators flip) with live captions on: the reactions compete
// with speaking changes and caption segments for the server.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { connected, publishSpeech } from '../apps/server/test/media-bots';
import { speak } from '../apps/server/test/speech';
import { CORPUS } from './corpus';
import { api as call, here, httpSignal, liveStage, now, percentile, signup, sleep, startServer } from './harness';

const listeners = Number(process.argv[2] ?? 2000);
const reactions = Number(process.argv[3] ?? 40);
const busy = process.argv[4] === 'busy';
const workers = 4;
// Any free UDP ports: other servers on the machine may hold the default MEDIA_PORT.
const server = await startServer({ MEDIA_PORT: '0' });
const base = server.base;
const api = (method: string, p: string, body?: unknown, cookie?: string) => call(base, method, p, body, cookie);

const clients: ChildProcess[] = [];
let talking = true;
const talkers: Promise<void>[] = [];
const mics: Array<Awaited<ReturnType<typeof publishSpeech>>> = [];
try {
  const stage = busy ? await liveStage(base, 3, { title: 'Benchmark', captions: true }) : null;
  let spaceId = stage?.id;
  if (!spaceId) {
    const hostCookie = await signup(base, 'bench_host');
    const created = await api('POST', '/api/spaces', { title: 'Benchmark' }, hostCookie);
    spaceId = created.body.space.id as string;
    await api('POST', `/api/spaces/${spaceId}/start`, {}, hostCookie);
  }
  const space = { body: { space: { id: spaceId } } };
  let speakingChanges = 0;
  if (stage) {
    for (const c of stage.cookies) mics.push(await publishSpeech(httpSignal(`${base}/api/spaces/${spaceId}/whip`, c)));
    await Promise.all(mics.map((m) => connected(m.pc)));
    // Each speaker talks through the corpus from its own place, pausing between sentences.
    for (const [k, mic] of mics.entries())
      talkers.push(
        (async () => {
          for (let i = k * 10; talking; i++) {
            await mic.say(speak(CORPUS[i % CORPUS.length] as string));
            await sleep(300 + 200 * k);
          }
        })(),
      );
  }
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
  const requestMs: number[] = [];
  const seq0 = (await api('GET', `/api/spaces/${spaceId}`)).body.seq as number;
  const cpu0 = server.cpuSeconds();
  const wall0 = now();
  for (let i = 0; i < reactions; i++) {
    sent[`fan_${i}`] = now();
    const res = await api('POST', `/api/spaces/${space.body.space.id}/react`, { emoji: '👏' }, senders[i]);
    requestMs.push(now() - (sent[`fan_${i}`] as number));
    if (res.status !== 200) throw new Error(`react: ${res.status} ${JSON.stringify(res.body)}`);
    await sleep(100);
  }
  await sleep(1500);
  const cpu = server.cpuSeconds() - cpu0;
  const wall = (now() - wall0) / 1000;
  // Speaking changes (and any other room event) during the reactions: the room's seq moved by them.
  speakingChanges = ((await api('GET', `/api/spaces/${spaceId}`)).body.seq as number) - seq0;
  talking = false;

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
  requestMs.sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        listeners,
        reactions,
        busy: busy ? { speakers: 3, captions: true, room_events_during_reactions: speakingChanges } : false,
        react_request_p50_ms: percentile(requestMs, 50).toFixed(1),
        react_request_p99_ms: percentile(requestMs, 99).toFixed(1),
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
  talking = false;
  for (const m of mics) m.close();
  // A closed microphone's last sentence may never finish: wait a moment, not for ever.
  await Promise.race([Promise.allSettled(talkers), sleep(2000)]);
  for (const c of clients) c.kill();
  await server.stop();
}
