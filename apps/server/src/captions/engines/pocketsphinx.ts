import { existsSync } from 'node:fs';
import path from 'node:path';
import koffi, { type LibraryHandle } from 'koffi';
import { EngineError, type SpeechEngine, type SpeechStream, type StreamOptions } from '../engine';

/** Debian's pocketsphinx-en-us puts the US English model here. */
export const DEBIAN_MODEL = '/usr/share/pocketsphinx/model/en-us';
const INSTALL = 'install it with `apt-get install pocketsphinx pocketsphinx-en-us`';
const SAMPLE_RATE = 16_000;
/** A frame is 10 ms; pocketsphinx's VAD keeps this many frames before/after speech. */
const FRAME_MS = 10;
/** How often a partial is asked for (a backtrace of the search so far). */
const PARTIAL_EVERY_MS = 300;

export interface PocketSphinxOptions {
  /** Language weight: how much the language model counts against the acoustics (pocketsphinx's -lw). */
  languageWeight?: number;
  /** Frames of silence that end an utterance (-vad_postspeech, 10 ms each). */
  postSpeechFrames?: number;
  /** Speech/noise threshold of the VAD in dB-ish units (-vad_threshold). */
  vadThreshold?: number;
  /**
   * Most HMMs the search keeps per frame (-maxhmmpf, its default 30,000): 10,000 cost the same words
   * on the corpus for about a fifth less CPU (BENCHMARKS.md).
   */
  maxHmmPerFrame?: number;
  /** Other pocketsphinx flags (`-name value`), as the benchmark's sweep tries them. */
  flags?: Array<[string, string]>;
}

/** The C functions we use from libpocketsphinx 5prealpha (Debian bookworm's 0.8+5prealpha). */
function bind() {
  let ps: LibraryHandle;
  let sb: LibraryHandle;
  try {
    ps = koffi.load('libpocketsphinx.so.3');
    sb = koffi.load('libsphinxbase.so.3');
  } catch (err) {
    throw new EngineError(`PocketSphinx is not installed (${(err as Error).message}); ${INSTALL}`);
  }
  return {
    args: ps.func('void *ps_args(void)'),
    configInit: sb.func('void *cmd_ln_init(void *inout, void *defn, int strict, ...)'),
    configFree: sb.func('int cmd_ln_free_r(void *config)'),
    init: ps.func('void *ps_init(void *config)'),
    free: ps.func('int ps_free(void *ps)'),
    startUtt: ps.func('int ps_start_utt(void *ps)'),
    endUtt: ps.func('int ps_end_utt(void *ps)'),
    processRaw: ps.func('int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)'),
    hyp: ps.func('const char *ps_get_hyp(void *ps, _Out_ int32_t *score)'),
    inSpeech: ps.func('uint8_t ps_get_in_speech(void *ps)'),
  };
}
type Lib = ReturnType<typeof bind>;

/** Filler words pocketsphinx emits for noise and breath. */
const FILLER = /<[^>]*>|\[[^\]]*\]|\(\d+\)/g;
const clean = (text: string | null) => (text ?? '').replace(FILLER, ' ').replace(/\s+/g, ' ').trim();

/**
 * CMU PocketSphinx through its C library (koffi, no compiler): fully offline and in Debian, but
 * inaccurate — the fallback engine. One decoder per stream; its own VAD splits utterances.
 */
