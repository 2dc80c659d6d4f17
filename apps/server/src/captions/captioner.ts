import type { Caption, CaptionsInfo, RoomEvent, RoomState } from '@earshot/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../bus/bus';
import type { Publisher } from '../media/publisher';
import type { MediaRoom } from '../media/room';
import { rtpPayload } from '../media/rtp';
import { captionable } from '../spaces/rules';
import { type SpaceBusMessage, spaceChannel } from '../spaces/service';
import { loadRoom } from '../spaces/store';
import type { Db } from '../store/db';
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
}

interface Stream {
  id: string;
  live: Live;
  userId: string;
  opened: boolean;
  /** Its speaker connection ended; the worker's last results may still come. */
  closing?: boolean;
  /** Packets heard while the worker starts (about a second), sent once it is ready. */
  waiting: Array<{ payload: Uint8Array; at: number }>;
}

const SEGMENT_BATCH_MS = 1000;

/** At most this much audio (20 ms packets) waits for the worker per stream. */
const MAX_WAITING = 250;

/**
 * Live captions on this node: a tap on each Space's media room sends the Opus packets of the
 * speakers who may be captioned (and nobody else's) to the captions worker, and turns its results
 * into `caption` messages on the Space's channel and final ones into the stored transcript.
 */
export class Captioner {
  readonly #streams = new Map<string, Stream>();
  readonly #segments: Segment[] = [];
  #segmentsTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: Bus,
    private readonly worker: CaptionsWorker | null,
    private readonly log: FastifyBaseLogger,
  ) {
    worker?.on('result', (r) => void this.#result(r));
    worker?.on('closed', (id) => this.#streams.delete(id));
    // A restarted worker knows no streams: each is opened again with its next packet.
    worker?.on('lost', () => {
      for (const s of this.#streams.values()) {
        if (s.closing) this.#streams.delete(s.id);
        s.opened = false;
      }
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

  /** Captions `room` (the media of Space `spaceId`) until it closes. */
  async attach(room: MediaRoom, spaceId: string) {
    const worker = this.worker;
    if (!worker) return;
    const live: Live = { spaceId, allowed: new Set(), startedAt: Date.now(), vocabulary: [] };
    const byPublisher = new Map<Publisher, Stream>();
    const refresh = () =>
      loadRoom(this.db, spaceId)
        .then(({ state }) => this.#apply(live, state, byPublisher))
        .catch((err) => this.log.warn({ err, spaceId }, 'captions could not read the room'));

    const unsubscribe = await this.bus.subscribe(spaceChannel(spaceId), (message) => {
      const m = message as SpaceBusMessage;
      if (m.type !== 'event' || !RELEVANT.has(m.event.kind)) return;
      // Withdrawals act at once; grants wait for the stored state.
      const e = m.event;
      if (e.kind === 'captions_set' && !e.enabled) this.#revoke(live, byPublisher, () => true);
      const gone = e.kind === 'muted' || e.kind === 'left_stage' || e.kind === 'removed';
      if (gone || (e.kind === 'captions_consent' && !e.consent))
        this.#revoke(live, byPublisher, (userId) => userId === e.userId);
      void refresh();
    });
    // The room may have closed while we subscribed (an offer refused for an ended or unknown Space).
    if (room.closed) return unsubscribe();
    const untap = room.tap((from, packet) => {
      if (!live.allowed.has(from.key)) return;
      const payload = rtpPayload(packet);
      if (!payload?.length) return;
      let stream = byPublisher.get(from);
      if (!stream) {
        stream = { id: `${spaceId}:${from.id}`, live, userId: from.key, opened: false, waiting: [] };
        byPublisher.set(from, stream);
        this.#streams.set(stream.id, stream);
      }
      const at = Date.now() - live.startedAt;
      if (worker.ready) {
        if (stream.waiting.length > 0) for (const p of stream.waiting.splice(0)) this.#send(stream, p.payload, p.at);
        return this.#send(stream, payload, at);
      }
      // The first packet to wait asks for the worker; the queue goes out once it is ready.
      if (stream.waiting.length === 0) {
        const waiting = stream;
        void worker.start().then((ok) => {
          if (!ok || byPublisher.get(from) !== waiting) return;
          for (const p of waiting.waiting.splice(0)) this.#send(waiting, p.payload, p.at);
        });
      }
      if (stream.waiting.length < MAX_WAITING) stream.waiting.push({ payload: Buffer.from(payload), at });
    });
    room.on('publisherClosed', (publisher) => this.#end(byPublisher, publisher));
    room.once('closed', () => {
      untap();
      unsubscribe();
      for (const publisher of [...byPublisher.keys()]) this.#end(byPublisher, publisher);
    });
    await refresh();
  }

  /** Stops the worker and stores the finals still waiting. */
  async close() {
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

  #send(stream: Stream, payload: Uint8Array, at: number) {
    if (!this.worker) return;
    if (!stream.opened) {
      this.worker.send({ type: 'open', stream: stream.id, vocabulary: stream.live.vocabulary });
      stream.opened = true;
    }
    this.worker.send({ type: 'packet', stream: stream.id, payload, at });
  }

  #apply(live: Live, state: RoomState, byPublisher: Map<Publisher, Stream>) {
    if (state.startedAt) live.startedAt = new Date(state.startedAt).getTime();
    live.vocabulary = [...state.title.split(/\s+/), ...state.topics].filter(Boolean);
    const allowed = new Set(state.stage.filter((m) => captionable(state, m.user.id)).map((m) => m.user.id));
    this.#revoke(live, byPublisher, (userId) => !allowed.has(userId));
    live.allowed = allowed;
    if (allowed.size > 0 && this.worker && !this.worker.ready) void this.worker.start();
  }

  /** Stops captioning the people `which` picks: their streams are flushed and closed at once. */
  #revoke(live: Live, byPublisher: Map<Publisher, Stream>, which: (userId: string) => boolean) {
    for (const userId of [...live.allowed]) if (which(userId)) live.allowed.delete(userId);
    for (const [publisher, stream] of byPublisher) if (which(stream.userId)) this.#end(byPublisher, publisher);
  }

  #end(byPublisher: Map<Publisher, Stream>, publisher: Publisher) {
    const stream = byPublisher.get(publisher);
    if (!stream) return;
    byPublisher.delete(publisher);
    stream.closing = true;
    // Kept until the worker says it is closed, so the last final (however late) finds its Space.
    if (stream.opened && this.worker?.ready) this.worker.send({ type: 'close', stream: stream.id });
    else this.#streams.delete(stream.id);
  }

  async #result(r: WorkerResult) {
    const stream = this.#streams.get(r.stream);
    if (!stream) return;
    const caption: Caption = {
      id: `${r.stream}:${r.utterance}`,
      userId: stream.userId,
      text: r.text,
      final: r.final,
      startMs: Math.max(0, r.startMs),
      endMs: Math.max(0, r.endMs),
    };
    const { spaceId } = stream.live;
    try {
      if (caption.final) this.#store(spaceId, caption);
      await this.bus.publish(spaceChannel(spaceId), { type: 'caption', caption } satisfies SpaceBusMessage);
    } catch (err) {
      this.log.warn({ err, spaceId }, 'a caption could not be delivered');
    }
  }
}
