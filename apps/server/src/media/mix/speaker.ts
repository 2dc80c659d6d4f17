import { rtpPayload } from '../rtp';
import { FRAME, OpusDecoder } from './decoder';
import { JitterBuffer } from './jitter';

/** One speaker in the mix: their jitter buffer, their decoder, and decoded audio not yet mixed. */
export class MixSpeaker {
  readonly #jitter = new JitterBuffer();
  readonly #decoder = new OpusDecoder();
  /** Decoded samples waiting for the next frame (a packet may hold up to 120 ms). */
  readonly #pcm = new Int16Array(FRAME * 7);
  readonly #frame = new Int16Array(FRAME);
  #filled = 0;
  /** Loudness of the last frame taken, in -dBov (0 loudest, 127 silence), as RFC 6464 counts it. */
  level = 127;

  get jitter() {
    return this.#jitter;
  }

  push(rtp: Buffer) {
    const payload = rtpPayload(rtp);
    // A copy: the packet's buffer is not ours to keep.
    if (payload?.length) this.#jitter.push(rtp.readUInt16BE(2), Buffer.from(payload));
  }

  /** The next 20 ms of this speaker, or undefined while they are not talking. */
  frame(): Int16Array | undefined {
    while (this.#filled < FRAME) {
      const next = this.#jitter.pull();
      if (next === undefined) {
        if (this.#filled === 0) return undefined;
        this.#pcm.fill(0, this.#filled, FRAME);
        this.#filled = FRAME;
        break;
      }
      const pcm = next === 'lost' ? this.#decoder.conceal() : this.#decoder.decode(next.payload, next.fec);
      if (!pcm) continue;
      const room = this.#pcm.length - this.#filled;
      this.#pcm.set(pcm.length > room ? pcm.subarray(0, room) : pcm, this.#filled);
      this.#filled += Math.min(room, pcm.length);
    }
    this.#frame.set(this.#pcm.subarray(0, FRAME));
    this.#pcm.copyWithin(0, FRAME, this.#filled);
    this.#filled -= FRAME;
    let sum = 0;
    for (const s of this.#frame) sum += s * s;
    const rms = Math.sqrt(sum / FRAME);
    this.level = rms < 1 ? 127 : Math.min(127, Math.round(-20 * Math.log10(rms / 32767)));
    return this.#frame;
  }

  close() {
    this.#decoder.close();
  }
}
