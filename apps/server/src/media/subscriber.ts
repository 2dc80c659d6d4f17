import { randomBytes } from 'node:crypto';
import { Audio, RtcpSrReporter, RtpPacketizationConfig, type Track } from 'node-datachannel';
import { MIX_SLOT } from './mix';
import { guard, Peer, type PeerSettings } from './peer';
import { OPUS_SILENCE, RtpRewriter } from './rtp';
import { AUDIO_LEVEL_URI, type Offer } from './sdp';

/** An RTP packet of 20 ms of Opus silence; its source id differs from every publisher's. */
const KEEPALIVE = Buffer.concat([Buffer.from([0x80, 111, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), OPUS_SILENCE]);
const KEEPALIVE_SOURCE = -1;

/** Where a forwarded packet comes from: a publisher here, or one fed from another worker. */
export interface Source {
  slot: number;
  /** Changes with each new publisher connection, so players renumber smoothly. */
  source: number;
}

interface Output {
  track: Track;
  rewriter: RtpRewriter;
  open: boolean;
}

/**
 * A listener over WHEP. An offer with one audio section gets the room's mix (any WHEP player, and
 * our web app in big rooms or on "Data saver"); an offer with a section per stage slot gets each
 * speaker on their own track, so the page can show who talks and set a volume per speaker.
 */
export class Subscriber extends Peer {
  readonly perSpeaker: boolean;
  readonly #outputs: Output[] = [];
  /** The audio-level extension id this mix listener negotiated, if any. */
  readonly #levelId?: number;
  #lastSentAt = 0;
  #keepaliveSeq = 0;

  constructor(
    settings: PeerSettings,
    onError: (err: unknown) => void,
    readonly key: string,
    offer: Offer,
  ) {
    super(settings, onError);
    this.perSpeaker = offer.sections.length > 1;
    if (!this.perSpeaker) this.#levelId = offer.sections[0]?.audioLevelId;
    const cname = randomBytes(8).toString('hex');
    for (const section of offer.sections) {
      const ssrc = randomBytes(4).readUInt32BE() || 1;
      const audio = new Audio(section.mid, 'SendOnly');
      audio.addOpusCodec(section.opusPayloadType);
      audio.addSSRC(ssrc, cname, `earshot-${cname}`, `slot-${section.mid}`);
      // The mix carries the loudest speaker's level, for players that asked for it.
      if (this.#levelId) audio.parseSdpLine(`a=extmap:${this.#levelId} ${AUDIO_LEVEL_URI}`);
      const track = this.pc.addTrack(audio);
      // Sender reports let the player line up timing and measure round trips.
      track.setMediaHandler(
        new RtcpSrReporter(new RtpPacketizationConfig(ssrc, cname, section.opusPayloadType, 48_000)),
      );
      const output: Output = { track, rewriter: new RtpRewriter(ssrc, section.opusPayloadType), open: false };
      track.onOpen(guard(onError, () => (output.open = true)));
      track.onClosed(guard(onError, () => (output.open = false)));
      // Receiver reports from the player: proof of life when nothing else comes back.
      track.onMessage(guard(onError, () => this.heardFrom()));
      this.#outputs.push(output);
    }
  }

  /** Sends one packet of `from` on its slot's track, or the mix on the single track. */
  deliver(from: Source, packet: Buffer, now: number): boolean {
    const output = this.perSpeaker ? this.#outputs[from.slot] : from.slot === MIX_SLOT ? this.#outputs[0] : undefined;
    if (!output?.open) return false;
    this.#lastSentAt = now;
    try {
      const out = output.rewriter.rewrite(packet, from.source, now);
      if (this.#levelId && from.slot === MIX_SLOT) out[16] = (this.#levelId << 4) | ((out[16] as number) & 0x0f);
      return output.track.sendMessageBinary(out);
    } catch {
      // The track closed under us (the peer left); the reaper or its close event cleans up.
      output.open = false;
      return false;
    }
  }

  /**
   * In a quiet room a player receives nothing, so it sends no receiver reports and we could not
   * tell it from a vanished one (and NAT bindings expire). One frame of Opus silence after `idleMs`
   * without packets keeps its reports coming; it costs nothing while anyone speaks.
   */
  keepAlive(now: number, idleMs: number) {
    const output = this.#outputs[0];
    if (!output?.open || now - this.#lastSentAt < idleMs) return;
    this.#lastSentAt = now;
    const seq = this.#keepaliveSeq++;
    KEEPALIVE.writeUInt16BE(seq & 0xffff, 2);
    KEEPALIVE.writeUInt32BE((seq * 960) >>> 0, 4);
    try {
      output.track.sendMessageBinary(output.rewriter.rewrite(KEEPALIVE, KEEPALIVE_SOURCE, now));
    } catch {
      output.open = false;
    }
  }

  protected closeTracks() {
    for (const o of this.#outputs) {
      o.open = false;
      try {
        o.track.close();
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
