/**
 * The captions feed on loopback UDP, from the feed sink (beside each media room, in a media
 * worker) to the captions worker: [1 byte type][1 byte stream id length][stream id] then, for
 * `open`, JSON ({ vocabulary, spaceId, userId }); for `packet`, [4 bytes ms into the Space][Opus payload].
 */
export type FeedMessage =
  | { type: 'open'; stream: string; vocabulary: string[]; spaceId: string; userId: string }
  | { type: 'packet'; stream: string; at: number; payload: Uint8Array }
  | { type: 'close'; stream: string };

const TYPES = { open: 1, packet: 2, close: 3 } as const;

export function encodeFeedMessage(m: FeedMessage): Buffer {
  const stream = Buffer.from(m.stream);
  const head = Buffer.from([TYPES[m.type], stream.length]);
  if (m.type === 'open') {
    const { vocabulary, spaceId, userId } = m;
    return Buffer.concat([head, stream, Buffer.from(JSON.stringify({ vocabulary, spaceId, userId }))]);
  }
  if (m.type === 'close') return Buffer.concat([head, stream]);
  const at = Buffer.alloc(4);
  at.writeUInt32BE(Math.max(0, Math.round(m.at)) >>> 0);
  return Buffer.concat([head, stream, at, m.payload]);
}

export function decodeFeedMessage(d: Buffer): FeedMessage | undefined {
  if (d.length < 2) return undefined;
  const end = 2 + (d[1] as number);
  const stream = d.toString('utf8', 2, end);
  if (d[0] === TYPES.close) return { type: 'close', stream };
  if (d[0] === TYPES.packet && d.length > end + 4)
    return { type: 'packet', stream, at: d.readUInt32BE(end), payload: d.subarray(end + 4) };
  if (d[0] === TYPES.open) {
    try {
      const meta = JSON.parse(d.toString('utf8', end)) as { vocabulary: string[]; spaceId: string; userId: string };
      return { type: 'open', stream, vocabulary: meta.vocabulary ?? [], spaceId: meta.spaceId, userId: meta.userId };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
