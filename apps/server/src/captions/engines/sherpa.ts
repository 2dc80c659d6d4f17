/**
 * sherpa-onnx speech engine (npm `sherpa-onnx-node`, native binaries in `sherpa-onnx-linux-x64`)
 * over a model directory the operator downloaded. Two kinds of model are understood:
 *
 * - a streaming transducer (Zipformer): encoder/decoder/joiner + tokens.txt. One OnlineRecognizer,
 *   one OnlineStream per speaker; partials while decoding, finals at the recognizer's rule-based
 *   endpoints (or flush()). The recommended kind: low delay, little CPU.
 * - an offline Whisper or Moonshine model + silero_vad.onnx: one Silero VAD per speaker cuts
 *   utterances, one shared OfflineRecognizer decodes each; partials re-decode the speech so far.
 *
 * Native failures: given a file that is not a model (say, an HTML page saved as encoder.onnx),
 * sherpa-onnx does not throw — ONNX Runtime's exception escapes through the C API and the whole
 * process aborts (SIGABRT); a valid ONNX file of the wrong kind segfaults (online transducer) or
 * calls exit(-1) (Silero VAD); a missing VAD file gives a null detector that logs and ignores
 * audio. Only a missing recognizer file throws a JS error ("Please check your config!"). So before
 * loading anything in this process we (1) check every file exists and starts like an ONNX
 * ModelProto, and (2) load the same configs in a short-lived child process that also decodes one
 * second of silence; only when that child succeeds do we load here. Both give an EngineError.
 *
 * Vocabulary (hotwords) is ignored: sherpa-onnx biases only transducers decoded with
 * modified_beam_search, and the Node addon binds hotwords per recognizer (a file given at load
 * time), not per stream — one Space's words would need its own copy of the model. Whisper and
 * Moonshine have no hotword support at all.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EngineError, type SpeechEngine, type SpeechStream, type StreamOptions } from '../engine';

const SAMPLE_RATE = 16000;
const RELEASES = 'https://github.com/k2-fsa/sherpa-onnx/releases/tag/asr-models';
const VAD_URL = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/silero_vad.onnx';
const FETCH_HINT =
  `Fetch a model from ${RELEASES} — e.g. sherpa-onnx-streaming-zipformer-en-20M-2023-02-17.tar.bz2 ` +
  '(unpack it with tar xjf) — and point CAPTIONS_MODEL at the unpacked directory.';

// ---------------------------------------------------------------------------------------------
// The parts of sherpa-onnx-node we use (the package ships JSDoc, no TypeScript declarations).

interface Waveform {
  samples: Float32Array;
  sampleRate: number;
}
interface NativeOnlineStream {
  acceptWaveform(wave: Waveform): void;
}
interface OnlineResult {
  text: string;
  /** Token times in seconds from the start of the current segment. */
  timestamps?: number[];
  /** Start of the current segment in seconds of audio the stream has been fed. */
  start_time?: number;
}
interface NativeOnlineRecognizer {
  createStream(): NativeOnlineStream;
  isReady(stream: NativeOnlineStream): boolean;
  decode(stream: NativeOnlineStream): void;
  isEndpoint(stream: NativeOnlineStream): boolean;
  reset(stream: NativeOnlineStream): void;
  getResult(stream: NativeOnlineStream): OnlineResult;
}
interface NativeOfflineStream {
  acceptWaveform(wave: Waveform): void;
}
interface NativeOfflineRecognizer {
  createStream(): NativeOfflineStream;
  decode(stream: NativeOfflineStream): void;
  getResult(stream: NativeOfflineStream): { text: string };
}
interface NativeVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): { start: number; samples: Float32Array };
  pop(): void;
  flush(): void;
}
interface SherpaOnnx {
  OnlineRecognizer: new (config: OnlineRecognizerConfig) => NativeOnlineRecognizer;
  OfflineRecognizer: new (config: OfflineRecognizerConfig) => NativeOfflineRecognizer;
  Vad: new (config: VadConfig, bufferSizeInSeconds: number) => NativeVad;
}

