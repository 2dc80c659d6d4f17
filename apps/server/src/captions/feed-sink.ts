import { createSocket, type Socket } from 'node:dgram';
import type { CreateSink, SinkSource } from '../media/api';
import { rtpPayload } from '../media/rtp';
import { encodeFeedMessage, type FeedMessage } from './feed-wire';

export const CAPTIONS_SINK = 'captions';

/** What the Captioner tells a room's feed sink: who may be captioned, and where the worker listens. */
export interface FeedControl {
  allowed: string[];
  /** The captions worker's loopback port; null while it starts. */
  port: number | null;
  vocabulary: string[];
  startedAt: number;
}

/** At most this much audio (20 ms packets) waits for the worker per stream. */
const MAX_WAITING = 250;

interface Stream {
  id: string;
  key: string;
  opened: boolean;
  /** Packets heard while the worker starts (about a second), sent once it is ready. */
  waiting: Array<{ payload: Buffer; at: number }>;
}

/**
 * The captions feed: a sink beside a Space's media room (in the media worker that owns it) that
 * sends the Opus packets of the speakers who may be captioned, and nobody else's, straight to the
 * captions worker over loopback. The main process only sets who is allowed (`FeedControl`).
 */
export const createSink: CreateSink = ({ roomId, onError }) => {
  let control: FeedControl = { allowed: [], port: null, vocabulary: [], startedAt: Date.now() };
  let allowed = new Set<string>();
  let socket: Socket | undefined;
  const streams = new Map<string, Stream>();

  const send = (m: FeedMessage) => {
    if (control.port === null) return;
    if (!socket) {
      socket = createSocket('udp4');
      socket.on('error', onError);
      socket.unref();
    }
    socket.send(encodeFeedMessage(m), control.port, '127.0.0.1');
  };
  const deliver = (stream: Stream, payload: Uint8Array, at: number) => {
    if (!stream.opened) {
      send({ type: 'open', stream: stream.id, vocabulary: control.vocabulary, spaceId: roomId, userId: stream.key });
      stream.opened = true;
    }
    send({ type: 'packet', stream: stream.id, payload, at });
  };
  const flush = (stream: Stream) => {
    for (const p of stream.waiting.splice(0)) deliver(stream, p.payload, p.at);
  };
  const end = (peerId: string) => {
    const stream = streams.get(peerId);
    if (!stream) return;
    streams.delete(peerId);
    if (stream.opened) send({ type: 'close', stream: stream.id });
  };

  return {
    packet(from: SinkSource, packet: Buffer) {
      if (!allowed.has(from.key)) return;
      const payload = rtpPayload(packet);
      if (!payload?.length) return;
      let stream = streams.get(from.peerId);
      if (!stream) {
        stream = { id: `${roomId}:${from.peerId}`, key: from.key, opened: false, waiting: [] };
        streams.set(from.peerId, stream);
      }
      const at = Date.now() - control.startedAt;
      if (control.port === null) {
        if (stream.waiting.length < MAX_WAITING) stream.waiting.push({ payload: Buffer.from(payload), at });
        return;
      }
      if (stream.waiting.length > 0) flush(stream);
      deliver(stream, payload, at);
    },
    publisherClosed: end,
    control(message: unknown) {
      const next = message as FeedControl;
      // A restarted captions worker (a new port) knows no streams: each opens again.
      if (next.port !== control.port) for (const s of streams.values()) s.opened = false;
      control = next;
      allowed = new Set(next.allowed);
      for (const [peerId, stream] of streams) if (!allowed.has(stream.key)) end(peerId);
      if (control.port !== null) for (const stream of streams.values()) flush(stream);
    },
    async close() {
      for (const peerId of [...streams.keys()]) end(peerId);
      // The close datagrams go out first.
      const s = socket;
      socket = undefined;
      if (s) setTimeout(() => s.close(), 200).unref();
    },
  };
};
