import { RtcpReceivingSession, type Track } from 'node-datachannel';
import type { SinkSource } from './api';
import { loopBehind } from './loop-lag';
import { guard, Peer, type PeerSettings } from './peer';
import { audioLevel, isRtp, Lateness, OPUS_SILENCE, SILENT } from './rtp';
import type { AudioSection } from './sdp';

/**
 * A packet this much later than its speaker's pace, while this process's loop is behind, waited in
 * libdatachannel's queue here: it is not sent live. A listener is better off with a gap than with
 * audio that falls further behind, and skipping it is what lets a worker that fell behind catch up.
 * Generous: network jitter is far less.
 */
export const LATE_MS = 2000;
/** Later than this while the loop is on time: the sender's clock fell behind (see Lateness.rebase). */
const SENDER_LAG_MS = 500;

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
            const now = performance.now();
            const lateness = this.#lateness.of(packet, now);
            let late = false;
            if (lateness > SENDER_LAG_MS) {
              if (loopBehind(now)) late = lateness > LATE_MS;
              // Late while the loop is on time: the sender's clock fell behind ours; its pace from here on.
              else this.#lateness.rebase();
            }
            onPacket(this, packet, late);
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
