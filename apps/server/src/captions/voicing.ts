/**
 * Whether audio sounds like a voice: speech is largely voiced (periodic at a pitch between about
 * 100 and 500 Hz), while noise and garbage decoded as Opus are not. Engines happily hear "the" in
 * noise; a result whose audio was hardly voiced is dropped.
 */

/** Below this mean square (≈ −44 dBFS) a frame is quiet, not voiced. */
const QUIET = 200 * 200;
/** Normalized autocorrelation at the best pitch lag above which a frame is voiced. */
const PERIODIC = 0.6;
/** A caption needs at least this share of voiced frames in its span, and this many of them. */
const MIN_SHARE = 0.25;
const MIN_FRAMES = 6;
/** How much history is kept (results refer to the utterance under way). */
const KEEP_FRAMES = 3000;

export function isVoiced(frame: Int16Array, sampleRate: number) {
  let energy = 0;
  for (const v of frame) energy += v * v;
  if (energy / frame.length < QUIET) return false;
  const minLag = Math.floor(sampleRate / 500);
  const maxLag = Math.min(Math.floor(sampleRate / 100), frame.length >> 1);
  let best = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let r = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i + lag < frame.length; i++) {
      const x = frame[i] as number;
      const y = frame[i + lag] as number;
      r += x * y;
      a += x * x;
      b += y * y;
    }
    const c = r / Math.sqrt(a * b + 1);
    if (c > best) best = c;
  }
  return best > PERIODIC;
}

/** Per stream: which stretches (in the stream's ms) were voiced. */
export class VoiceTrack {
  readonly #frames: Array<{ endMs: number; voiced: boolean }> = [];

  constructor(private readonly sampleRate: number) {}

  /** Notes `frame`, which ends at `endMs` of the stream. */
  add(frame: Int16Array, endMs: number) {
    this.#frames.push({ endMs, voiced: isVoiced(frame, this.sampleRate) });
    if (this.#frames.length > KEEP_FRAMES) this.#frames.splice(0, this.#frames.length - KEEP_FRAMES);
  }

  /** Whether the audio between two stream times sounds like someone talking. */
  speechLike(startMs: number, endMs: number) {
    let voiced = 0;
    let all = 0;
    for (const f of this.#frames)
      if (f.endMs > startMs && f.endMs <= endMs + 20) {
        all++;
        if (f.voiced) voiced++;
      }
    return voiced >= MIN_FRAMES && voiced >= all * MIN_SHARE;
  }
}
