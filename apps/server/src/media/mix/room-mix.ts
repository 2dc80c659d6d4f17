import { Encoder } from '@evan/opus';
import { FRAME } from './decoder';
import { Limiter } from './limiter';
import { MixSpeaker } from './speaker';

/** Takes the room's mixed audio beside the room: 48 kHz mono, 960 samples (20 ms) per call. */
export interface PcmConsumer {
  /** `ptsMs`: the frame's time on the mix's clock (ms since the mix started, +20 per frame). */
  onPcm(frame: Int16Array, ptsMs: number): void;
  /** The mix stopped for good (the room closed). */
  onEnd(): void;
}

export interface MixOptions {
  /** Opus frame length of the encoded mix: 20 ms, or 60 ms for a third of the packet rate. */
  frameMs: 20 | 60;
}

/** The one-byte header extension id the mix writes its level with; subscribers renumber it. */
export const MIX_LEVEL_EXTENSION = 1;
const TICK_MS = 10;
/** Behind by more than this (a stalled event loop), the clock jumps instead of bursting frames. */
const MAX_BEHIND = 10;

/**
 * A room's mix: every unmuted speaker decoded behind a small jitter buffer, summed in 20 ms ticks
 * on our own clock, limited, handed to PCM consumers (HLS) and encoded once to Opus for every mix
 * listener. It runs only while someone takes it; the room feeds it what it forwards, so muted,
 * demoted and removed speakers never reach it.
 */
export class RoomMix {
  readonly #speakers = new Map<string, MixSpeaker>();
  readonly #consumers = new Set<PcmConsumer>();
  readonly #limiter = new Limiter();
  readonly #sum = new Float32Array(FRAME);
  readonly #out = new Int16Array(FRAME);
  readonly #pending: Int16Array;
  #pendingSamples = 0;
  #pendingLevel = 127;
  #listeners = 0;
  #timer?: NodeJS.Timeout;
  #catchingUp?: NodeJS.Immediate;
  #encoder?: Encoder;
  #startedAt = 0;
  #frames = 0;
  #seq = Math.floor(Math.random() * 0xffff);
  #ts = Math.floor(Math.random() * 0xffffffff);
  #closed = false;
  /** Changes with each start, so listeners' streams renumber smoothly. */
  source = 0;
  /** Milliseconds spent decoding, mixing and encoding since the room opened (not sending, not consumers). */
  busyMs = 0;
  mixed = 0;

  constructor(
    readonly roomId: string,
    private readonly send: (rtp: Buffer) => void,
    private readonly onError: (err: unknown) => void,
    options: MixOptions = { frameMs: 20 },
  ) {
    this.#pending = new Int16Array((options.frameMs / 20) * FRAME);
  }

  get running() {
    return this.#timer !== undefined;
  }

