import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { newId } from '../ids';
import type { CreateSink, SinkSource } from '../media/api';
import { TrackWriter } from './track-writer';

export interface TrackSinkOptions {
  dir: string;
}

/** What the track sink reports to the main process (where the Recorder stores the rows). */
export type TrackEvent =
  | { type: 'track'; id: string; key: string; file: string; firstPacketAt: number }
  | { type: 'track-done'; id: string }
  | { type: 'track-failed'; id: string; message: string };

/**
 * The recorder's sink, run beside a Space's media room (in the media worker that owns it): every
 * speaker connection becomes one Ogg file of its Opus packets under the recordings folder. Only
 * what the room forwards reaches it: muted speakers and listeners never. The main process stores
 * each file's row from the `track` event.
 */
export const createSink: CreateSink = ({ roomId, options, emit, onError }) => {
  const { dir } = options as TrackSinkOptions;
  const tracks = new Map<string, { id: string; writer: TrackWriter }>();
  const finish = (peerId: string) => {
    const track = tracks.get(peerId);
    if (!track) return Promise.resolve();
    tracks.delete(peerId);
    return track.writer.close().then(
      () => emit({ type: 'track-done', id: track.id } satisfies TrackEvent),
      (err: Error) => {
        onError(err);
        emit({ type: 'track-failed', id: track.id, message: err.message } satisfies TrackEvent);
      },
    );
  };
  return {
    packet(from: SinkSource, packet: Buffer) {
      let track = tracks.get(from.peerId);
      if (!track) {
        const id = newId();
        const file = path.join(roomId, `${id}.ogg`);
        mkdirSync(path.join(dir, roomId), { recursive: true });
        track = { id, writer: new TrackWriter(path.join(dir, file)) };
        tracks.set(from.peerId, track);
        emit({ type: 'track', id, key: from.key, file, firstPacketAt: Date.now() } satisfies TrackEvent);
      }
      track.writer.write(packet);
    },
    publisherClosed(peerId: string) {
      void finish(peerId);
    },
    async close() {
      await Promise.all([...tracks.keys()].map(finish));
    },
  };
};
