// Benchmark of the media plane (issue 4). Three modes:
//   npm run bench:fanout -- load SPEAKERS LISTENERS [SECONDS=20]
//     speakers send 50 packets/s each; listeners (node-datachannel, in 2 client processes) count
//     what arrives. Reports server CPU per forwarded packet, delivery ratio, event-loop delay p99.
//     add `speech` to send real Opus speech (espeak-ng) instead of filler bytes, `captions` to also
//     caption every speaker (the Space has captions on; each speaker consents).
//     add `mix` for one-section listeners (the room mix) instead of a track per stage slot.
//   npm run bench:fanout -- tiers SPEAKERS MIX_LISTENERS SLOT_LISTENERS [SECONDS=10]
//     the two listener tiers in one run, each in its own Space with SPEAKERS talking (real Opus
//     speech): per-slot tracks, then the room mix. Reports CPU per listener-second for both.
//   npm run bench:fanout -- latency [CLICKS=30] [slots]
//     mouth-to-ear through the server: a libwebrtc (wrtc) speaker feeds a click into its encoder, a
//     wrtc listener's decoded audio shows it; p50/p95 over the clicks. The listener has one section
//     (the room mix; MIX_FRAME_MS=60 for 60 ms frames), or with `slots` a track per stage slot.
//   npm run bench:fanout -- join [JOINS=40]
//     WHEP POST sent → first audio packet at a node-datachannel listener, while one speaker talks.
// MEDIA_WORKERS=N (default 0 here) runs the server's media plane in N worker processes; CPU then
// counts every process of the server (main, media workers, captions worker).
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { connected, listen, publishAudio } from '../apps/server/test/media-bots';
import { speechPackets } from './corpus';
import { cpuSeconds, here, httpSignal, liveStage, now, percentile, sleep, startServer } from './harness';
import { countingListener, pacedSpeaker } from './media-clients';

const [mode = 'load', ...args] = process.argv.slice(2);
// Load clients answer sender reports, but a loaded machine may delay them: do not reap here.
const mediaWorkers = process.env.MEDIA_WORKERS ?? '0';
const server = await startServer({
  MEDIA_PEER_TIMEOUT_MS: '120000',
  MIX_FRAME_MS: process.env.MIX_FRAME_MS ?? '20',
  MEDIA_WORKERS: mediaWorkers,
  MEDIA_PORT: process.env.MEDIA_PORT ?? '0',
});
const base = server.base;
const children: ChildProcess[] = [];
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** A live Space with `speakers` people on stage, all unmuted (and captioned if asked). */
const stage = (speakers: number, captions = false) => liveStage(base, speakers, { title: 'Fan-out', captions });

async function load() {
  const captions = args.includes('captions');
  const payloads = captions || args.includes('speech') ? await speechPackets() : undefined;
  return measure({
    speakers: Number(args[0] ?? 1),
    listeners: Number(args[1] ?? 1000),
    seconds: Number(args[2] ?? 20),
    captions,
    payloads,
    mix: args.includes('mix'),
  });
}

async function tiers() {
  const speakers = Number(args[0] ?? 3);
  const seconds = Number(args[3] ?? 10);
  const payloads = await speechPackets();
  const common = { speakers, seconds, captions: false, payloads };
  const slots = await measure({ ...common, listeners: Number(args[2] ?? 300), mix: false });
  const mixed = await measure({ ...common, listeners: Number(args[1] ?? 1000), mix: true });
  const perSlot = slots.server_cpu_us_per_listener_second;
  const perMix = mixed.server_cpu_us_per_listener_second;
  return {
    per_slot: slots,
    mix: mixed,
    mix_listeners_per_core: Math.round(1e6 / perMix),
    per_slot_listeners_per_core: Math.round(1e6 / perSlot),
    mix_advantage: round(perSlot / perMix, 2),
  };
}

