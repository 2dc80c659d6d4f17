// Benchmark of live captions (issue 6), through the real path: a libwebrtc (wrtc) speaker → WHIP →
// SFU → captions worker (Opus decode → engine) → `caption` messages at a listener's socket.
//   npm run bench:captions -- accuracy [SENTENCES=32]
//     says each corpus sentence (espeak-ng), then waits; WER of the final captions against the
//     sentence, latency from the last sample entering the encoder to the final caption at the
//     listener (p50/p95), and the worker's CPU while one speaker is captioned.
//   npm run bench:captions -- cpu [SECONDS=30]
//     three captioned speakers talk at once; the worker's and the server's CPU.
//   npm run bench:captions -- sweep [search]
//     the engine alone on the corpus (16 kHz PCM, no network) for each setting of its knobs (WER and
//     the CPU it took); `search` tries only the search knobs (HMMs per frame, passes, frame skipping).
// CAPTIONS_ENGINE / CAPTIONS_MODEL pass through to the server (default: PocketSphinx).
import WebSocket from 'ws';
import { loadPocketSphinx, type PocketSphinxOptions } from '../apps/server/src/captions/engines/pocketsphinx';
import { connected, publishSpeech } from '../apps/server/test/media-bots';
import { speak, wordErrorRate } from '../apps/server/test/speech';
import { CORPUS } from './corpus';
import { cpuSeconds, httpSignal, liveStage, now, percentile, sleep, startServer } from './harness';

const [mode = 'accuracy', ...args] = process.argv.slice(2);
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

interface Heard {
  at: number;
  userId: string;
  text: string;
  final: boolean;
}

