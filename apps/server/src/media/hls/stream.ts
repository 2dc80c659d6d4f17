import { PART_SECONDS } from './packager';

/** Five parts (0.96 s) make a segment; the window keeps seven whole segments (MediaMTX's defaults). */
export const PARTS_PER_SEGMENT = 5;
export const WINDOW_SEGMENTS = 7;
/** Segments (before the one under way) whose parts the playlist still lists. */
const PART_LISTED_SEGMENTS = 3;
/** A blocked playlist or preload-hinted part waits at most this (3 target durations). */
export const BLOCK_MS = 3000;

export interface Part {
  msn: number;
  index: number;
  duration: number;
  data: Uint8Array;
}

interface Segment {
  msn: number;
  parts: Part[];
  /** Wall-clock start (EXT-X-PROGRAM-DATE-TIME). */
  at: number;
  data?: Uint8Array;
}

export type BlockCheck = { ok: true } | { ok: false; reason: 'too-far' };

/**
 * One room's live LL-HLS stream in the process that serves it: parts as the packager reports them,
 * grouped into segments, a sliding window, the playlist text, and requests waiting for a part.
 * `id` names this stream's files: a restarted stream never reuses a cached name.
 */
export class LiveStream {
  init: Uint8Array | null = null;
  ended = false;
  readonly #segments: Segment[] = [];
  #firstMsn = 0;
  #waiters = new Set<{ ready: () => boolean; done: () => void }>();

  constructor(readonly id: string) {}

  setInit(data: Uint8Array) {
    this.init = data;
  }

  addPart(data: Uint8Array, duration: number, at: number) {
    if (this.ended) return;
    let segment = this.#segments.at(-1);
    if (!segment || segment.data) {
      segment = { msn: segment ? segment.msn + 1 : this.#firstMsn, parts: [], at };
      this.#segments.push(segment);
    }
    segment.parts.push({ msn: segment.msn, index: segment.parts.length, duration, data });
    if (segment.parts.length === PARTS_PER_SEGMENT) segment.data = Buffer.concat(segment.parts.map((p) => p.data));
    const whole = this.#segments.length - (segment.data ? 0 : 1);
    if (whole > WINDOW_SEGMENTS) {
      this.#segments.shift();
      this.#firstMsn++;
    }
    this.#wake();
  }

  end() {
    if (this.ended) return;
    const last = this.#segments.at(-1);
    if (last && !last.data) last.data = Buffer.concat(last.parts.map((p) => p.data));
    this.ended = true;
    this.#wake();
  }

  /** Whether a part exists yet (a new stream's first comes about half a second after its start). */
  get started() {
    return this.#segments.length > 0;
  }

  /** The next part to come: [msn, index] (what the preload hint names). */
  next(): [number, number] {
    const last = this.#segments.at(-1);
    if (!last) return [this.#firstMsn, 0];
    return last.data ? [last.msn + 1, 0] : [last.msn, last.parts.length];
  }

  /** Whether the playlist already holds part `index` of segment `msn` (or the segment, without one). */
  has(msn: number, index?: number) {
    if (this.ended) return true;
    const [nextMsn, nextIndex] = this.next();
    if (index === undefined) return msn < nextMsn;
    // A part number past the segment's last part means the next segment's parts (players ask that way).
    const ahead = (msn - nextMsn) * PARTS_PER_SEGMENT + index - nextIndex;
    return ahead < 0;
  }

  /** RFC 8216bis 6.2.5.2: more than two segments or three parts ahead is a bad request. */
  check(msn: number, index?: number): BlockCheck {
    const [nextMsn, nextIndex] = this.next();
    if (msn > nextMsn + 2) return { ok: false, reason: 'too-far' };
    if (index !== undefined) {
      const ahead = (msn - nextMsn) * PARTS_PER_SEGMENT + index - nextIndex;
      if (ahead >= 3) return { ok: false, reason: 'too-far' };
    }
    return { ok: true };
  }

  /** Resolves true once `ready()` holds, false after `ms` (or false at once if it cannot happen). */
  waitFor(ready: () => boolean, ms: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        ready,
        done: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(ready());
        },
      };
      const timer = setTimeout(waiter.done, ms);
      this.#waiters.add(waiter);
    });
  }

  part(msn: number, index: number): Part | undefined {
    return this.#segment(msn)?.parts[index];
  }

  segment(msn: number): Uint8Array | undefined {
    return this.#segment(msn)?.data;
  }

  /** The playlist (no delta updates); `base` prefixes file URIs (a CDN, or '' for relative). */
  playlist(base: string): string {
    const target = Math.ceil(PARTS_PER_SEGMENT * PART_SECONDS);
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      `#EXT-X-TARGETDURATION:${target}`,
      `#EXT-X-PART-INF:PART-TARGET=${PART_SECONDS.toFixed(5)}`,
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${(3 * PART_SECONDS).toFixed(3)}`,
      `#EXT-X-MEDIA-SEQUENCE:${this.#firstMsn}`,
      `#EXT-X-MAP:URI="${base}${this.id}/init.mp4"`,
    ];
    const segments = this.#segments;
    segments.forEach((segment, i) => {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.at).toISOString()}`);
      if (i >= segments.length - 1 - PART_LISTED_SEGMENTS)
        for (const p of segment.parts)
          lines.push(
            `#EXT-X-PART:DURATION=${p.duration.toFixed(5)},URI="${base}${this.id}/part-${p.msn}.${p.index}.m4s",INDEPENDENT=YES`,
          );
      if (segment.data) {
        const duration = segment.parts.reduce((sum, p) => sum + p.duration, 0);
        lines.push(`#EXTINF:${duration.toFixed(5)},`, `${base}${this.id}/segment-${segment.msn}.m4s`);
      }
    });
    if (this.ended) lines.push('#EXT-X-ENDLIST');
    else {
      const [msn, index] = this.next();
      lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${base}${this.id}/part-${msn}.${index}.m4s"`);
    }
    return `${lines.join('\n')}\n`;
  }

  #segment(msn: number) {
    return this.#segments[msn - this.#firstMsn];
  }

  #wake() {
    for (const waiter of [...this.#waiters]) if (waiter.ready()) waiter.done();
  }

  /** Releases every waiting request (the stream is dropped). */
  release() {
    for (const waiter of [...this.#waiters]) waiter.done();
  }
}
