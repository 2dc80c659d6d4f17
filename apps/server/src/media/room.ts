import { EventEmitter } from 'node:events';
import type { CloseReason, PeerKind, RoomSink } from './api';
import { MIX_SLOT, type MixOptions, RoomMix, registerMix } from './mix';
import type { PeerSettings } from './peer';
import { Publisher } from './publisher';
import { SILENT } from './rtp';
import { parseListenOffer, parsePublishOffer } from './sdp';
import { type Source, Subscriber } from './subscriber';

/** Louder than this (in -dBov; 0 is loudest) counts as speaking. Speech sits around 20–45. */
const SPEAKING_LEVEL = 55;
/** How long a speaker stays "speaking" after the last loud packet: words have gaps. */
const HOLD_MS = 600;
/** Levels are read this often, so "speaking" changes at most 5 times a second per speaker. */
const TICK_MS = 200;
/** A listener that has received nothing this long gets a frame of silence (see Subscriber.keepAlive). */
const KEEPALIVE_MS = 2000;

export interface RoomEvents {
  /** A publisher started or stopped speaking (by key). */
  speaking: [key: string, speaking: boolean];
  peerClosed: [peer: Publisher | Subscriber, kind: PeerKind, reason: CloseReason];
  closed: [];
}

/** Receives every packet the room forwards and its mix, for listeners elsewhere (the feed to another worker). */
export type Output = (from: Source, packet: Buffer) => void;

/**
 * One room's media in this process. A home room owns the publishers (speakers), forwards every
 * unmuted speaker's packets to its subscribers (listeners), its sinks, its mix and its outputs
 * (other workers), and reads speaking levels. A relay room has no publishers: it delivers packets
 * fed from the home room's worker to the listeners of this worker. Per-speaker listeners get each
 * slot on its own track; one-track listeners get the mix. It knows nothing of users or HTTP.
 */
export class MediaRoom extends EventEmitter<RoomEvents> {
  readonly #publishers = new Set<Publisher>();
  readonly #subscribers = new Set<Subscriber>();
  readonly #speaking = new Map<Publisher, number>();
  readonly #outputs = new Set<Output>();
  /** Fed sources by slot, reused so a relayed packet allocates nothing. */
  readonly #fed = new Map<number, Source>();
  readonly #tick: NodeJS.Timeout;
  /** The home room's mix (a relay room is fed it), its source, and its listeners elsewhere. */
  readonly mix?: RoomMix;
  readonly #mixSource: Source = { slot: MIX_SLOT, source: 0 };
  readonly #unregisterMix?: () => void;
  #remoteMixListeners = 0;
  #closed = false;
  forwarded = 0;
  /** Packets too late to send live (see LATE_MS): the sinks had them, listeners did not. */
  late = 0;

  constructor(
    readonly id: string,
    private readonly settings: PeerSettings,
    private readonly onError: (err: unknown) => void,
    readonly sinks: RoomSink[] = [],
    /** Given for a home room: it mixes. */
    mix?: MixOptions,
  ) {
    super();
    if (mix) {
      this.mix = new RoomMix(id, (packet) => this.#sendMix(packet), onError, mix);
      this.#unregisterMix = registerMix(this.mix);
    }
    this.#tick = setInterval(() => {
      const now = performance.now();
      for (const s of this.#subscribers) s.keepAlive(now, KEEPALIVE_MS);
      this.#readLevels();
    }, TICK_MS);
    this.#tick.unref();
  }

  get closed() {
    return this.#closed;
  }