interface OnlineRecognizerConfig {
  featConfig: { sampleRate: number; featureDim: number };
  modelConfig: {
    transducer: { encoder: string; decoder: string; joiner: string };
    tokens: string;
    numThreads: number;
    provider: 'cpu';
    debug: 0;
  };
  decodingMethod: 'greedy_search';
  maxActivePaths: number;
  enableEndpoint: true;
  rule1MinTrailingSilence: number;
  rule2MinTrailingSilence: number;
  rule3MinUtteranceLength: number;
}
interface OfflineRecognizerConfig {
  featConfig: { sampleRate: number; featureDim: number };
  modelConfig: {
    whisper?: { encoder: string; decoder: string };
    moonshine?: { preprocessor: string; encoder: string; uncachedDecoder: string; cachedDecoder: string };
    tokens: string;
    numThreads: number;
    provider: 'cpu';
    debug: 0;
  };
}
interface VadConfig {
  sileroVad: {
    model: string;
    threshold: number;
    minSilenceDuration: number;
    minSpeechDuration: number;
    maxSpeechDuration: number;
    windowSize: number;
  };
  sampleRate: number;
  numThreads: number;
  provider: 'cpu';
  debug: false;
}

const requireHere = createRequire(import.meta.url);

function loadAddon(): { sherpa: SherpaOnnx; packagePath: string } {
  try {
    const packagePath = requireHere.resolve('sherpa-onnx-node');
    return { sherpa: requireHere(packagePath) as SherpaOnnx, packagePath };
  } catch (err) {
    throw new EngineError(
      `sherpa-onnx-node could not be loaded (${(err as Error).message.split('\n')[0]}). ` +
        'Run npm install; the native binaries come in the sherpa-onnx-linux-x64 package (Linux x64 only here).',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Which model is in the directory.

export type SherpaModel =
  | { kind: 'transducer'; dir: string; encoder: string; decoder: string; joiner: string; tokens: string }
  | { kind: 'whisper'; dir: string; encoder: string; decoder: string; tokens: string; vad: string }
  | {
      kind: 'moonshine';
      dir: string;
      preprocessor: string;
      encoder: string;
      uncachedDecoder: string;
      cachedDecoder: string;
      tokens: string;
      vad: string;
    };

const EXPECTED =
  '(a) a streaming transducer: encoder*.onnx, decoder*.onnx, joiner*.onnx and tokens.txt; ' +
  '(b) Whisper: <size>-encoder*.onnx, <size>-decoder*.onnx, <size>-tokens.txt and silero_vad.onnx; ' +
  '(c) Moonshine: preprocess.onnx, encode*.onnx, uncached_decode*.onnx, cached_decode*.onnx, tokens.txt ' +
  'and silero_vad.onnx';

/** int8 first (smaller, faster on CPU), then plain, then other variants (fp16…); then by name. */
function pick(files: string[], test: (name: string) => boolean): string | undefined {
  const rank = (f: string) => (f.includes('.int8.') ? 0 : /\.(fp16|fp32|float16|bf16)\./.test(f) ? 2 : 1);
  return files.filter(test).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
}

/** Finds the model files in `dir` (throws an EngineError naming what is missing). */
export function detectSherpaModel(modelDir: string): SherpaModel {
  const dir = path.resolve(modelDir);
  if (!existsSync(dir)) {
    throw new EngineError(`sherpa-onnx model directory ${dir} does not exist. ${FETCH_HINT}`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new EngineError(
      `sherpa-onnx model path ${dir} is a file, not a directory. ` +
        `Unpack the model archive (tar xjf <name>.tar.bz2) and point CAPTIONS_MODEL at the directory it creates. ${FETCH_HINT}`,
    );
  }
  let files: string[];
  try {
    // statSync throws on a dangling symlink: such a file is as good as missing.
    files = readdirSync(dir).filter((f) => statSync(path.join(dir, f), { throwIfNoEntry: false })?.isFile());
  } catch (err) {
    throw new EngineError(`sherpa-onnx model directory ${dir} cannot be read: ${(err as Error).message}`);
  }
  const at = (f: string) => path.join(dir, f);
  const onnx = (re: RegExp) => (f: string) => f.endsWith('.onnx') && re.test(f);
  const missing = (kind: string, what: string[]) =>
    new EngineError(
      `sherpa-onnx model directory ${dir} looks like a ${kind} model but has no ${what.join(', no ')}. ` +
        `It has: ${files.join(', ') || 'nothing'}. ${kind === 'streaming transducer' ? FETCH_HINT : `Fetch the missing file(s) from ${RELEASES}.`}`,
    );
  const needVad = (kind: string) => {
    if (files.includes('silero_vad.onnx')) return at('silero_vad.onnx');
    throw new EngineError(
      `sherpa-onnx model directory ${dir} holds a ${kind} model, which needs a voice-activity detector: ` +
        `download ${VAD_URL} into ${dir} (as silero_vad.onnx).`,
    );
  };

  // (a) streaming transducer: encoder-epoch-99-avg-1.int8.onnx, decoder-…, joiner-…, tokens.txt
  // Some archives hold several variants (…-chunk-16-left-64 and …-left-128): keep the three alike.
  const encoder = pick(files, onnx(/^encoder/));
  const variant = encoder?.slice('encoder'.length);
  const sibling = (part: string) =>
    files.find((f) => f === `${part}${variant}`) ?? pick(files, onnx(new RegExp(`^${part}`)));
  const decoder = sibling('decoder');
  const joiner = sibling('joiner');
  if (joiner || (encoder && decoder)) {
    const lacking = [
      !encoder && 'encoder*.onnx',
      !decoder && 'decoder*.onnx',
      !joiner && 'joiner*.onnx',
      !files.includes('tokens.txt') && 'tokens.txt',
    ].filter((x): x is string => typeof x === 'string');
    if (lacking.length > 0 || !encoder || !decoder || !joiner) throw missing('streaming transducer', lacking);
    return {
      kind: 'transducer',
      dir,
      encoder: at(encoder),
      decoder: at(decoder),
      joiner: at(joiner),
      tokens: at('tokens.txt'),
    };
  }

  // (c) Moonshine: preprocess.onnx, encode.int8.onnx, uncached_decode.int8.onnx, cached_decode.int8.onnx
  const pre = pick(files, onnx(/^preprocess/));
  const enc = pick(files, onnx(/^encode(?!r)/));
  const uncached = pick(files, onnx(/^uncached_decode/));
  const cached = pick(files, onnx(/^cached_decode/));
  if (pre || uncached || cached) {
    const lacking = [
      !pre && 'preprocess.onnx',
      !enc && 'encode*.onnx',
      !uncached && 'uncached_decode*.onnx',
      !cached && 'cached_decode*.onnx',
      !files.includes('tokens.txt') && 'tokens.txt',
    ].filter((x): x is string => typeof x === 'string');
    if (lacking.length > 0 || !pre || !enc || !uncached || !cached) throw missing('Moonshine', lacking);
    return {
      kind: 'moonshine',
      dir,
      preprocessor: at(pre),
      encoder: at(enc),
      uncachedDecoder: at(uncached),
      cachedDecoder: at(cached),
      tokens: at('tokens.txt'),
      vad: needVad('Moonshine'),
    };
  }

  // (b) Whisper: tiny.en-encoder.int8.onnx, tiny.en-decoder.int8.onnx, tiny.en-tokens.txt
  const wEncoder = pick(files, onnx(/.-encoder/));
  const prefix = wEncoder?.slice(0, wEncoder.indexOf('-encoder'));
  const wDecoder = pick(files, (f) => onnx(/.-decoder/)(f) && (prefix === undefined || f.startsWith(`${prefix}-`)));
  const wTokens = files.find((f) => f === `${prefix}-tokens.txt`) ?? files.find((f) => f.endsWith('-tokens.txt'));
  if (wEncoder || wDecoder || wTokens) {
    const lacking = [
      !wEncoder && '<size>-encoder*.onnx',
      !wDecoder && `${prefix ?? '<size>'}-decoder*.onnx`,
      !wTokens && `${prefix ?? '<size>'}-tokens.txt`,
    ].filter((x): x is string => typeof x === 'string');
    if (lacking.length > 0 || !wEncoder || !wDecoder || !wTokens) throw missing('Whisper', lacking);
    return {
      kind: 'whisper',
      dir,
      encoder: at(wEncoder),
      decoder: at(wDecoder),
      tokens: at(wTokens),
      vad: needVad('Whisper'),
    };
  }

  throw new EngineError(
    `sherpa-onnx model directory ${dir} holds no model this server understands ` +
      `(it has: ${files.join(', ') || 'nothing'}). Expected one of: ${EXPECTED}. ${FETCH_HINT}`,
  );
}

// ---------------------------------------------------------------------------------------------
// File checks: a wrong file must give an EngineError, never reach native code (which aborts).

function head(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * An ONNX file is a protobuf ModelProto whose first field is ir_version (field 1, varint): byte
 * 0x08, then a small version number (3…12 today). Git LFS pointers, HTML error pages, archives and
 * truncated downloads all fail this.
 */
export function checkOnnxFile(file: string): void {
  const size = statSync(file).size;
  const start = head(file, 64);
  const text = start.toString('latin1');
  if (text.startsWith('version https://git-lfs')) {
    throw new EngineError(
      `${file} is a Git LFS pointer, not the model itself. Download the release archive from ${RELEASES} ` +
        '(or run git lfs pull in a git clone of the model).',
    );
  }
  if (size < 1024) {
    throw new EngineError(
      `${file} is not an ONNX model (only ${size} bytes; a truncated or failed download?). Download it again from ${RELEASES}.`,
    );
  }
  const irVersion = start[1] ?? 0;
  if (start[0] !== 0x08 || irVersion < 1 || irVersion > 63) {
    const looksLike = /^\s*</.test(text) ? ' (it looks like an HTML page)' : '';
    throw new EngineError(
      `${file} is not an ONNX model: it does not start like one${looksLike}. Download it again from ${RELEASES}.`,
    );
  }
}

/** tokens.txt: one "<token> <id>" per line. */
export function checkTokensFile(file: string): void {
  const start = head(file, 4096);
  const firstLine = start.toString('utf8').split('\n')[0] ?? '';
  if (start.length === 0 || start.includes(0) || !/\S.*\s\d+\s*$|^\s\d+\s*$/.test(firstLine)) {
    throw new EngineError(
      `${file} is not a sherpa-onnx tokens file (expected lines of "<token> <id>"). ` +
        `Take tokens.txt from the same model archive (${RELEASES}).`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Loading in a throwaway child first: if native code aborts, only the child dies.

const PROBE_SCRIPT = `
const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const sherpa = require(input.packagePath);
const silence = new Float32Array(16000);
const step = (s) => process.stdout.write(s + '\\n');
if (input.vad) {
  step('vad');
  const vad = new sherpa.Vad(input.vad, 30);
  for (let i = 0; i + 512 <= silence.length; i += 512) vad.acceptWaveform(silence.subarray(i, i + 512));
  vad.flush();
}
if (input.online) {
  step('recognizer');
  const r = new sherpa.OnlineRecognizer(input.online);
  const s = r.createStream();
  step('decode');
  s.acceptWaveform({ samples: silence, sampleRate: 16000 });
  while (r.isReady(s)) r.decode(s);
  r.getResult(s);
}
if (input.offline) {
  step('recognizer');
  const r = new sherpa.OfflineRecognizer(input.offline);
  const s = r.createStream();
  step('decode');
  s.acceptWaveform({ samples: silence, sampleRate: 16000 });
  r.decode(s);
  r.getResult(s);
}
step('ok');
`;

function probe(
  dir: string,
  packagePath: string,
  configs: { vad?: VadConfig; online?: OnlineRecognizerConfig; offline?: OfflineRecognizerConfig },
): void {
  const child = spawnSync(process.execPath, ['-e', PROBE_SCRIPT], {
    input: JSON.stringify({ packagePath, ...configs }),
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const steps = (child.stdout ?? '').trim().split('\n');
  const stderr = (child.stderr ?? '').trim();
  // The offline recognizers catch ONNX Runtime errors while decoding and return an empty result:
  // a model of the wrong shape then "works" but never recognizes anything.
  const caught = /Caught exception/.test(stderr);
  if (child.status === 0 && steps.at(-1) === 'ok' && !caught) return;
  const stage = { vad: 'loading silero_vad.onnx', recognizer: 'loading the model', decode: 'decoding' }[
    steps.at(-1) ?? ''
  ];
  const how = child.error
    ? `the check process failed: ${child.error.message}`
    : child.signal
      ? `native code crashed the process (${child.signal}) while ${stage ?? 'starting'}`
      : caught
        ? 'the model failed while decoding'
        : `it failed while ${stage ?? 'starting'} (exit code ${child.status})`;
  const detail = stderr
    .split('\n')
    .filter((l) => l.trim() && !l.includes('node:internal') && !/^\s+at /.test(l))
    .slice(-4)
    .join(' | ')
    .slice(0, 800);
  throw new EngineError(
    `sherpa-onnx could not use the model in ${dir}: ${how}${detail ? ` — ${detail}` : ''}. ` +
      'The files may be corrupt, mixed from different models, or a different kind of model than their names ' +
      `suggest (e.g. a non-streaming zipformer: take one whose name has "streaming"). ${FETCH_HINT}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Shared helpers.

function toFloat(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] ?? 0) / 32768;
  return out;
}

/** All-caps model output (the English zipformers) reads better lowercased; cased output is kept. */
function tidy(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return /[a-z]/.test(t) ? t : t.toLowerCase();
}

const ms = (samples: number) => Math.round((samples * 1000) / SAMPLE_RATE);

interface Closable {
  stop(): void;
}

function engineOf(name: string, open: (options: StreamOptions) => SpeechStream & Closable): SpeechEngine {
  const streams = new Set<SpeechStream>();
  let closed = false;
  return {
    name,
    sampleRate: SAMPLE_RATE,
    start(options) {
      if (closed) throw new EngineError('the sherpa-onnx engine is closed');
      const inner = open(options);
      const stream: SpeechStream = {
        write: (pcm) => inner.write(pcm),
        flush: () => inner.flush(),
        stop: () => {
          if (!streams.delete(stream)) return;
          inner.stop();
        },
      };
      streams.add(stream);
      return stream;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const s of [...streams]) s.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Streaming transducer.

/** Silence appended on flush() so the encoder's look-ahead lets the last words out (as sherpa's examples do). */
const TAIL_PADDING = 0.5 * SAMPLE_RATE;

function transducerEngine(sherpa: SherpaOnnx, config: OnlineRecognizerConfig): SpeechEngine {
  const recognizer = new sherpa.OnlineRecognizer(config);
  return engineOf('sherpa-onnx', ({ onResult }) => {
    let native: NativeOnlineStream | null = recognizer.createStream();
    let written = 0; // samples written by the caller (the stream's clock)
    let fed = 0; // samples fed to sherpa, tail padding included (sherpa's clock)
    let segmentStartFed = 0; // `fed` when the current segment began (fallback for start_time)
    let lastText = '';
    let dirty = false; // audio since the last final/reset

    // Token times come on sherpa's clock; padding we added makes it run ahead of ours.
    const times = (r: OnlineResult, final: boolean): { startMs: number; endMs: number } => {
      const now = written;
      const lag = fed - written; // padding added so far (constant within a segment, until flush)
      const segStart = typeof r.start_time === 'number' ? r.start_time * SAMPLE_RATE : segmentStartFed;
      const ts = r.timestamps ?? [];
      const first = ts[0];
      const last = ts.at(-1);
      const clamp = (s: number) => Math.min(now, Math.max(0, s));
      const start = first === undefined ? clamp(segmentStartFed - lag) : clamp(segStart + first * SAMPLE_RATE - lag);
      // A token is emitted near its end; the word may run a little past the last one.
      const end = final && last !== undefined ? clamp(segStart + last * SAMPLE_RATE - lag + 0.3 * SAMPLE_RATE) : now;
      return { startMs: ms(start), endMs: ms(Math.max(start, end)) };
    };

    const decode = (s: NativeOnlineStream) => {
      while (recognizer.isReady(s)) recognizer.decode(s);
    };

    const endSegment = (s: NativeOnlineStream, r: OnlineResult) => {
      const text = tidy(r.text);
      if (text) onResult({ text, final: true, ...times(r, true) });
      recognizer.reset(s);
      segmentStartFed = fed;
      lastText = '';
      dirty = false;
    };

    return {
      write(pcm) {
        const s = native;
        if (!s || pcm.length === 0) return;
        written += pcm.length;
        fed += pcm.length;
        dirty = true;
        s.acceptWaveform({ samples: toFloat(pcm), sampleRate: SAMPLE_RATE });
        decode(s);
        const r = recognizer.getResult(s);
        if (recognizer.isEndpoint(s)) {
          endSegment(s, r);
          return;
        }
        const text = tidy(r.text);
        if (text && text !== lastText) {
          lastText = text;
          onResult({ text, final: false, ...times(r, false) });
        }
      },
      flush() {
        const s = native;
        if (!s || !dirty) return;
        s.acceptWaveform({ samples: new Float32Array(TAIL_PADDING), sampleRate: SAMPLE_RATE });
        decode(s);
        const r = recognizer.getResult(s);
        // Times of this segment are computed before the padding counts as lag.
        const text = tidy(r.text);
        if (text) onResult({ text, final: true, ...times(r, true) });
        fed += TAIL_PADDING;
        recognizer.reset(s);
        segmentStartFed = fed;
        lastText = '';
        dirty = false;
      },
      stop() {
        this.flush();
        // The addon frees the native stream when its handle is collected; drop ours.
        native = null;
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Offline model (Whisper / Moonshine) cut by Silero VAD.

const VAD_WINDOW = 512; // Silero's window at 16 kHz
const MIN_SPEECH = 0.25; // s
/** Whisper sees at most 30 s; long monologues are cut well before. */
const MAX_UTTERANCE = 20 * SAMPLE_RATE;
const PARTIAL_EVERY = 1 * SAMPLE_RATE;

/** The last `capacity` samples written, addressed by absolute sample index. */
class AudioTail {
  readonly #buf: Float32Array;
  #end = 0; // absolute index one past the newest sample
  constructor(capacity: number) {
    this.#buf = new Float32Array(capacity);
  }
  push(samples: Float32Array): void {
    const cap = this.#buf.length;
    for (let i = 0; i < samples.length; i++) this.#buf[(this.#end + i) % cap] = samples[i] ?? 0;
    this.#end += samples.length;
  }
  /** Samples [from, end), clipped to what is still held. */
  since(from: number): Float32Array {
    const cap = this.#buf.length;
    const start = Math.max(from, this.#end - cap, 0);
    const out = new Float32Array(this.#end - start);
    for (let i = 0; i < out.length; i++) out[i] = this.#buf[(start + i) % cap] ?? 0;
    return out;
  }
}

function vadEngine(sherpa: SherpaOnnx, config: OfflineRecognizerConfig, vadConfig: VadConfig): SpeechEngine {
  const recognizer = new sherpa.OfflineRecognizer(config);
  const recognize = (samples: Float32Array): string => {
    const s = recognizer.createStream();
    s.acceptWaveform({ samples, sampleRate: SAMPLE_RATE });
    recognizer.decode(s);
    const text = tidy(recognizer.getResult(s).text);
    // Whisper writes "[BLANK_AUDIO]", "(music)"… for non-speech: not words.
    return /^[[(].*[\])]$/.test(text) ? '' : text;
  };

  return engineOf('sherpa-onnx', ({ onResult }) => {
    // One VAD per speaker (it has state); it counts samples from its creation, like `written`.
    let vad: NativeVad | null = new sherpa.Vad(vadConfig, (MAX_UTTERANCE * 2) / SAMPLE_RATE + 10);
    const tail = new AudioTail(MAX_UTTERANCE + 5 * SAMPLE_RATE);
    let pending = new Float32Array(0); // < one VAD window not yet fed
    let written = 0;
    let speechStart: number | null = null; // estimated start of the speech the VAD is inside
    let lastPartialAt = 0; // `written` at the last partial decode
    let nextPartialWall = 0; // performance.now() before which no partial decode (keeps CPU bounded)
    let lastText = '';

    const finals = (v: NativeVad) => {
      while (!v.isEmpty()) {
        const segment = v.front(false);
        v.pop();
        const text = recognize(segment.samples);
        if (text) {
          onResult({
            text,
            final: true,
            startMs: ms(segment.start),
            endMs: ms(segment.start + segment.samples.length),
          });
        }
        speechStart = null;
        lastText = '';
      }
    };

    const partial = () => {
      if (speechStart === null) return;
      if (written - lastPartialAt < PARTIAL_EVERY || written - speechStart < PARTIAL_EVERY / 2) return;
      const now = performance.now();
      if (now < nextPartialWall) return;
      lastPartialAt = written;
      const text = recognize(tail.since(speechStart));
      const took = performance.now() - now;
      // A decode may cost most of a second on one core (Whisper pads to 30 s): never spend more
      // than about half the time on partials.
      nextPartialWall = performance.now() + took;
      if (text && text !== lastText) {
        lastText = text;
        onResult({ text, final: false, startMs: ms(speechStart), endMs: ms(written) });
      }
    };

    return {
      write(pcm) {
        const v = vad;
        if (!v || pcm.length === 0) return;
        const samples = toFloat(pcm);
        tail.push(samples);
        written += pcm.length;
        // The VAD wants whole windows; keep the remainder for the next write.
        const all = new Float32Array(pending.length + samples.length);
        all.set(pending);
        all.set(samples, pending.length);
        let i = 0;
        for (; i + VAD_WINDOW <= all.length; i += VAD_WINDOW) v.acceptWaveform(all.subarray(i, i + VAD_WINDOW));
        pending = all.slice(i);
        finals(v);
        if (v.isDetected()) {
          // Silero marks speech a little after it begins; it keeps 2 windows + min speech before.
          speechStart ??= Math.max(0, written - pending.length - 3 * VAD_WINDOW - MIN_SPEECH * SAMPLE_RATE);
          if (written - speechStart > MAX_UTTERANCE) {
            v.flush();
            finals(v);
          } else {
            partial();
          }
        } else {
          speechStart = null;
          lastText = '';
        }
      },
      flush() {
        const v = vad;
        if (!v) return;
        v.flush();
        finals(v);
        speechStart = null;
        lastText = '';
      },
      stop() {
        this.flush();
        vad = null; // freed by the addon when collected
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------

/**
 * Loads the sherpa-onnx model in `modelDir` (see the file comment for the kinds understood).
 * Throws an EngineError that says what to fetch when the directory or a file is wrong.
 */
export function loadSherpaOnnx(modelDir: string): SpeechEngine {
  const model = detectSherpaModel(modelDir);
  const onnxFiles =
    model.kind === 'transducer'
      ? [model.encoder, model.decoder, model.joiner]
      : model.kind === 'whisper'
        ? [model.encoder, model.decoder, model.vad]
        : [model.preprocessor, model.encoder, model.uncachedDecoder, model.cachedDecoder, model.vad];
  for (const f of onnxFiles) checkOnnxFile(f);
  checkTokensFile(model.tokens);

  const { sherpa, packagePath } = loadAddon();
  const common = { tokens: model.tokens, numThreads: 1, provider: 'cpu', debug: 0 } as const;
  const featConfig = { sampleRate: SAMPLE_RATE, featureDim: 80 };

  if (model.kind === 'transducer') {
    const online: OnlineRecognizerConfig = {
      featConfig,
      modelConfig: {
        transducer: { encoder: model.encoder, decoder: model.decoder, joiner: model.joiner },
        ...common,
      },
      decodingMethod: 'greedy_search',
      maxActivePaths: 4,
      enableEndpoint: true,
      // Rule 1: 2.4 s of silence with nothing recognized ends the segment (no result).
      rule1MinTrailingSilence: 2.4,
      // Rule 2: after words, a 1 s pause ends the utterance — a caption line, not a paragraph.
      rule2MinTrailingSilence: 1.0,
      // Rule 3: no utterance longer than 20 s.
      rule3MinUtteranceLength: 20,
    };
    probe(model.dir, packagePath, { online });
    return transducerEngine(sherpa, online);
  }

  const vad: VadConfig = {
    sileroVad: {
      model: model.vad,
      threshold: 0.5,
      minSilenceDuration: 0.5,
      minSpeechDuration: MIN_SPEECH,
      // Past this, Silero looks harder for a pause to cut at (shorter silence, higher threshold).
      maxSpeechDuration: 10,
      windowSize: VAD_WINDOW,
    },
    sampleRate: SAMPLE_RATE,
    numThreads: 1,
    provider: 'cpu',
    debug: false,
  };
  const offline: OfflineRecognizerConfig = {
    featConfig,
    modelConfig:
      model.kind === 'whisper'
        ? { whisper: { encoder: model.encoder, decoder: model.decoder }, ...common }
        : {
            moonshine: {
              preprocessor: model.preprocessor,
              encoder: model.encoder,
              uncachedDecoder: model.uncachedDecoder,
              cachedDecoder: model.cachedDecoder,
            },
            ...common,
          },
  };
  probe(model.dir, packagePath, { vad, offline });
  return vadEngine(sherpa, offline, vad);
}
