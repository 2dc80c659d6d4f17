// Benchmark of the LL-HLS tier (issue 13). Two modes:
//   npm run bench:hls -- latency [CLICKS=30]
//     a libwebrtc (wrtc) speaker feeds a click into its encoder every 2 s; an LL-HLS client
//     following the live edge (blocking reload for each next part, like hls.js in low-latency
//     mode) pipes the parts into ffmpeg, whose decoded audio shows the click. p50/p95 over the clicks.
//   npm run bench:hls -- load [CLIENTS=1000] [SECONDS=20]
//     CLIENTS such followers in 2 client processes; server CPU (main process + media workers) per
//     request, part fetch p99, and how long after the first follower each one got a new part.
// MEDIA_WORKERS=N (default 0 here) runs the rooms, the mix and the packager in N worker processes.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { connected, publishAudio } from '../apps/server/test/media-bots';
import { cpuSeconds, here, httpSignal, liveStage, now, percentile, sleep, startServer } from './harness';
import { follow } from './hls-follow';

const [mode = 'latency', ...args] = process.argv.slice(2);
const server = await startServer({ MEDIA_WORKERS: process.env.MEDIA_WORKERS ?? '0', MEDIA_PORT: '0' });
const base = server.base;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const RATE = 48_000;

/** A speaker whose microphone clicks (40 ms of 1 kHz) every `everyMs`; returns when each click went in. */
async function clickingSpeaker(id: string, cookie: string, everyMs: number) {
  const clicks: number[] = [];
  let sample = 0;
  const clickSamples = (RATE * 40) / 1000;
  const period = (RATE * everyMs) / 1000;
  const mic = await publishAudio(httpSignal(`${base}/api/spaces/${id}/whip`, cookie), (samples) => {
    for (let i = 0; i < samples.length; i++, sample++) {
      const at = sample % period;
      if (at === 0 && sample > 0) clicks.push(now());
      samples[i] = sample > 0 && at < clickSamples ? Math.round(Math.sin((2 * Math.PI * 1000 * at) / RATE) * 16000) : 0;
    }
  });
  await connected(mic.pc);
  return { clicks, close: mic.close };
}

async function latency() {
  const count = Number(args[0] ?? 30);
  const { id, cookies } = await liveStage(base, 1, { title: 'HLS latency' });
  const speaker = await clickingSpeaker(id, cookies[0] as string, 2000);
  const playlist = `${base}/api/spaces/${id}/hls/live.m3u8`;
  // The client's decoder: fMP4 parts in, PCM out as soon as each frame is decoded.
  const ffmpeg = spawn('ffmpeg', [
    ...['-v', 'error', '-fflags', 'nobuffer', '-probesize', '32', '-analyzeduration', '0'],
    ...['-f', 'mp4', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', String(RATE), 'pipe:1'],
  ]);
  const heard: number[] = [];
  let quietSamples = RATE;
  ffmpeg.stdout.on('data', (chunk: Buffer) => {
    const at = now();
    for (let i = 0; i + 1 < chunk.length; i += 2) {
      const loud = Math.abs(chunk.readInt16LE(i)) > 4000;
      if (loud && quietSamples > RATE / 2) heard.push(at);
      quietSamples = loud ? 0 : quietSamples + 1;
    }
  });
  let stop = false;
  const following = follow(
    playlist,
    (init) => ffmpeg.stdin.write(init),
    (data) => ffmpeg.stdin.write(data),
    () => stop,
  );
  const started = now();
  while (heard.length < count + 2 && now() - started < (count + 10) * 2000) await sleep(200);
  stop = true;
  await following.catch(() => {});
  ffmpeg.kill();
  speaker.close();
  // Each click heard is matched to the last click sent before it (clicks are 2 s apart).
  const latencies = heard
    .slice(1)
    .map((t) => {
      const sent = speaker.clicks.filter((c) => c < t).at(-1);
      return sent === undefined ? Number.NaN : t - sent;
    })
    .filter((x) => Number.isFinite(x) && x < 2000)
    .sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      mode,
      clicks: latencies.length,
      p50_ms: round(percentile(latencies, 50)),
      p95_ms: round(percentile(latencies, 95)),
      max_ms: round(latencies.at(-1) ?? Number.NaN),
      load: os.loadavg().map((l) => round(l, 2)),
    }),
  );
}

