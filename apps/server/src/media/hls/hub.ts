import { randomBytes } from 'node:crypto';
import type { MediaEvent, MediaPlane } from '../api';
import { HLS_SINK, type HlsControl, type HlsEvent } from './sink';
import { LiveStream } from './stream';

/** A stream nobody has asked for in this long is stopped (players poll every part, ~5 times a second). */
const IDLE_MS = 30_000;
/** An ended stream stays readable this long, so players see EXT-X-ENDLIST. */
const ENDED_KEPT_MS = 60_000;

interface Held {
  stream: LiveStream;
  usedAt: number;
  endedAt?: number;
}

/**
 * The LL-HLS streams of this node's rooms, held where HTTP serves them (the main process): the
 * HLS sink beside each room packages, its parts come here as events. A stream starts on the first
 * request and stops when nobody asks for a while. Knows room ids only.
 */
export class HlsHub {
  readonly #held = new Map<string, Held>();
  readonly #off: () => void;
  readonly #sweeper: NodeJS.Timeout;

  constructor(private readonly plane: MediaPlane) {
    this.#off = plane.on((event) => this.#onMedia(event));
    this.#sweeper = setInterval(() => this.#sweep(Date.now()), 5000);
    this.#sweeper.unref();
  }

  /** The room's live stream, started (or restarted, if the last one ended) as needed; the room must be open. */
  stream(roomId: string): LiveStream {
    let held = this.#held.get(roomId);
    if (!held || held.stream.ended) {
      held = { stream: new LiveStream(randomBytes(6).toString('base64url')), usedAt: Date.now() };
      this.#held.set(roomId, held);
      this.plane.control(roomId, HLS_SINK, { type: 'start', stream: held.stream.id } satisfies HlsControl);
    }
    held.usedAt = Date.now();
    return held.stream;
  }

  /** The stream if one is held (an ended one too), without starting anything. */
  held(roomId: string): LiveStream | undefined {
    const held = this.#held.get(roomId);
    if (held) held.usedAt = Date.now();
    return held?.stream;
  }

  /** Whether the room has HLS listeners now (an empty room stays open for them). */
  active(roomId: string) {
    const held = this.#held.get(roomId);
    return !!held && !held.stream.ended;
  }

  /** The room's stream is over for good (its Space ended): the playlist gets EXT-X-ENDLIST. */
  end(roomId: string) {
    const held = this.#held.get(roomId);
    if (!held || held.endedAt) return;
    held.stream.end();
    held.endedAt = Date.now();
  }

  close() {
    this.#off();
    clearInterval(this.#sweeper);
    for (const held of this.#held.values()) held.stream.release();
    this.#held.clear();
  }

  /**
   * A room that closed, or a packager that failed, without its Space ending (an empty room, a lost
   * worker, ffmpeg gone): the stream is dropped, not ended, and the next request starts a new one.
   */
  #drop(roomId: string) {
    const held = this.#held.get(roomId);
    if (!held || held.endedAt) return;
    this.#held.delete(roomId);
    held.stream.release();
  }

  #onMedia(event: MediaEvent) {
    if (event.type === 'room-closed') return this.#drop(event.roomId);
    if (event.type !== 'sink' || event.sink !== HLS_SINK) return;
    const e = event.event as HlsEvent;
    const stream = this.#held.get(event.roomId)?.stream;
    if (!stream || stream.id !== e.stream) return;
    if (e.type === 'init') stream.setInit(e.data);
    else if (e.type === 'part') stream.addPart(e.data, e.duration, e.at);
    else if (e.type === 'failed') this.#drop(event.roomId);
  }

  #sweep(now: number) {
    for (const [roomId, held] of this.#held) {
      if (held.endedAt ? now - held.endedAt < ENDED_KEPT_MS : now - held.usedAt < IDLE_MS) continue;
      this.#held.delete(roomId);
      held.stream.release();
      if (!held.endedAt)
        this.plane.control(roomId, HLS_SINK, { type: 'stop', stream: held.stream.id } satisfies HlsControl);
    }
  }
}
