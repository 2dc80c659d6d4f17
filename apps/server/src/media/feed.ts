import type { Source } from './subscriber';

/**
 * The feed between workers: the home room's worker sends each forwarded packet once to every
 * other worker that has listeners of the room, as one UDP datagram on loopback:
 * [1 byte version][1 byte slot (255: the mix)][1 byte, 0][1 byte room id length]
 * [4 bytes source][room id][the RTP packet].
 */
const VERSION = 2;
const HEADER = 8;

/** Encodes a packet for the feed; `room` is the room id's bytes (kept by the caller). */
export function encodeFeed(room: Buffer, from: Source, packet: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + room.length + packet.length);
  out[0] = VERSION;
  out[1] = from.slot;
  out[2] = 0;
  out[3] = room.length;
  out.writeUInt32BE(from.source >>> 0, 4);
  room.copy(out, HEADER);
  packet.copy(out, HEADER + room.length);
  return out;
}

export interface FedPacket {
  roomId: string;
  slot: number;
  source: number;
  packet: Buffer;
}

/** Decodes a feed datagram, or undefined for anything else (the socket is on loopback only). */
export function decodeFeed(datagram: Buffer): FedPacket | undefined {
  if (datagram.length < HEADER || datagram[0] !== VERSION) return undefined;
  const length = datagram[3] as number;
  if (datagram.length < HEADER + length + 12) return undefined;
  return {
    slot: datagram[1] as number,
    source: datagram.readUInt32BE(4),
    roomId: datagram.toString('utf8', HEADER, HEADER + length),
    packet: datagram.subarray(HEADER + length),
  };
}