async function measure(o: {
  speakers: number;
  listeners: number;
  seconds: number;
  captions: boolean;
  payloads?: Buffer[];
  mix: boolean;
}) {
  const { speakers, listeners, seconds, captions, payloads } = o;
  const { id, cookies, stageSize } = await stage(speakers, captions);
  // Each speaker starts at a different place in the speech.
  const mics = await Promise.all(
    cookies.map((c, i) =>
      pacedSpeaker(base, id, c, payloads && [...payloads.slice(i * 150), ...payloads.slice(0, i * 150)]),
    ),
  );
  // The mix: one section. Otherwise a track per stage slot.
  const sections = o.mix ? 1 : stageSize;
  const frameMs = Number(process.env.MIX_FRAME_MS ?? 20);
  const workers = 2;
  const counts: Array<{ received: number; silent: number }> = [];
  let retries = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const share = Math.floor(listeners / workers) + (w < listeners % workers ? 1 : 0);
      const child = fork(path.join(here, 'fanout-listeners.ts'), [base, id, String(share), String(sections)], {
        execArgv: ['--import', 'tsx'],
      });
      children.push(child);
      child.on('message', (m: { type: string; received: number; silent: number }) => {
        if (m.type === 'count') counts.push(m);
      });
      return new Promise<void>((resolve, reject) => {
        child.on('message', (m: { type: string; retries: number }) => {
          if (m.type !== 'ready') return;
          retries += m.retries;
          resolve();
        });
        child.on('exit', (code) => reject(new Error(`listener process exited ${code}`)));
      });
    }),
  );
  console.log(`${listeners} listeners joined in ${((now() - t0) / 1000).toFixed(1)} s`);
  // Warm up for 2 s, then measure.
  const tick = (until: number) =>
    new Promise<void>((resolve) => {
      let next = now();
      const step = () => {
        for (const m of mics) m.send();
        next += 20;
        if (next >= until) return resolve();
        setTimeout(step, Math.max(0, next - now()));
      };
      step();
    });
  await tick(now() + 2000);
  await sleep(1500); // let the clients drain the warm-up before counting starts
  for (const c of children) c.send({ type: 'reset' });
  await sleep(100);
  await server.metric('earshot_nodejs_eventloop_lag_p99_seconds'); // resets the event-loop histogram
  const forwarded0 = await server.metric('earshot_media_forwarded_packets_total');
  const sent0 = mics.reduce((a, m) => a + m.sent, 0);
  const cpu0 = server.cpuSeconds();
  const worker = server.captionsWorker();
  const workerCpu0 = worker ? cpuSeconds(worker) : 0;
  const media = server.mediaWorkers();
  const mediaCpu0 = media.map(cpuSeconds);
  const mixBusy0 = await server.metric('earshot_media_mix_busy_seconds');
  const wall0 = now();
  await tick(now() + seconds * 1000);
  // The mix keeps sending (silence) after the speakers stop: count it now, over the time since the reset.
  if (o.mix) for (const c of children) c.send({ type: 'count' });
  const mixCountedMs = now() - wall0 + 100;
  const sent = mics.reduce((a, m) => a + m.sent, 0) - sent0;
  const cpu = server.cpuSeconds() - cpu0;
  const workerCpu = worker ? cpuSeconds(worker) - workerCpu0 : 0;
  const mediaCpu = media.map((pid, i) => cpuSeconds(pid) - (mediaCpu0[i] ?? 0));
  const allCpu = cpu + workerCpu + mediaCpu.reduce((a, b) => a + b, 0);
  const wall = (now() - wall0) / 1000;
  // prom-client's figures include the histogram's 10 ms sampling interval: subtract it.
  const loop = await server.metrics(['p50', 'p99', 'max'].map((p) => `earshot_nodejs_eventloop_lag_${p}_seconds`));
  const lagMs = (v: number | undefined) => round(Math.max(0, (v ?? Number.NaN) - 0.01) * 1000, 1);
  const mixBusy = (await server.metric('earshot_media_mix_busy_seconds')) - mixBusy0;
  if (!o.mix) {
    await sleep(1000); // the clients may still be reading their queues (a keepalive follows after 2 s)
    for (const c of children) c.send({ type: 'count' });
  }
  const forwarded = (await server.metric('earshot_media_forwarded_packets_total')) - forwarded0;
  while (counts.length < workers) await sleep(50);
  const received = counts.reduce((a, c) => a + c.received, 0);
  const expected = o.mix ? Math.round((mixCountedMs / frameMs) * listeners) : sent * listeners;
  await stopListeners();
  return {
    tier: o.mix ? `room mix (${frameMs} ms frames)` : `per-slot tracks (${sections})`,
    media_workers: Number(mediaWorkers),
    speakers,
    listeners,
    seconds,
    audio: payloads ? 'speech' : 'filler bytes',
    captioned_speakers: captions ? speakers : 0,
    captions_worker_cpu_percent_of_one_core: round((workerCpu / wall) * 100),
    packets_sent_by_speakers: sent,
    packets_expected_at_listeners: expected,
    packets_forwarded_by_server: forwarded,
    packets_received: received,
    delivered_percent: round((received / expected) * 100, 2),
    client_joins_retried: retries,
    listeners_hearing_nothing: counts.reduce((a, c) => a + c.silent, 0),
    main_process_cpu_percent_of_one_core: round((cpu / wall) * 100),
    media_worker_cpu_percent_of_one_core: mediaCpu.map((c) => round((c / wall) * 100)),
    server_cpu_percent_of_one_core: round((allCpu / wall) * 100),
    server_cpu_us_per_delivered_packet: round((allCpu / received) * 1e6, 2),
    server_cpu_us_per_listener_second: round((allCpu / (listeners * wall)) * 1e6, 1),
    mixer_busy_percent_of_one_core: round((mixBusy / wall) * 100, 2),
    server_event_loop_delay_p50_ms: lagMs(loop[0]),
    server_event_loop_delay_p99_ms: lagMs(loop[1]),
    server_event_loop_delay_max_ms: lagMs(loop[2]),
  };
}

