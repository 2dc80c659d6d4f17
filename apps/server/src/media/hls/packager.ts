import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { EncodedAudioPacketSource, EncodedPacket, Mp4OutputFormat, NullTarget, Output } from 'mediabunny';
import { spawnTool } from '../spawn-tool';
import { type AdtsFrame, AdtsReader } from './adts';

export const SAMPLE_RATE = 48_000;
/** An AAC-LC frame: 1024 samples. */
const FRAME_SECONDS = 1024 / SAMPLE_RATE;
/** Nine AAC frames (192 ms) make a part: a fragment starts once the open one reaches this. */
export const PART_SECONDS = 9 * FRAME_SECONDS;

export interface PackagerOptions {
  bitrate?: string;
  /** The fMP4 header (ftyp + moov): the playlist's EXT-X-MAP. */
  onInit(data: Uint8Array): void;
  /** One moof + mdat: an LL-HLS part. `start` is its media time in seconds. */
  onPart(data: Uint8Array, start: number, duration: number): void;
  onError(err: Error): void;
}

/**
 * PCM (48 kHz mono s16) in, fragmented MP4 parts of AAC-LC out: Debian's ffmpeg encodes (through
 * pipes, ADTS back), mediabunny writes a moof + mdat per ~200 ms.
 */
export class HlsPackager {
  readonly #ffmpeg: ChildProcessWithoutNullStreams;
  readonly #adts = new AdtsReader();
  readonly #output: Output;
  readonly #source = new EncodedAudioPacketSource('aac');
  #chain: Promise<unknown> = Promise.resolve();
  #frames = 0;
  #adding = 0;
  #init: Uint8Array[] = [];
  #moof: Uint8Array | null = null;
  #moofStart = 0;
  #configured = false;
  #ended: Promise<void>;
  #closed = false;

  constructor(private readonly options: PackagerOptions) {
    this.#output = new Output({
      target: new NullTarget(),
      format: new Mp4OutputFormat({
        fastStart: 'fragmented',
        // A fragment closes when the next frame reaches this: nine frames per part.
        minimumFragmentDuration: PART_SECONDS - FRAME_SECONDS / 2,
        onFtyp: (data) => this.#init.push(data.slice()),
        onMoov: (data) => {
          this.#init.push(data.slice());
          options.onInit(Buffer.concat(this.#init));
        },
        onMoof: (data, _position, start) => {
          this.#moof = data.slice();
          this.#moofStart = start;
        },
        onMdat: (data) => {
          if (!this.#moof) return;
          const end = this.#closed ? this.#frames * FRAME_SECONDS : this.#adding;
          options.onPart(Buffer.concat([this.#moof, data]), this.#moofStart, end - this.#moofStart);
          this.#moof = null;
        },
      }),
    });
    this.#output.addAudioTrack(this.#source);
    this.#chain = this.#output.start();
    this.#ffmpeg = spawnTool('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
      ...['-probesize', '32', '-analyzeduration', '0', '-fflags', 'nobuffer'],
      ...['-f', 's16le', '-ar', String(SAMPLE_RATE), '-ac', '1', '-i', 'pipe:0'],
      ...['-c:a', 'aac', '-b:a', options.bitrate ?? '64k', '-f', 'adts', '-flush_packets', '1', 'pipe:1'],
    ]);
    let stderr = '';
    this.#ffmpeg.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    this.#ffmpeg.stdin.on('error', () => {}); // ffmpeg gone: the exit handler reports it
    this.#ffmpeg.stdout.on('data', (chunk: Buffer) => {
      for (const frame of this.#adts.push(chunk)) this.#add(frame);
    });
    this.#ended = new Promise((resolve) => {
      this.#ffmpeg.on('error', (err) => {
        options.onError(err);
        resolve();
      });
      this.#ffmpeg.on('close', (code) => {
        if (code !== 0 && !this.#closed) options.onError(new Error(`ffmpeg exited with ${code}: ${stderr}`));
        resolve();
      });
    });
  }

  /** 20 ms (or any length) of 48 kHz mono PCM. */
  write(pcm: Int16Array) {
    if (this.#closed) return;
    // A copy: the mix reuses its frame buffer.
    this.#ffmpeg.stdin.write(Buffer.copyBytesFrom(pcm));
  }

  /** Encodes what is left, writes the last part, stops ffmpeg. */
  async close() {
    if (this.#closed) return;
    this.#ffmpeg.stdin.end();
    await this.#ended;
    this.#closed = true;
    await this.#chain;
    if (this.#configured) await this.#output.finalize().catch((err: Error) => this.options.onError(err));
    else await this.#output.cancel();
  }

  /** Stops at once (the room is gone): no last part. */
  kill() {
    this.#closed = true;
    this.#ffmpeg.kill('SIGKILL');
    void this.#chain.then(() => this.#output.cancel()).catch(() => {});
  }

  #add(frame: AdtsFrame) {
    const timestamp = this.#frames * FRAME_SECONDS;
    this.#frames++;
    const packet = new EncodedPacket(frame.data, 'key', timestamp, FRAME_SECONDS);
    const meta = this.#configured
      ? undefined
      : {
          decoderConfig: {
            codec: 'mp4a.40.2',
            sampleRate: frame.sampleRate,
            numberOfChannels: frame.channels,
            description: frame.config,
          },
        };
    this.#configured = true;
    this.#chain = this.#chain
      .then(() => {
        this.#adding = timestamp;
        return this.#source.add(packet, meta);
      })
      .catch((err: Error) => this.options.onError(err));
  }
}
