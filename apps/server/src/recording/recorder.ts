import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { newId } from '../ids';
import type { Publisher } from '../media/publisher';
import type { MediaRoom } from '../media/room';
import type { Db } from '../store/db';
import { TrackWriter } from './track-writer';

interface Track {
  writer?: TrackWriter;
  /** Packets that arrive while the track's row is being stored. */
  pending: Buffer[];
}

/**
 * Records a live Space on this node: every speaker connection (a Publisher) becomes one Ogg file
 * of its Opus packets, stored under the recordings folder with a row that places it on the
 * Space's timeline. Only what the room forwards is recorded: muted speakers and listeners never.
 */
export class Recorder {
  readonly #tracks = new Map<string, Map<Publisher, Track>>();
  /** Files still being closed, per Space: a mixdown waits for them. */
  readonly #closing = new Map<string, Set<Promise<void>>>();

  constructor(
    private readonly db: Db,
    readonly dir: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Records `room` (the media of Space `spaceId`) until it closes. */
  attach(room: MediaRoom, spaceId: string) {
    const tracks = new Map<Publisher, Track>();
    this.#tracks.set(spaceId, tracks);
    const untap = room.tap((from, packet) => {
      let track = tracks.get(from);
      if (!track) {
        track = { pending: [] };
        tracks.set(from, track);
        void this.#open(spaceId, Date.now(), from, track);
      }
      if (track.writer) track.writer.write(packet);
      else if (track.pending.length < 500) track.pending.push(Buffer.from(packet));
    });
    room.on('publisherClosed', (publisher) => {
      const track = tracks.get(publisher);
      tracks.delete(publisher);
      if (track?.writer) this.#close(spaceId, track.writer);
    });
    room.once('closed', () => {
      untap();
      for (const track of tracks.values()) if (track.writer) this.#close(spaceId, track.writer);
      tracks.clear();
      this.#tracks.delete(spaceId);
    });
  }

  /** Resolves once every file of the Space this node wrote is complete (its room has closed). */
  async settled(spaceId: string) {
    while (this.#tracks.has(spaceId) || this.#closing.get(spaceId)?.size) {
      await Promise.allSettled(this.#closing.get(spaceId) ?? []);
      if (this.#tracks.has(spaceId)) await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Finishes every open file (shutdown). */
  async close() {
    for (const [spaceId, tracks] of this.#tracks)
      for (const track of tracks.values()) if (track.writer) this.#close(spaceId, track.writer);
    this.#tracks.clear();
    await Promise.allSettled([...this.#closing.values()].flatMap((set) => [...set]));
  }

  async #open(spaceId: string, firstPacketAt: number, from: Publisher, track: Track) {
    try {
      const space = await this.db
        .selectFrom('spaces')
        .select('started_at')
        .where('id', '=', spaceId)
        .executeTakeFirstOrThrow();
      const startedAt = space.started_at?.getTime() ?? firstPacketAt;
      const id = newId();
      const folder = path.join(this.dir, spaceId);
      mkdirSync(folder, { recursive: true });
      const file = path.join(spaceId, `${id}.ogg`);
      // The row first: a file the process dies writing is still found and mixed.
      await this.db
        .insertInto('recording_tracks')
        .values({
          id,
          space_id: spaceId,
          user_id: from.key,
          file,
          offset_ms: Math.max(0, firstPacketAt - startedAt),
        })
        .execute();
      const writer = new TrackWriter(path.join(this.dir, file));
      for (const packet of track.pending) writer.write(packet);
      track.pending = [];
      if (this.#tracks.get(spaceId)?.get(from) === track) track.writer = writer;
      else this.#close(spaceId, writer); // closed while we stored the row
    } catch (err) {
      this.log.error({ err, spaceId }, 'a recording track could not be opened');
    }
  }

  #close(spaceId: string, writer: TrackWriter) {
    let closing = this.#closing.get(spaceId);
    if (!closing) {
      closing = new Set();
      this.#closing.set(spaceId, closing);
    }
    const done = writer
      .close()
      .catch((err) => this.log.error({ err, spaceId }, 'a recording track could not be finished'))
      .finally(() => {
        closing.delete(done);
        if (closing.size === 0) this.#closing.delete(spaceId);
      });
    closing.add(done);
  }
}