/** A live Space with captions on, `speakers` consenting people on stage, and a listening socket. */
async function captionedSpace(base: string, speakers: number) {
  const space = { title: 'Open source audio show', topics: ['radio', 'music'], captions: true };
  const { id, cookies } = await liveStage(base, speakers, space);
  const heard: Heard[] = [];
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/spaces/${id}/live`);
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (m.type === 'caption') heard.push({ at: now(), ...m.caption });
  });
  await new Promise((resolve) => ws.once('open', resolve));
  const mics = await Promise.all(cookies.map((c) => publishSpeech(httpSignal(`${base}/api/spaces/${id}/whip`, c))));
  await Promise.all(mics.map((m) => connected(m.pc)));
  return { id, heard, mics, close: () => ws.close() };
}

/** The captions worker's pid (started by the first captioned packet). */
async function workerPid(server: { captionsWorker(): number | undefined }) {
  for (let i = 0; i < 100; i++) {
    const pid = server.captionsWorker();
    if (pid) return pid;
    await sleep(100);
  }
  throw new Error('no captions worker started');
}

/** Index after the last sample louder than −30 dBFS. */
function lastLoud(pcm: Int16Array) {
  let i = pcm.length;
  while (i > 0 && Math.abs(pcm[i - 1] as number) < 1000) i--;
  return i;
}

async function accuracy() {
  const count = Math.min(CORPUS.length, Number(args[0] ?? CORPUS.length));
  const server = await startServer();
  try {
    const { heard, mics, close } = await captionedSpace(server.base, 1);
    const mic = mics[0] as (typeof mics)[number];
    await mic.say(speak('hello')); // starts the worker
    await sleep(3000);
    const pid = await workerPid(server);
    const cpu0 = cpuSeconds(pid);
    const wall0 = now();
    let errors = 0;
    let words = 0;
    let spoken = 0;
    const latencies: number[] = [];
    const lines: string[] = [];
    for (const text of CORPUS.slice(0, count)) {
      const pcm = speak(text);
      spoken += pcm.length / 48_000;
      const from = heard.length;
      await mic.say(pcm);
      // The utterance ended at its last loud sample, before espeak-ng's trailing silence.
      const endAt = now() - ((pcm.length - lastLoud(pcm)) / 48_000) * 1000;
      // Wait for the final(s): until 700 ms pass without a new one, at most 3 s.
      for (;;) {
        await sleep(50);
        const finals = heard.slice(from).filter((h) => h.final);
        const last = finals.at(-1);
        if ((last && now() - last.at > 700) || now() - endAt > 4000) break;
      }
      const finals = heard.slice(from).filter((h) => h.final);
      const said = finals.map((f) => f.text).join(' ');
      const wer = wordErrorRate(text, said);
      errors += wer.errors;
      words += wer.words;
      const last = finals.at(-1);
      if (last) latencies.push(last.at - endAt);
      lines.push(`${text} → ${said || '(nothing)'}`);
    }
    const cpu = cpuSeconds(pid) - cpu0;
    const wall = (now() - wall0) / 1000;
    mic.close();
    close();
    const sorted = latencies.sort((a, b) => a - b);
    console.log(lines.join('\n'));
    return {
      engine: process.env.CAPTIONS_ENGINE ?? 'pocketsphinx',
      sentences: count,
      words,
      word_errors: errors,
      wer_percent: round((errors / words) * 100),
      sentences_with_a_final: latencies.length,
      caption_latency_p50_ms: round(percentile(sorted, 50)),
      caption_latency_p95_ms: round(percentile(sorted, 95)),
      caption_latency_max_ms: round(sorted.at(-1) ?? Number.NaN),
      speech_seconds: round(spoken),
      worker_cpu_percent_of_one_core_while_captioning: round((cpu / wall) * 100),
      worker_cpu_seconds_per_speech_second: round(cpu / spoken, 3),
    };
  } finally {
    await server.stop();
  }
}

async function cpu() {
  const seconds = Number(args[0] ?? 30);
  const server = await startServer();
  try {
    const { heard, mics, close } = await captionedSpace(server.base, 3);
    await Promise.all(mics.map((m) => m.say(speak('hello'))));
    await sleep(3000);
    const pid = await workerPid(server);
    const [w0, s0, t0] = [cpuSeconds(pid), server.cpuSeconds(), now()];
    const end = now() + seconds * 1000;
    // Each speaker talks through the corpus from a different place, with short pauses.
    await Promise.all(
      mics.map(async (mic, k) => {
        for (let i = k * 10; now() < end; i++) {
          await mic.say(speak(CORPUS[i % CORPUS.length] as string));
          await sleep(300);
        }
      }),
    );
    const wall = (now() - t0) / 1000;
    const worker = cpuSeconds(pid) - w0;
    const serverCpu = server.cpuSeconds() - s0;
    for (const m of mics) m.close();
    close();
    return {
      speakers: 3,
      seconds: round(wall),
      finals: heard.filter((h) => h.final).length,
      worker_cpu_percent_of_one_core: round((worker / wall) * 100),
      worker_cpu_percent_per_captioned_speaker: round((worker / wall / 3) * 100),
      server_cpu_percent_of_one_core: round((serverCpu / wall) * 100),
    };
  } finally {
    await server.stop();
  }
}

async function sweep() {
  // As on the real path: 48 kHz speech through an Opus encoder (voip, as browsers), decoded at 16 kHz.
  const { Decoder, Encoder } = await import('@evan/opus');
  const clips = CORPUS.map((text) => {
    const speech = speak(text);
    const padded = new Int16Array(Math.ceil((speech.length + 48_000) / 960) * 960);
    padded.set(speech);
    const encoder = new Encoder({ channels: 1, sample_rate: 48_000, application: 'voip' });
    const decoder = new Decoder({ channels: 1, sample_rate: 16_000 });
    const pcm = new Int16Array(padded.length / 3);
    for (let i = 0; i < padded.length; i += 960) {
      const out = decoder.decode(encoder.encode(padded.subarray(i, i + 960)));
      pcm.set(new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength)), i / 3);
    }
    return { text, pcm };
  });
  const settings: PocketSphinxOptions[] = [];
  if (!args.includes('search'))
    for (const languageWeight of [4, 6.5, 9])
      for (const vadThreshold of [2, 3]) settings.push({ languageWeight, vadThreshold });
  // The search: the second (flat) pass, the lattice's best path, the beams' width and frame skipping
  // trade words for CPU.
  for (const maxHmmPerFrame of [30_000, 10_000, 3000]) settings.push({ maxHmmPerFrame });
  for (const flags of [[['-fwdflat', 'no']], [['-bestpath', 'no']], [['-pl_window', '5']], [['-ds', '2']]] as Array<
    Array<[string, string]>
  >)
    settings.push({ flags });
  const results = [];
  for (const options of settings) {
    const engine = loadPocketSphinx(undefined, options);
    let errors = 0;
    let words = 0;
    const cpu0 = process.cpuUsage();
    // One stream for the corpus, as for a speaker: its cepstral mean adapts over the first seconds.
    let finals: string[] = [];
    const stream = engine.start({ onResult: (r) => r.final && finals.push(r.text) });
    for (const clip of clips) {
      for (let i = 0; i < clip.pcm.length; i += 320) stream.write(clip.pcm.subarray(i, i + 320));
      stream.flush();
      const wer = wordErrorRate(clip.text, finals.join(' '));
      finals = [];
      errors += wer.errors;
      words += wer.words;
    }
    stream.stop();
    results.push({
      ...options,
      wer_percent: round((errors / words) * 100),
      cpu_ms: Math.round(cpuMs(process.cpuUsage(cpu0))),
    });
  }
  return { sentences: clips.length, results };
}

const run = { accuracy, cpu, sweep }[mode];
if (!run) throw new Error(`unknown mode ${mode}: accuracy, cpu or sweep`);
console.log(JSON.stringify({ mode, ...(await run()) }, null, 2));
process.exit(0);
