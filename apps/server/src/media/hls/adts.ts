/** ADTS (the framing ffmpeg's AAC encoder writes to a pipe): frames out of a byte stream. */

const RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

export interface AdtsFrame {
  /** The raw AAC frame (no ADTS header): what an MP4 sample holds. */
  data: Uint8Array;
  sampleRate: number;
  channels: number;
  /** AudioSpecificConfig (ISO 14496-3): the decoder config an MP4 `esds` carries. */
  config: Uint8Array;
}

/** Splits a byte stream into ADTS frames; keeps a partial frame until the rest arrives. */
export class AdtsReader {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): AdtsFrame[] {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const frames: AdtsFrame[] = [];
    let at = 0;
    while (buf.length - at >= 7) {
      if (buf[at] !== 0xff || ((buf[at + 1] as number) & 0xf6) !== 0xf0) {
        at++; // resynchronise on the next sync word
        continue;
      }
      const protectionAbsent = (buf[at + 1] as number) & 1;
      const b2 = buf[at + 2] as number;
      const b3 = buf[at + 3] as number;
      const length = ((b3 & 0x03) << 11) | ((buf[at + 4] as number) << 3) | ((buf[at + 5] as number) >> 5);
      if (length < 7) {
        at++;
        continue;
      }
      if (buf.length - at < length) break;
      const profile = (b2 >> 6) + 1;
      const rateIndex = (b2 >> 2) & 0x0f;
      const channels = ((b2 & 1) << 2) | (b3 >> 6);
      const header = protectionAbsent ? 7 : 9;
      frames.push({
        data: new Uint8Array(buf.subarray(at + header, at + length)),
        sampleRate: RATES[rateIndex] ?? 48000,
        channels,
        config: new Uint8Array([(profile << 3) | (rateIndex >> 1), ((rateIndex & 1) << 7) | (channels << 3)]),
      });
      at += length;
    }
    buf = buf.subarray(at);
    this.#pending = Buffer.from(buf);
    return frames;
  }
}
