import type { FastifyBaseLogger } from 'fastify';
import type { MediaEvent, MediaPlane } from '../media/api';
import type { Db } from '../store/db';
import type { TrackEvent } from './track-sink';

export const TRACK_SINK = 'recorder';

/**
 * Records the live Spaces of this node. The files are written by the track sink beside each
 * Space's media room (recording/track-sink.ts, in the media worker); here each new track gets its
 * row, which places it on the Space's timeline, and `settled` tells a mixdown when the Space's
 * files are complete (its room has closed and every row is stored).
 */
export class Recorder {
  /** Row inserts under way, per Space. */
  readonly #storing = new Map<string, Set<Promise<void>>>();
  readonly #off: () => void;

  constructor(
    private readonly db: Db,
    private readonly media: MediaPlane,
    readonly dir: string,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#off = media.on((event) => this.#onMedia(event));
  }

  /** Resolves once every file of the Space this node wrote is complete (its room has closed). */
  async settled(spaceId: string) {
    while (this.media.hasRoom(spaceId) || this.#storing.get(spaceId)?.size) {
      await Promise.allSettled(this.#storing.get(spaceId) ?? []);
      if (this.media.hasRoom(spaceId)) await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits for the rows under way (shutdown; the media plane closes the files). */
  async close() {
    this.#off();
    await Promise.allSettled([...this.#storing.values()].flatMap((set) => [...set]));
  }

  #onMedia(event: MediaEvent) {
    if (event.type !== 'sink' || event.sink !== TRACK_SINK) return;
    const e = event.event as TrackEvent;
    if (e.type === 'track') this.#store(event.roomId, e);
    else if (e.type === 'track-failed') this.log.error({ spaceId: event.roomId, track: e.id }, e.message);
  }

  #store(spaceId: string, track: Extract<TrackEvent, { type: 'track' }>) {
    let storing = this.#storing.get(spaceId);
    if (!storing) {
      storing = new Set();
      this.#storing.set(spaceId, storing);
    }
    const set = storing;
    const done = this.#insert(spaceId, track)
      .catch((err) => this.log.error({ err, spaceId }, 'a recording track could not be stored'))
      .finally(() => {
        set.delete(done);
        if (set.size === 0) this.#storing.delete(spaceId);
      });
    set.add(done);
  }

  async #insert(spaceId: string, track: Extract<TrackEvent, { type: 'track' }>) {
    const space = await this.db.selectFrom('spaces').select('started_at').where('id', '=', spaceId).executeTakeFirst();
    if (!space) return; // a room without a Space (a test's): its file stays unlisted
    const startedAt = space.started_at?.getTime() ?? track.firstPacketAt;
    await this.db
      .insertInto('recording_tracks')
      .values({
        id: track.id,
        space_id: spaceId,
        user_id: track.key,
        file: track.file,
        offset_ms: Math.max(0, track.firstPacketAt - startedAt),
      })
      .execute();
  }
}
