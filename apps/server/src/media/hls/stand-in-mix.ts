import { Decoder } from '@evan/opus';
import type { SinkSource } from '../api';
import { rtpPayload } from '../rtp';
import { FRAME_MS, FRAME_SAMPLES, type PcmConsumer } from './pcm';

/** At most this much audio (in frames) waits per speaker: beyond it the oldest is dropped. */
const MAX_QUEUED = 10;

/**
 * Until the room mix (media/mix) lands, the HLS sink mixes what the room forwards itself: each
 * speaker's Opus decoded on arrival, summed and clipped every 20 ms. No jitter buffer or limiter:
 * the real mix replaces this.
 */
export class StandInMix {
  readonly #speakers = new Map<string, { decoder: Decoder; queue: Int16Array[] }>();
  readonly #consumers = new Set<PcmConsumer>();
  #timer?: NodeJS.Timeout;
  #startedAt = 0;
  #ticks = 0;

  packet(from: SinkSource, packet: Buffer) {
    if (this.#consumers.size === 0) return;
    const payload = rtpPayload(packet);
    if (!payload?.length) return;
    let speaker = this.#speakers.get(from.peerId);
    if (!speaker) {
      speaker = { decoder: new Decoder({ channels: 1, sample_rate: 48000 }), queue: [] };
      this.#speakers.set(from.peerId, speaker);
    }
    const pcm = speaker.decoder.decode(payload);
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
    for (let at = 0; at + FRAME_SAMPLES <= samples.length; at += FRAME_SAMPLES)
      speaker.queue.push(samples.slice(at, at + FRAME_SAMPLES));
    if (speaker.queue.length > MAX_QUEUED) speaker.queue.splice(0, speaker.queue.length - MAX_QUEUED);
  }

  publisherClosed(peerId: string) {
    this.#speakers.delete(peerId);
  }

  addPcmConsumer(consumer: PcmConsumer) {
    this.#consumers.add(consumer);
    if (!this.#timer) {
      this.#startedAt = Date.now();
      this.#ticks = 0;
      this.#timer = setInterval(() => this.#tick(), FRAME_MS / 2);
    }
    return () => {
      this.#consumers.delete(consumer);
      if (this.#consumers.size === 0) this.#stop();
    };
  }

  close() {
    for (const consumer of this.#consumers) consumer.onEnd();
    this.#consumers.clear();
    this.#stop();
  }

  #stop() {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#speakers.clear();
  }

  /** Emits every frame due by the wall clock (timers drift; the stream must not). */
  #tick() {
    const due = Math.floor((Date.now() - this.#startedAt) / FRAME_MS);
    while (this.#ticks < due) {
      const mix = new Int32Array(FRAME_SAMPLES);
      for (const speaker of this.#speakers.values()) {
        const frame = speaker.queue.shift();
        if (frame) for (let i = 0; i < FRAME_SAMPLES; i++) mix[i] = (mix[i] as number) + (frame[i] as number);
      }
      const out = new Int16Array(FRAME_SAMPLES);
      for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = Math.max(-32768, Math.min(32767, mix[i] as number));
      const pts = this.#startedAt + this.#ticks * FRAME_MS;
      this.#ticks++;
      for (const consumer of this.#consumers) consumer.onPcm(out, pts);
    }
  }
}
