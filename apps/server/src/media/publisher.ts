import { RtcpReceivingSession, type Track } from 'node-datachannel';
import type { SinkSource } from './api';
import { guard, Peer, type PeerSettings } from './peer';
import { audioLevel, isRtp, Lateness, OPUS_SILENCE, SILENT } from './rtp';
import type { AudioSection } from './sdp';

/**
 * A packet this much later than its speaker's pace is not sent live: a listener is better off with a
 * gap than with audio that falls further behind, and skipping it is what lets a worker that fell
 * behind catch up. Generous: network jitter is far less, and so is the lag of a sender whose clock
 * skipped a few frames under load (Chromium's fake microphone on a busy machine).
 */
export const LATE_MS = 2000;

/** A speaker's microphone, received over WHIP. The room decides where its packets go. */
export class Publisher extends Peer {
  /** Set by the room: a muted speaker's packets are dropped here, at the server. */
  muted = true;
  /** Changes when a new connection replaces this one, so subscribers renumber smoothly. */
  readonly source = Math.floor(Math.random() * 0x7fffffff);
  /** Loudest level (lowest -dBov) since the room last looked. */
  peakLevel = SILENT;
  packets = 0;
  readonly #lateness = new Lateness();
  /** How sinks see this publisher. */
  readonly sinkSource: SinkSource;
  /** The last packet's fixed header, to continue its numbering with silence frames. */
  readonly #lastHeader = Buffer.alloc(12);
  // node-datachannel stops delivering on a track that JavaScript lets go of: keep it here.
  #track?: Track;

  constructor(
    settings: PeerSettings,
    onError: (err: unknown) => void,
    readonly key: string,
    readonly slot: number,
    private readonly section: AudioSection,
    onPacket: (from: Publisher, packet: Buffer, late: boolean) => void,
  ) {
    super(settings, onError);
    this.sinkSource = { peerId: this.id, key, slot };
    this.pc.onTrack(
      guard(onError, (track: Track) => {
        this.#track = track;
        track.setMediaHandler(new RtcpReceivingSession());
        track.onMessage(
          guard(onError, (packet: Buffer) => {
            this.heardFrom();
            if (!isRtp(packet)) return;
            this.packets += 1;
            packet.copy(this.#lastHeader, 0, 0, 12);
            const level = this.section.audioLevelId ? audioLevel(packet, this.section.audioLevelId) : undefined;
            if (level !== undefined && level < this.peakLevel) this.peakLevel = level;
            onPacket(this, packet, this.#lateness.of(packet, performance.now()) > LATE_MS);
          }),
        );
      }),
    );
  }

  /**
   * `count` packets of Opus silence that continue this speaker's stream. Sent when the speaker is
   * muted so players play silence at once instead of fading out a guessed continuation (PLC).
   */
  silence(count: number): Buffer[] {
    if (this.packets === 0) return [];
    const seq = this.#lastHeader.readUInt16BE(2);
    const ts = this.#lastHeader.readUInt32BE(4);
    return Array.from({ length: count }, (_, i) => {
      const packet = Buffer.concat([this.#lastHeader, OPUS_SILENCE]);
      packet[0] = 0x80; // version 2, no padding, extension or CSRC
      packet.writeUInt16BE((seq + i + 1) & 0xffff, 2);
      packet.writeUInt32BE((ts + (i + 1) * 960) >>> 0, 4);
      return packet;
    });
  }

  protected closeTracks() {
    try {
      this.#track?.close();
    } catch (err) {
      this.onError(err);
    }
  }
}