export function loadPocketSphinx(modelDir = DEBIAN_MODEL, options: PocketSphinxOptions = {}): SpeechEngine {
  const files = {
    hmm: path.join(modelDir, 'en-us'),
    lm: path.join(modelDir, 'en-us.lm.bin'),
    dict: path.join(modelDir, 'cmudict-en-us.dict'),
  };
  if (!existsSync(modelDir)) throw new EngineError(`no PocketSphinx model at ${modelDir}; ${INSTALL}`);
  for (const [what, file] of Object.entries(files))
    if (!existsSync(file))
      throw new EngineError(
        `the PocketSphinx model at ${modelDir} has no ${path.basename(file)} (${what}); ${INSTALL}`,
      );
  const lib = bind();
  const postSpeechFrames = options.postSpeechFrames ?? 40;
  const settings = [
    ['-hmm', files.hmm],
    ['-lm', files.lm],
    ['-dict', files.dict],
    ['-samprate', String(SAMPLE_RATE)],
    ['-lw', String(options.languageWeight ?? 6.5)],
    ['-vad_postspeech', String(postSpeechFrames)],
    ['-vad_threshold', String(options.vadThreshold ?? 3.0)],
    ['-maxhmmpf', String(options.maxHmmPerFrame ?? 10_000)],
    ['-logfn', '/dev/null'],
    ...(options.flags ?? []),
  ];

  function decoder() {
    const varargs = settings.flatMap(([k, v]) => ['str', k, 'str', v]);
    const config = lib.configInit(null, lib.args(), 1, ...varargs, 'void *', null);
    const ps = config && lib.init(config);
    if (!ps) {
      if (config) lib.configFree(config);
      throw new EngineError(`PocketSphinx could not load the model at ${modelDir}; is it a pocketsphinx model?`);
    }
    return { ps, config };
  }
  // Load once now so a broken model is reported when the engine starts, not at the first word.
  const probe = decoder();
  lib.free(probe.ps);
  lib.configFree(probe.config);

  return {
    name: 'pocketsphinx',
    sampleRate: SAMPLE_RATE,
    // Vocabulary is not used: the n-gram model cannot be biased at run time, and cmudict already
    // spells nearly every English word.
    start: (streamOptions) => new PocketSphinxStream(lib, decoder(), streamOptions, postSpeechFrames * FRAME_MS),
    close() {},
  };
}

class PocketSphinxStream implements SpeechStream {
  #samples = 0;
  /** Sample where the current utterance's speech began, or null between utterances. */
  #speechAt: number | null = null;
  #lastPartial = '';
  #lastPartialAt = 0;
  #stopped = false;

  constructor(
    private readonly lib: Lib,
    private readonly d: { ps: unknown; config: unknown },
    private readonly options: StreamOptions,
    /** The silence the VAD waits for before it ends an utterance. */
    private readonly postSpeechMs: number,
  ) {
    lib.startUtt(d.ps);
  }

  write(pcm: Int16Array) {
    if (this.#stopped || pcm.length === 0) return;
    this.lib.processRaw(this.d.ps, pcm, pcm.length, 0, 0);
    this.#samples += pcm.length;
    const inSpeech = this.lib.inSpeech(this.d.ps) !== 0;
    if (inSpeech && this.#speechAt === null) this.#speechAt = this.#samples - pcm.length;
    if (!inSpeech && this.#speechAt !== null) this.#final(this.postSpeechMs);
    else if (inSpeech && this.#ms(this.#samples) - this.#lastPartialAt >= PARTIAL_EVERY_MS) this.#partial();
  }

  flush() {
    if (this.#stopped || this.#speechAt === null) return;
    this.#final(0);
  }

  stop() {
    if (this.#stopped) return;
    this.flush();
    this.#stopped = true;
    this.lib.endUtt(this.d.ps);
    this.lib.free(this.d.ps);
    this.lib.configFree(this.d.config);
  }

  #ms = (samples: number) => Math.round((samples * 1000) / SAMPLE_RATE);

  #partial() {
    this.#lastPartialAt = this.#ms(this.#samples);
    const text = clean(this.lib.hyp(this.d.ps, [0]));
    if (!text || text === this.#lastPartial) return;
    this.#lastPartial = text;
    const startMs = this.#ms(this.#speechAt ?? this.#samples);
    this.options.onResult({ text, final: false, startMs, endMs: this.#ms(this.#samples) });
  }

  /** Ends the utterance; `trailingMs` of silence after the words were already heard. */
  #final(trailingMs: number) {
    this.lib.endUtt(this.d.ps);
    const text = clean(this.lib.hyp(this.d.ps, [0]));
    const startMs = this.#ms(this.#speechAt ?? this.#samples);
    const endMs = Math.max(startMs, this.#ms(this.#samples) - trailingMs);
    this.#speechAt = null;
    this.#lastPartial = '';
    this.lib.startUtt(this.d.ps);
    if (text) this.options.onResult({ text, final: true, startMs, endMs });
  }
}