  /** Answers a WHIP offer. Throws SdpError for an offer we cannot serve, before any peer exists. */
  async publish(offerSdp: string, options: { key: string; slot: number; muted: boolean }) {
    const offer = parsePublishOffer(offerSdp, this.settings.privateCandidates);
    this.#assertOpen();
    const publisher = new Publisher(
      this.settings,
      this.onError,
      options.key,
      options.slot,
      offer,
      (from, packet, late) => this.#forward(from, packet, late),
    );
    publisher.muted = options.muted;
    this.#publishers.add(publisher);
    publisher.once('closed', (reason) => {
      this.#publishers.delete(publisher);
      if (this.#speaking.delete(publisher)) this.emit('speaking', publisher.key, false);
      this.mix?.publisherClosed(publisher.id);
      for (const sink of this.sinks) this.#guard(() => sink.publisherClosed(publisher.id));
      this.emit('peerClosed', publisher, 'publisher', reason);
    });
    return { peer: publisher, answer: await this.#start(publisher, offer.trimmed) };
  }

  /** Answers a WHEP offer. */
  async subscribe(offerSdp: string, options: { key: string }) {
    const offer = parseListenOffer(offerSdp, this.settings.privateCandidates);
    this.#assertOpen();
    const subscriber = new Subscriber(this.settings, this.onError, options.key, offer);
    this.#subscribers.add(subscriber);
    if (!subscriber.perSpeaker) this.#mixDemand();
    subscriber.once('closed', (reason) => {
      this.#subscribers.delete(subscriber);
      if (!subscriber.perSpeaker) this.#mixDemand();
      this.emit('peerClosed', subscriber, 'subscriber', reason);
    });
    return { peer: subscriber, answer: await this.#start(subscriber, offer.trimmed) };
  }

  /** Server-side mute: the speaker's packets stop here. */
  setMuted(key: string, muted: boolean) {
    for (const p of this.#publishers) {
      if (p.key !== key || p.muted === muted) continue;
      if (muted) for (const packet of p.silence(5)) this.#forward(p, packet);
      p.muted = muted;
    }
  }

  /** Adds an output; returns its removal. An output must not keep the packet (it is reused). */
  output(output: Output) {
    this.#outputs.add(output);
    return () => this.#outputs.delete(output);
  }

  /** One-track listeners of this room in other workers (they take the mix from here). */
  setRemoteMixListeners(count: number) {
    this.#remoteMixListeners = count;
    this.#mixDemand();
  }

  /** A packet fed from the home room's worker, for this worker's listeners. */
  relayed(slot: number, source: number, packet: Buffer) {
    if (this.#closed) return;
    let from = this.#fed.get(slot);
    if (!from) {
      from = { slot, source };
      this.#fed.set(slot, from);
    }
    from.source = source;
    const now = performance.now();
    for (const s of this.#subscribers) if (s.deliver(from, packet, now)) this.forwarded += 1;
  }

  publishers() {
    return [...this.#publishers];
  }

  subscribers() {
    return [...this.#subscribers];
  }

  stats() {
    return {
      publishers: this.#publishers.size,
      subscribers: this.#subscribers.size,
      forwarded: this.forwarded,
      late: this.late,
    };
  }

  /** Closes peers that have sent neither media nor RTCP for `idleMs`. */
  reap(now: number, idleMs: number) {
    for (const peer of [...this.#publishers, ...this.#subscribers]) if (peer.idle(now, idleMs)) peer.close('timeout');
  }

  /** Closes every peer, then waits for the sinks to finish. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#tick);
    this.#outputs.clear();
    for (const peer of [...this.#publishers, ...this.#subscribers]) peer.close('room-closed');
    this.mix?.close();
    this.#unregisterMix?.();
    await Promise.allSettled(this.sinks.map((sink) => sink.close()));
    this.emit('closed');
  }

  #guard(fn: () => void) {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }

  async #start(peer: Publisher | Subscriber, trimmed: string) {
    try {
      return await peer.start(trimmed, this.settings.answerTimeoutMs);
    } catch (err) {
      peer.close('failed');
      throw err;
    }
  }

  #assertOpen() {
    if (this.#closed) throw new Error('the media room is closed');
  }

  #forward(from: Publisher, packet: Buffer, late = false) {
    if (from.muted || from.closed) return;
    if (late) {
      // The sinks get it (the recording keeps every word; captions come late); listeners, other workers and the mix are live.
      this.late += 1;
      this.#toSinks(from, packet);
      return;
    }
    const now = performance.now();
    for (const s of this.#subscribers) if (s.deliver(from, packet, now)) this.forwarded += 1;
    for (const output of this.#outputs) output(from, packet);
    this.#toSinks(from, packet);
    this.mix?.packet(from.id, packet);
  }

  #toSinks(from: Publisher, packet: Buffer) {
    for (const sink of this.sinks) this.#guard(() => sink.packet(from.sinkSource, packet));
  }

  /** The mix runs while any one-track listener (here or elsewhere) or PCM consumer takes it. */
  #mixDemand() {
    if (!this.mix) return;
    let here = 0;
    for (const s of this.#subscribers) if (!s.perSpeaker) here += 1;
    this.mix.setListeners(here + this.#remoteMixListeners);
  }

  /** One encoded mix packet, for this worker's one-track listeners and the other workers'. */
  #sendMix(packet: Buffer) {
    if (this.#closed || !this.mix) return;
    this.#mixSource.source = this.mix.source;
    const now = performance.now();
    for (const s of this.#subscribers)
      if (!s.perSpeaker && s.deliver(this.#mixSource, packet, now)) this.forwarded += 1;
    for (const output of this.#outputs) output(this.#mixSource, packet);
  }

  /** Turns packet levels into speaking changes. */
  #readLevels() {
    const now = Date.now();
    for (const p of this.#publishers) {
      const level = p.muted ? SILENT : p.peakLevel;
      p.peakLevel = SILENT;
      if (level <= SPEAKING_LEVEL) {
        if (!this.#speaking.has(p)) this.emit('speaking', p.key, true);
        this.#speaking.set(p, now);
      } else {
        const since = this.#speaking.get(p);
        if (since !== undefined && (p.muted || now - since >= HOLD_MS)) {
          this.#speaking.delete(p);
          this.emit('speaking', p.key, false);
        }
      }
    }
  }
}