async function load() {
  const clients = Number(args[0] ?? 1000);
  const seconds = Number(args[1] ?? 20);
  const { id, cookies } = await liveStage(base, 1, { title: 'HLS load' });
  const speaker = await clickingSpeaker(id, cookies[0] as string, 2000);
  const playlist = `${base}/api/spaces/${id}/hls/live.m3u8`;
  await fetch(playlist); // the stream starts before the clock does
  await sleep(2000);
  const cpu = () => server.cpuSeconds() + server.mediaWorkers().reduce((s, pid) => s + cpuSeconds(pid), 0);
  // What the room costs with nobody on HLS (speaker, mix, packager): subtracted from the load's CPU.
  const idle0 = cpu();
  const i0 = now();
  await sleep(5000);
  const idleRate = (cpu() - idle0) / ((now() - i0) / 1000);
  const workers = 2;
  const reports: Array<{
    parts: number[];
    arrivals: Array<[string, number[]]>;
    failures: number;
    errors: Array<[string, number]>;
  }> = [];
  const children: ChildProcess[] = [];
  const cpu0 = cpu();
  const t0 = now();
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const share = Math.floor(clients / workers) + (w < clients % workers ? 1 : 0);
      const child = fork(path.join(here, 'hls-clients.ts'), [playlist, String(share), String(seconds)], {
        execArgv: ['--import', 'tsx'],
      });
      children.push(child);
      return new Promise<void>((resolve) => {
        child.on('message', (m) => reports.push(m as (typeof reports)[number]));
        child.on('exit', () => resolve());
      });
    }),
  );
  const elapsed = (now() - t0) / 1000;
  const cpuUsed = cpu() - cpu0;
  const cpuForRequests = cpuUsed - idleRate * elapsed;
  speaker.close();
  const parts = reports.flatMap((r) => r.parts).sort((a, b) => a - b);
  // How long after the first follower each follower had a new part listed (a blocking reload's fan-out).
  const byPart = new Map<string, number[]>();
  for (const r of reports) for (const [k, times] of r.arrivals) byPart.set(k, [...(byPart.get(k) ?? []), ...times]);
  const lags: number[] = [];
  for (const times of byPart.values()) {
    if (times.length < clients * 0.2) continue; // parts during joins and leaves say little
    const first = Math.min(...times);
    for (const t of times) lags.push(t - first);
  }
  lags.sort((a, b) => a - b);
  // Each part a follower gets costs two requests: the blocking reload and the part.
  const requests = parts.length * 2;
  console.log(
    JSON.stringify({
      mode,
      clients,
      seconds: round(elapsed),
      failures: reports.reduce((s, r) => s + r.failures, 0),
      errors: reports.flatMap((r) => r.errors),
      requests,
      requests_per_s: round(requests / elapsed),
      server_cpu_pct_of_core: round((cpuUsed / elapsed) * 100),
      idle_room_cpu_pct_of_core: round(idleRate * 100),
      cpu_us_per_request: round((cpuForRequests / requests) * 1e6),
      part_fetch_p50_ms: round(percentile(parts, 50)),
      part_fetch_p99_ms: round(percentile(parts, 99)),
      reload_fanout_p50_ms: round(percentile(lags, 50)),
      reload_fanout_p99_ms: round(percentile(lags, 99)),
      load: os.loadavg().map((l) => round(l, 2)),
    }),
  );
}

try {
  if (mode === 'latency') await latency();
  else if (mode === 'load') await load();
  else throw new Error(`unknown mode ${mode}`);
} finally {
  await server.stop();
  setTimeout(() => process.exit(0), 500);
}