/**
 * Ends the load clients' sessions properly and waits until the server has let go of them: peers
 * left to time out would close in the middle of the next measurement (a burst of closes blocks).
 */
async function stopListeners() {
  const exits = children.splice(0).map(
    (c) =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.send({ type: 'stop' });
        setTimeout(() => {
          c.kill('SIGKILL');
          resolve();
        }, 15_000).unref();
      }),
  );
  await Promise.all(exits);
  const subscribers = async () =>
    (await (await fetch(`${base}/metrics`)).text())
      .split('\n')
      .filter((l) => l.startsWith('earshot_media_peers{kind="subscriber"'))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
  for (let i = 0; i < 100 && (await subscribers()) > 0; i++) await sleep(200);
}

/** p50, p95 and max of a list of milliseconds. */
function spread(times: number[], name: string) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    [`${name}_p50_ms`]: round(percentile(sorted, 50)),
    [`${name}_p95_ms`]: round(percentile(sorted, 95)),
    max_ms: round(sorted.at(-1) ?? Number.NaN),
  };
}

async function latency() {
  const clicks = Number(args[0] ?? 30);
  const { id, cookies, stageSize } = await stage(1);
  // The speaker feeds silence; a click is 20 ms of a loud 1 kHz tone, timed as it enters the encoder.
  let clickFrames = 0;
  let clickedAt = 0;
  let phase = 0;
  const speaker = await publishAudio(httpSignal(`${base}/api/spaces/${id}/whip`, cookies[0]), (samples) => {
    if (clickFrames === 0) return;
    if (clickedAt === 0) clickedAt = Date.now();
    for (let i = 0; i < samples.length; i++) {
      phase += (2 * Math.PI * 1000) / 48000;
      samples[i] = Math.round(Math.sin(phase) * 20000);
    }
    clickFrames -= 1;
  });
  let heardAt = 0;
  const slots = args.includes('slots');
  const ears = await listen(httpSignal(`${base}/api/spaces/${id}/whep`), slots ? stageSize : 1, (rms, at) => {
    if (rms > 3000 && heardAt === 0) heardAt = at;
  });
  await Promise.all([connected(speaker.pc), connected(ears.pc)]);
  await sleep(1500);
  const results: number[] = [];
  for (let i = 0; i < clicks; i++) {
    heardAt = 0;
    clickedAt = 0;
    clickFrames = 2;
    const start = now();
    while (heardAt === 0 && now() - start < 2000) await sleep(2);
    if (heardAt > 0) results.push(heardAt - clickedAt);
    await sleep(400 + Math.random() * 100);
  }
  speaker.close();
  ears.close();
  return {
    listener: slots ? 'per-slot tracks' : `room mix (${process.env.MIX_FRAME_MS ?? 20} ms frames)`,
    clicks,
    heard: results.length,
    ...spread(results, 'mouth_to_ear'),
  };
}

async function join() {
  const joins = Number(args[0] ?? 40);
  const { id, cookies } = await stage(1);
  const mic = await pacedSpeaker(base, id, cookies[0] ?? '');
  const talking = setInterval(() => mic.send(), 20);
  const times: number[] = [];
  for (let i = 0; i < joins; i++) {
    const listener = await countingListener(base, id, 1);
    const start = now();
    while (listener.received === 0 && now() - start < 3000) await sleep(1);
    if (listener.received > 0) times.push(listener.firstPacketAt - listener.postedAt);
    listener.pc.close();
    await sleep(100);
  }
  clearInterval(talking);
  mic.pc.close();
  return { joins, got_audio: times.length, ...spread(times, 'join') };
}

try {
  const run = { load, tiers, latency, join }[mode];
  if (!run) throw new Error(`unknown mode ${mode}: load, tiers, latency or join`);
  console.log(JSON.stringify({ mode, ...(await run()) }, null, 2));
} catch (err) {
  console.error(err); // process.exit below would swallow it
} finally {
  for (const c of children) c.kill('SIGKILL');
  await server.stop();
  process.exit(0);
}
