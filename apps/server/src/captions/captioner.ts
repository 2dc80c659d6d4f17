import type { Caption, CaptionsInfo, RoomEvent, RoomState } from '@earshot/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../bus/bus';
import type { MediaPlane } from '../media/api';
import { captionable } from '../spaces/rules';
import { type SpaceBusMessage, spaceChannel } from '../spaces/service';
import { loadRoom } from '../spaces/store';
import type { Db } from '../store/db';
import { CAPTIONS_SINK, type FeedControl } from './feed-sink';
import { type Segment, saveSegments } from './transcript';
import type { CaptionsWorker, WorkerResult } from './worker-client';

/** Events after which who may be captioned is read again. */
const RELEVANT = new Set<RoomEvent['kind']>([
  'started',
  'ended',
  'captions_set',
  'captions_consent',
  'muted',
  'unmuted',
  'joined_stage',
  'left_stage',
  'removed',
]);

interface Live {
  spaceId: string;
  /** Who is captioned now: consenting, unmuted stage members of a live Space with captions on. */
  allowed: Set<string>;
  startedAt: number;
  vocabulary: string[];
  unsubscribe?: () => void;
}

const SEGMENT_BATCH_MS = 1000;

/**
 * Live captions on this node. Each Space's media room has a captions feed sink beside it (in the
 * media worker that owns the room: captions/feed-sink.ts) that sends the Opus packets of the
 * speakers who may be captioned, and nobody else's, to the captions worker. Here we decide who
 * that is, from the Space's events, and turn the worker's results into `caption` messages on the
 * Space's channel and final ones into the stored transcript.
 */
export class Captioner {
  readonly #rooms = new Map<string, Live>();
  readonly #segments: Segment[] = [];
  readonly #off: () => void;
  #segmentsTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: Bus,
    private readonly media: MediaPlane,
    private readonly worker: CaptionsWorker | null,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#off = media.on((event) => {
      if (event.type === 'room-opened') void this.attach(event.roomId);
      if (event.type === 'room-closed') this.#detach(event.roomId);
    });
    worker?.on('result', (r) => void this.#result(r));
    // A (re)started worker listens on a new port: every feed is told.
    worker?.on('ready', () => {
      for (const live of this.#rooms.values()) this.#push(live);
    });
    worker?.on('lost', () => {
      for (const live of this.#rooms.values()) this.#push(live);
    });
  }

  /** What this server can do, once the worker answered (it starts on first use; here at most 5 s). */
  async check(): Promise<CaptionsInfo> {
    if (this.worker) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise((resolve) => {
        timer = setTimeout(resolve, 5000);
      });
      await Promise.race([this.worker.start(), waited]);
      clearTimeout(timer);
    }
    return this.info();
  }

  info(): CaptionsInfo {
    if (!this.worker) return { engine: null, problem: 'captions are turned off on this server' };
    // Before its first use the worker has not started; the configured engine is what will run.
    return { engine: this.worker.problem ? null : (this.worker.engine ?? 'starting'), problem: this.worker.problem };
  }

  /** Captions the media room of Space `spaceId` until it closes (a room opened again is told again). */
  async attach(spaceId: string) {
    if (!this.worker) return;
    const existing = this.#rooms.get(spaceId);
    if (existing) return this.#push(existing);
    const live: Live = { spaceId, allowed: new Set(), startedAt: Date.now(), vocabulary: [] };
    this.#rooms.set(spaceId, live);
    const refresh = () =>
      loadRoom(this.db, spaceId)
        .then(({ state }) => this.#rooms.get(spaceId) === live && this.#apply(live, state))
        .catch((err) => this.log.warn({ err, spaceId }, 'captions could not read the room'));

    const unsubscribe = await this.bus.subscribe(spaceChannel(spaceId), (message) => {
      const m = message as SpaceBusMessage;
      if (m.type !== 'event' || !RELEVANT.has(m.event.kind)) return;
      // Withdrawals act at once; grants wait for the stored state.
      const e = m.event;
      if (e.kind === 'captions_set' && !e.enabled) this.#revoke(live, () => true);
      const gone = e.kind === 'muted' || e.kind === 'left_stage' || e.kind === 'removed';
      if (gone || (e.kind === 'captions_consent' && !e.consent)) this.#revoke(live, (userId) => userId === e.userId);
      void refresh();
    });
    // The room may have closed while we subscribed (an offer refused for an ended or unknown Space).
    if (this.#rooms.get(spaceId) !== live) return unsubscribe();
    live.unsubscribe = unsubscribe;
    await refresh();
  }

  /** Stops the worker and stores the finals still waiting. */
  async close() {
    this.#off();
    for (const spaceId of [...this.#rooms.keys()]) this.#detach(spaceId);
    this.worker?.close();
    await this.#flushSegments();
  }

  /**
   * Finals are stored in batches: one insert a second rather than one per line keeps the embedded
   * database (which writes on the event loop) from stalling the media path.
   */
  #store(spaceId: string, caption: Caption) {
    this.#segments.push({ spaceId, caption, engine: this.worker?.engine ?? 'unknown' });
    this.#segmentsTimer ??= setTimeout(() => void this.#flushSegments(), SEGMENT_BATCH_MS);
  }

  async #flushSegments() {
    clearTimeout(this.#segmentsTimer);
    this.#segmentsTimer = undefined;
    const batch = this.#segments.splice(0);
    if (batch.length === 0) return;
    await saveSegments(this.db, batch).catch((err) =>
      this.log.error({ err, segments: batch.length }, 'transcript segments could not be stored'),
    );
  }

  #detach(spaceId: string) {
    const live = this.#rooms.get(spaceId);
    this.#rooms.delete(spaceId);
    live?.unsubscribe?.();
  }

  /** Tells the room's feed sink who may be captioned and where the worker listens. */
  #push(live: Live) {
    const control: FeedControl = {
      allowed: [...live.allowed],
      port: this.worker?.port ?? null,
      vocabulary: live.vocabulary,
      startedAt: live.startedAt,
    };
    this.media.control(live.spaceId, CAPTIONS_SINK, control);
  }

  #apply(live: Live, state: RoomState) {
    if (state.startedAt) live.startedAt = new Date(state.startedAt).getTime();
    live.vocabulary = [...state.title.split(/\s+/), ...state.topics].filter(Boolean);
    live.allowed = new Set(state.stage.filter((m) => captionable(state, m.user.id)).map((m) => m.user.id));
    this.#push(live);
    if (live.allowed.size > 0 && this.worker && !this.worker.ready) void this.worker.start();
  }

  /** Stops captioning the people `which` picks: the feed closes their streams at once. */
  #revoke(live: Live, which: (userId: string) => boolean) {
    for (const userId of [...live.allowed]) if (which(userId)) live.allowed.delete(userId);
    this.#push(live);
  }

  async #result(r: WorkerResult) {
    const caption: Caption = {
      id: `${r.stream}:${r.utterance}`,
      userId: r.userId,
      text: r.text,
      final: r.final,
      startMs: Math.max(0, r.startMs),
      endMs: Math.max(0, r.endMs),
    };
    const { spaceId } = r;
    try {
      if (caption.final) this.#store(spaceId, caption);
      await this.bus.publish(spaceChannel(spaceId), { type: 'caption', caption } satisfies SpaceBusMessage);
    } catch (err) {
      this.log.warn({ err, spaceId }, 'a caption could not be delivered');
    }
  }
}