  /** A forwarded packet of an unmuted speaker. */
  packet(peerId: string, rtp: Buffer) {
    if (!this.#timer) return;
    let speaker = this.#speakers.get(peerId);
    if (!speaker) {
      speaker = new MixSpeaker();
      this.#speakers.set(peerId, speaker);
    }
    speaker.push(rtp);
  }

  publisherClosed(peerId: string) {
    this.#speakers.get(peerId)?.close();
    this.#speakers.delete(peerId);
  }

  /** How many WebRTC listeners take the encoded mix (here and in other workers). */
  setListeners(count: number) {
    this.#listeners = count;
    this.#update();
  }

  addConsumer(consumer: PcmConsumer): () => void {
    if (this.#closed) {
      consumer.onEnd();
      return () => {};
    }
    this.#consumers.add(consumer);
    this.#update();
    return () => {
      if (this.#consumers.delete(consumer)) this.#update();
    };
  }

  speakers() {
    return [...this.#speakers.values()];
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop();
    for (const c of this.#consumers) this.#guard(() => c.onEnd());
    this.#consumers.clear();
  }

  #update() {
    const wanted = !this.#closed && (this.#listeners > 0 || this.#consumers.size > 0);
    if (wanted && !this.#timer) this.#start();
    else if (!wanted && this.#timer) this.#stop();
  }

  #start() {
    this.source = Math.floor(Math.random() * 0x7fffffff);
    this.#startedAt = performance.now();
    this.#frames = 0;
    this.#pendingSamples = 0;
    this.#timer = setInterval(() => {
      if (!this.#catchingUp) this.#step();
    }, TICK_MS);
  }

  #stop() {
    clearInterval(this.#timer);
    clearImmediate(this.#catchingUp);
    this.#timer = undefined;
    this.#catchingUp = undefined;
    for (const s of this.#speakers.values()) s.close();
    this.#speakers.clear();
    this.#encoder = undefined;
  }

  /**
   * Mixes the frames that are due. Behind (the event loop was busy), it mixes one frame at a time
   * and lets the packets that queued meanwhile in first (setImmediate runs after pending I/O), so
   * a stall does not count as every speaker's packets lost.
   */
  #step = () => {
    this.#catchingUp = undefined;
    if (!this.#timer) return;
    const due = Math.floor((performance.now() - this.#startedAt) / 20);
    if (due - this.#frames > MAX_BEHIND) {
      // The clock jumps; what the speakers sent meanwhile would be held as delay from now on.
      this.#frames = due - 1;
      for (const s of this.#speakers.values()) s.jitter.trim();
    }
    if (this.#frames < due) {
      this.#guard(() => this.#mixFrame(this.#frames * 20));
      this.#frames += 1;
    }
    if (this.#frames < due) this.#catchingUp = setImmediate(this.#step);
  };

  #mixFrame(ptsMs: number) {
    const started = performance.now();
    const sum = this.#sum;
    sum.fill(0);
    let level = 127;
    for (const speaker of this.#speakers.values()) {
      const frame = speaker.frame();
      if (!frame) continue;
      for (let i = 0; i < FRAME; i++) sum[i] = (sum[i] as number) + (frame[i] as number);
      if (speaker.level < level) level = speaker.level;
    }
    this.#limiter.apply(sum, this.#out);
    this.mixed += 1;
    this.busyMs += performance.now() - started;
    for (const c of this.#consumers) this.#guard(() => c.onPcm(this.#out, ptsMs));
    if (this.#listeners === 0) return;
    const encodeStarted = performance.now();
    const rtp = this.#encode(level);
    this.busyMs += performance.now() - encodeStarted;
    if (rtp) this.send(rtp);
  }

  /** Encodes once for every listener; with 60 ms frames, every third tick. */
  #encode(level: number): Buffer | undefined {
    this.#pending.set(this.#out, this.#pendingSamples);
    this.#pendingSamples += FRAME;
    if (level < this.#pendingLevel) this.#pendingLevel = level;
    if (this.#pendingSamples < this.#pending.length) return undefined;
    this.#pendingSamples = 0;
    if (!this.#encoder) {
      const encoder = new Encoder({ channels: 1, sample_rate: 48_000, application: 'audio' });
      encoder.bitrate = 40_000;
      encoder.inband_fec = true;
      encoder.packet_loss = 5;
      encoder.complexity = 5;
      this.#encoder = encoder;
    }
    const payload = this.#encoder.encode(this.#pending);
    // RTP with the loudest speaker's level (RFC 6464 one-byte extension) for players' meters.
    const rtp = Buffer.allocUnsafe(20 + payload.length);
    rtp[0] = 0x90;
    rtp[1] = 111;
    rtp.writeUInt16BE(this.#seq, 2);
    rtp.writeUInt32BE(this.#ts >>> 0, 4);
    rtp.writeUInt32BE(0, 8);
    rtp.writeUInt32BE(0xbede0001, 12);
    rtp[16] = (MIX_LEVEL_EXTENSION << 4) | 0;
    rtp[17] = this.#pendingLevel;
    rtp[18] = 0;
    rtp[19] = 0;
    rtp.set(payload, 20);
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + this.#pending.length) >>> 0;
    this.#pendingLevel = 127;
    return rtp;
  }

  #guard(fn: () => void) {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}
