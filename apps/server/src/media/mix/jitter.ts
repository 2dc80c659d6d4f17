/**
 * One speaker's jitter buffer, in RTP sequence numbers: holds a few packets so that reordered ones
 * fall back into place, tells the mixer to conceal a lost one (from the next packet's FEC copy when
 * that has arrived), drops packets that come after their turn, and adapts its depth: one frame more
 * after each run dry, one less after a long steady stretch, and skips ahead to its depth when it
 * holds more than it needs for a while (a burst after a stall, or the speaker's clock runs faster
 * than ours): held audio is delay, and a mix that only grew later would drift seconds behind.
 */

/** Packets held before a talk spurt starts playing, and the range the depth adapts in. */
const START_DEPTH = 2;
const MIN_DEPTH = 1;
const MAX_DEPTH = 6;
/** Frames in a row concealed before the speaker counts as gone quiet (muted, left, a stall). */
const MAX_CONCEALED = 5;
/** A steady stretch this long (frames, 10 s) lowers the depth by one. */
const STEADY_FRAMES = 500;
/** Holding more than depth + this for OVERFULL_FRAMES in a row (100 ms) skips down to the depth. */
const SLACK = 2;
const OVERFULL_FRAMES = 5;
/** A packet this far ahead is a new stream (the speaker was muted, or reconnected). */
const MAX_AHEAD = 100;
const MAX_HELD = 64;

export type Pulled = { payload: Buffer; fec: boolean } | 'lost' | undefined;

const signed = (d: number) => ((d + 0x8000) & 0xffff) - 0x8000;

export class JitterBuffer {
  readonly #packets = new Map<number, Buffer>();
  /** The next sequence number to play; -1 while not playing (waiting for enough packets). */
  #next = -1;
  #depth = START_DEPTH;
  #concealed = 0;
  #steady = 0;
  #overfull = 0;
  late = 0;
  lost = 0;
  skipped = 0;

  get depth() {
    return this.#depth;
  }

  get held() {
    return this.#packets.size;
  }

  push(seq: number, payload: Buffer) {
    if (this.#next >= 0) {
      const ahead = signed(seq - this.#next);
      if (ahead < 0) {
        this.late += 1; // its turn has passed: concealed already
        return;
      }
      if (ahead > MAX_AHEAD) this.#restart();
    }
    if (this.#packets.size >= MAX_HELD) this.#restart();
    this.#packets.set(seq, payload);
  }

  /** What to play for the next frame: a packet, a loss to conceal, or nothing (not talking). */
  pull(): Pulled {
    if (this.#next < 0) {
      if (this.#packets.size < this.#depth) return undefined;
      this.#next = this.#oldest();
    }
    this.#overfull = this.#packets.size > this.#depth + SLACK ? this.#overfull + 1 : 0;
    if (this.#overfull >= OVERFULL_FRAMES) this.trim();
    const seq = this.#next;
    const packet = this.#packets.get(seq);
    if (packet) {
      this.#packets.delete(seq);
      this.#next = (seq + 1) & 0xffff;
      this.#concealed = 0;
      if (++this.#steady >= STEADY_FRAMES && this.#depth > MIN_DEPTH) {
        this.#depth -= 1;
        this.#steady = 0;
      }
      return { payload: packet, fec: false };
    }
    this.#steady = 0;
    if (++this.#concealed > MAX_CONCEALED) {
      if (this.#packets.size === 0) {
        this.#restart();
        return undefined;
      }
      // A long gap with packets after it: play on from them.
      this.#next = this.#oldest();
      return this.pull();
    }
    // Ran dry: the network is slower than our depth allows.
    if (this.#packets.size === 0 && this.#concealed === 1) this.#depth = Math.min(MAX_DEPTH, this.#depth + 1);
    this.lost += 1;
    this.#next = (seq + 1) & 0xffff;
    const after = this.#packets.get(this.#next);
    return after ? { payload: after, fec: true } : 'lost';
  }

  /** Drops the oldest packets down to the depth (the mixer's clock jumped, or too much is held). */
  trim() {
    this.#overfull = 0;
    if (this.#next < 0) return;
    while (this.#packets.size > this.#depth) {
      this.#packets.delete(this.#oldest());
      this.skipped += 1;
    }
    if (this.#packets.size > 0) this.#next = this.#oldest();
  }

  #restart() {
    this.#next = -1;
    this.#concealed = 0;
    this.#overfull = 0;
    this.#packets.clear();
  }

  #oldest() {
    let ref = -1;
    let best = 0;
    for (const seq of this.#packets.keys()) {
      if (ref < 0) [ref, best] = [seq, seq];
      else if (signed(seq - ref) < signed(best - ref)) best = seq;
    }
    return best;
  }
}
