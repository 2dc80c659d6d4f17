import { closeSync, openSync, writeSync } from 'node:fs';
import { EncodedAudioPacketSource, EncodedPacket, OggOutputFormat, Output, StreamTarget } from 'mediabunny';
import { OPUS_SILENCE, rtpPayload } from '../media/rtp';

/** Opus always counts 48,000 samples a second; a WebRTC frame is 20 ms. */
const RATE = 48_000;
const FRAME = 960;
/** A page is written at least this often, so a crash loses at most about this much. */
const PAGE_SECONDS = 0.5;
/** The longest packet Opus allows (RFC 6716): anything longer is not Opus and is dropped. */
const MAX_PACKET_SAMPLES = 120 * 48;
/** How far RTP time may run ahead of wall time between two packets before it is not believed. */
const SLACK_MS = 1000;

/** The Ogg Opus identification header: mono, no pre-skip (we join a running stream), 48 kHz. */
function opusHead(): Uint8Array {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1; // version
  head[9] = 1; // channels: one voice; stereo packets are mixed down by any decoder
  head.writeUInt16LE(0, 10); // pre-skip
  head.writeUInt32LE(RATE, 12);
  head.writeInt16LE(0, 16); // output gain
  head[18] = 0; // mapping family
  return head;
}

/**
 * One speaker connection's Opus packets, as they arrive, into an Ogg file on disk. No transcoding:
 * the packets are stored as they are. RTP timestamps keep the timing: a gap (mute, packet loss,
 * silence suppression) is filled with Opus silence frames, because Ogg Opus has no other way to
 * say "nothing here" and the file's clock must stay the Space's clock.
 * Pages are written every half second with plain synchronous writes, so a killed process leaves a
 * playable file that ends at most about a second before the kill.
 */
export class TrackWriter {
  readonly #fd: number;
  readonly #output: Output;
  readonly #source = new EncodedAudioPacketSource('opus');
  readonly #ready: Promise<void>;
  #chain: Promise<void>;
  /** The last packet's RTP timestamp, where it went in the file (samples), and when it came. */
  #last?: { ts: number; at: number; wallMs: number };
  /** Samples written so far: where the next packet goes. */
  #written = 0;
  #closed = false;

  constructor(readonly file: string) {
    this.#fd = openSync(file, 'w');
    const fd = this.#fd;
    this.#output = new Output({
      format: new OggOutputFormat({ maximumPageDuration: PAGE_SECONDS }),
      target: new StreamTarget(
        new WritableStream({
          write(chunk) {
            writeSync(fd, chunk.data, 0, chunk.data.length, chunk.position);
          },
        }),
      ),
    });
    this.#output.addAudioTrack(this.#source);
    this.#ready = this.#output.start();
    this.#chain = this.#ready;
  }

  get samples() {
    return this.#written;
  }

  /**
   * Adds one RTP packet (header included) that arrived at `wallMs`. Packets that arrive late or
   * twice are dropped. A jump of the RTP clock beyond the wall time that passed (a sender that
   * restarted its numbering, or garbage) is not believed: the wall time is used instead, so no
   * sender can make the file grow by hours of silence.
   */
  write(rtp: Buffer, wallMs = Date.now()) {
    if (this.#closed) return;
    const payload = rtpPayload(rtp);
    if (!payload || payload.length === 0) return;
    const samples = FRAME * framesIn(payload);
    if (samples <= 0 || samples > MAX_PACKET_SAMPLES) return;
    const ts = rtp.readUInt32BE(4);
    let at = 0;
    if (this.#last) {
      const step = (ts - this.#last.ts) | 0; // signed: the 32-bit RTP clock wraps
      if (step <= 0) return; // a duplicate or a late packet
      const elapsed = Math.max(0, wallMs - this.#last.wallMs);
      const believable = step <= (elapsed + SLACK_MS) * (RATE / 1000);
      at = this.#last.at + (believable ? step : Math.round((elapsed * (RATE / 1000)) / FRAME) * FRAME);
    }
    const gap = at - this.#written;
    if (gap < -FRAME / 2) return; // overlaps what is written
    this.#last = { ts, at, wallMs };
    const packets: Uint8Array[] = [];
    for (let filled = FRAME; filled <= gap; filled += FRAME) packets.push(OPUS_SILENCE);
    packets.push(Buffer.from(payload)); // the packet buffer may be reused after this call
    for (const data of packets) this.#add(data, data === OPUS_SILENCE ? FRAME : samples);
  }

  /** Writes what is buffered and the last page; the file is complete after this resolves. */
  async close() {
    if (this.#closed) return this.#chain;
    this.#closed = true;
    this.#chain = this.#chain
      .then(async () => {
        if (this.#written > 0) await this.#output.finalize();
        else await this.#output.cancel();
      })
      .finally(() => closeSync(this.#fd));
    return this.#chain;
  }

  #add(data: Uint8Array, samples: number) {
    const timestamp = this.#written / RATE;
    this.#written += samples;
    const packet = new EncodedPacket(data, 'key', timestamp, samples / RATE);
    const meta =
      timestamp === 0
        ? { decoderConfig: { codec: 'opus' as const, numberOfChannels: 1, sampleRate: RATE, description: opusHead() } }
        : undefined;
    this.#chain = this.#chain.then(() => this.#source.add(packet, meta));
  }
}

/** How many 20 ms frames an Opus packet holds (its TOC byte, RFC 6716 §3.1); WebRTC sends one. */
function framesIn(data: Uint8Array): number {
  const toc = data[0] ?? 0;
  const config = toc >> 3;
  const code = toc & 3;
  // Frame length in 2.5 ms units by config (SILK 10/20/40/60, Hybrid 10/20, CELT 2.5/5/10/20).
  const tenths =
    config < 12 ? [10, 20, 40, 60][config & 3] : config < 16 ? [10, 20][config & 1] : [2.5, 5, 10, 20][config & 3];
  const count = code === 0 ? 1 : code === 3 ? (data[1] ?? 0) & 0x3f : 2;
  return ((tenths ?? 20) * count) / 20;
}
