/**
 * RTP/RTCP as the SFU needs it: tell RTCP from RTP, read the audio level (RFC 6464) without
 * decoding, and rewrite SSRC, sequence number, timestamp and payload type for one subscriber.
 * node-datachannel hands us decrypted packets and copies what we send, so one scratch buffer serves
 * every send.
 */

/** RTCP packet types 192–223 show as 64–95 once the marker bit is masked (RFC 5761). */
export function isRtcp(packet: Buffer): boolean {
  if (packet.length < 2) return false;
  const type = packet[1]! & 0x7f;
  return type >= 64 && type <= 95;
}

/** A packet we can forward: version 2 and a whole fixed header with its CSRCs and extension. */
export function isRtp(packet: Buffer): boolean {
  if (packet.length < 12 || packet[0]! >> 6 !== 2 || isRtcp(packet)) return false;
  return payloadOffset(packet) <= packet.length;
}

function payloadOffset(packet: Buffer): number {
  let offset = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return Number.POSITIVE_INFINITY;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  return offset;
}

export const SILENT = 127;

/** Opus RTP timestamps run at 48 kHz. */
const RTP_PER_MS = 48;
/** How fast the least transit time may rise: 500 ppm, far above real clock drift, far below a queue that builds up. */
const DRIFT = 0.0005;

/**
 * How late each packet of one RTP stream reaches us (ms), against the stream's own pace: its
 * timestamps against our clock, from the least delayed packet so far. A packet that waited in a
 * queue (a worker that fell behind: libdatachannel queues packets for JavaScript without bound)
 * is late by the time it waited. Timestamps that jump back while the sequence goes on (a sender
 * that restarted its clock) start the measure over; so does `rebase`, for a sender whose clock fell
 * behind ours (libwebrtc counts timestamps in samples captured, so a pause in capture shows as lag).
 */
export class Lateness {
  /** The least (arrival - media time) so far, and when it last moved. */
  #floor = Number.NaN;
  #floorAt = 0;
  /** The last in-order packet: its sequence number, timestamp, and media time unwrapped (ms). */
  #seq = 0;
  #ts = 0;
  #media = 0;
  #lastOffset = 0;

  of(packet: Buffer, now: number): number {
    const seq = packet.readUInt16BE(2);
    const ts = packet.readUInt32BE(4);
    if (Number.isNaN(this.#floor)) {
      this.#seq = seq;
      this.#ts = ts;
      this.#floor = now;
      this.#floorAt = now;
      return 0;
    }
    const media = this.#media + ((ts - this.#ts) | 0) / RTP_PER_MS;
    const offset = now - media;
    if (((seq - this.#seq) & 0xffff) < 0x8000) {
      if (media < this.#media) this.#floor = offset;
      this.#seq = seq;
      this.#ts = ts;
      this.#media = media;
    }
    this.#floor = Math.min(offset, this.#floor + (now - this.#floorAt) * DRIFT);
    this.#floorAt = now;
    this.#lastOffset = offset;
    return offset - this.#floor;
  }

  /** Takes the last packet as on time from now on. */
  rebase() {
    this.#floor = this.#lastOffset;
  }
}

/** One 20 ms Opus frame of silence (RFC 6716 code 0, CELT fullband, all zero). */
export const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

/**
 * The audio level in -dBov (0 loudest, 127 silent) from a one-byte header extension with `id`,
 * or undefined when the packet carries none.
 */
export function audioLevel(packet: Buffer, id: number): number | undefined {
  const b0 = packet[0]!;
  if (!(b0 & 0x10)) return undefined;
  const start = 12 + (b0 & 0x0f) * 4;
  if (packet.length < start + 4 || packet.readUInt16BE(start) !== 0xbede) return undefined;
  const end = Math.min(packet.length, start + 4 + packet.readUInt16BE(start + 2) * 4);
  for (let i = start + 4; i < end; ) {
    const byte = packet[i]!;
    if (byte === 0) {
      i += 1; // padding
      continue;
    }
    const extId = byte >> 4;
    if (extId === 15) return undefined;
    const length = (byte & 0x0f) + 1;
    if (extId === id) return i + 1 < end ? packet[i + 1]! & 0x7f : undefined;
    i += 1 + length;
  }
  return undefined;
}

const scratch = Buffer.allocUnsafe(65_536);
const SAMPLES_PER_FRAME = 960; // 20 ms of Opus at 48 kHz

/**
 * One outgoing stream to one subscriber: its own SSRC, and sequence numbers and timestamps that
 * stay continuous when the source changes (a reconnecting speaker, the dominant speaker in a
 * single-track player) or pauses (a muted speaker: no 10-second "loss" at the receiver).
 */
export class RtpRewriter {
  #source = -1;
  #seqDelta = 0;
  #tsDelta = 0;
  #lastSeqIn = 0;
  #lastSeqOut = Math.floor(Math.random() * 0xffff);
  #lastTsOut = Math.floor(Math.random() * 0xffffffff);
  #lastSentAt = 0;

  constructor(
    readonly ssrc: number,
    readonly payloadType: number,
  ) {}

  /** The rewritten copy of `packet` (from `source`), valid until the next call on any rewriter. */
  rewrite(packet: Buffer, source: number, now: number): Buffer {
    const seqIn = packet.readUInt16BE(2);
    const tsIn = packet.readUInt32BE(4);
    const gap = (seqIn - this.#lastSeqIn) & 0xffff;
    const jumped = gap > 50 && gap < 0x10000 - 50; // not a reordered or repeated packet
    if (source !== this.#source || jumped) {
      // New source, or a jump: continue our numbering, with the wall-clock pause in the timestamp.
      const elapsed = this.#lastSentAt ? Math.max(SAMPLES_PER_FRAME, Math.round((now - this.#lastSentAt) * 48)) : 0;
      this.#seqDelta = (this.#lastSeqOut + 1 - seqIn) & 0xffff;
      this.#tsDelta = (this.#lastTsOut + elapsed - tsIn) >>> 0;
      this.#source = source;
      // From here on, numbers count from this packet (not from 0: a stream whose sequence
      // started at 0x8000 or above read as a jump on every packet, and each one added its
      // arrival jitter to the timestamp: listeners drifted further behind every second).
      this.#lastSeqIn = seqIn;
    } else if (gap < 0x8000) this.#lastSeqIn = seqIn;
    const seqOut = (seqIn + this.#seqDelta) & 0xffff;
    const tsOut = (tsIn + this.#tsDelta) >>> 0;
    this.#lastSeqOut = seqOut;
    this.#lastTsOut = tsOut;
    this.#lastSentAt = now;
    const out = scratch.subarray(0, packet.length);
    packet.copy(out);
    out[1] = (packet[1]! & 0x80) | this.payloadType;
    out.writeUInt16BE(seqOut, 2);
    out.writeUInt32BE(tsOut, 4);
    out.writeUInt32BE(this.ssrc, 8);
    return out;
  }
}

/** The payload of an RTP packet: after the header, CSRCs and extension, before padding. */
export function rtpPayload(rtp: Buffer): Buffer | undefined {
  const first = rtp[0] ?? 0;
  if (rtp.length < 12) return undefined;
  let offset = 12 + (first & 0x0f) * 4;
  if (first & 0x10) {
    if (rtp.length < offset + 4) return undefined;
    offset += 4 + rtp.readUInt16BE(offset + 2) * 4;
  }
  let end = rtp.length;
  if (first & 0x20) end -= rtp[rtp.length - 1] ?? 0;
  return end > offset ? rtp.subarray(offset, end) : undefined;
}
