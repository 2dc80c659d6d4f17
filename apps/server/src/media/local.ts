import { createSocket, type Socket } from 'node:dgram';
import type { CloseReason, Connected, CreateSink, MediaEvent, PeerInfo, PeerKind, PublishOptions } from './api';
import { decodeFeed, encodeFeed } from './feed';
import { loopBehind } from './loop-lag';
import type { MixOptions } from './mix';
import type { PeerSettings } from './peer';
import type { Publisher } from './publisher';
import { MediaRoom } from './room';
import type { Subscriber } from './subscriber';

export interface LoadedSink {
  name: string;
  create: CreateSink;
  options?: unknown;
}

export interface LocalOptions {
  settings: PeerSettings;
  /** A peer silent this long (no media, RTCP or ICE consent) is closed. */
  peerTimeoutMs: number;
  onError: (err: unknown) => void;
  sinks: LoadedSink[];
  emit: (event: MediaEvent) => void;
  /** This process's worker number (0 in-process). */
  worker: number;
  mix: MixOptions;
}

interface Entry {
  roomId: string;
  peer: Publisher | Subscriber;
  kind: PeerKind;
}

/** Loads sink modules by path or URL: the sinks live outside `media/`, which only knows their interface. */
export async function loadSinks(specs: Array<{ name: string; module: string; options?: unknown }>) {
  return Promise.all(
    specs.map(async (spec) => {
      const mod = (await import(spec.module)) as { createSink: CreateSink };
      return { name: spec.name, create: mod.createSink, options: spec.options };
    }),
  );
}

/**
 * The rooms and peers of one process, addressed by id: the in-process plane uses it directly, a
 * media worker wraps it in its message loop. A home room holds a room's publishers and sinks; a
 * relay room holds listeners of a room whose home is another worker, and is fed over loopback.
 */
export class LocalMedia {
  readonly #rooms = new Map<string, MediaRoom>();
  readonly #peers = new Map<string, Entry>();
  readonly #feeds = new Map<string, Map<number, () => void>>();
  /** Rooms whose home is here (the others relay). */
  readonly #home = new Set<string>();
  readonly #reaper: NodeJS.Timeout;
  #feedSocket?: Socket;
  /** Packets forwarded, and packets too late to send live, by rooms that have closed since. */
  #forwardedBefore = 0;
  #lateBefore = 0;
  #closed = false;

  constructor(private readonly options: LocalOptions) {
    const every = Math.max(250, Math.min(5000, Math.floor(options.peerTimeoutMs / 4)));
    this.#reaper = setInterval(() => {
      // After a stall, the peers' receiver reports may still sit in libdatachannel's queue.
      if (loopBehind()) return;
      const now = Date.now();
      for (const room of this.#rooms.values()) room.reap(now, options.peerTimeoutMs);
    }, every);
    this.#reaper.unref();
  }

  /** Listens for feeds from other workers on a loopback port; resolves with it. */
  async listenForFeeds(): Promise<number> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    socket.on('error', (err) => this.options.onError(err));
    socket.on('message', (datagram) => {
      const fed = decodeFeed(datagram);
      if (fed) this.#rooms.get(fed.roomId)?.relayed(fed.slot, fed.source, fed.packet);
    });
    this.#feedSocket = socket;
    return socket.address().port;
  }

  hasRoom(roomId: string) {
    return this.#rooms.has(roomId);
  }

  /** Opens the room (idempotent). A relay room has no sinks and reports no events of its own. */
  openRoom(roomId: string, home = true): MediaRoom {
    this.#assertOpen();
    const existing = this.#rooms.get(roomId);
    if (existing) return existing;
    const { settings, onError, emit } = this.options;
    const sinks = home
      ? this.options.sinks.map(({ name, create, options }) =>
          create({ roomId, options, onError, emit: (event) => emit({ type: 'sink', roomId, sink: name, event }) }),
        )
      : [];
    const room = new MediaRoom(roomId, settings, onError, sinks, home ? this.options.mix : undefined);
    this.#rooms.set(roomId, room);
    if (home) this.#home.add(roomId);
    room.on('speaking', (key, speaking) => emit({ type: 'speaking', roomId, key, speaking }));
    room.on('peerClosed', (peer, kind, reason) => {
      this.#peers.delete(peer.id);
      emit({ type: 'peer-closed', roomId, peerId: peer.id, key: peer.key, kind, reason });
    });
    room.once('closed', () => {
      this.#forwardedBefore += room.forwarded;
      this.#lateBefore += room.late;
      this.#rooms.delete(roomId);
      this.#home.delete(roomId);
      for (const off of this.#feeds.get(roomId)?.values() ?? []) off();
      this.#feeds.delete(roomId);
      if (home) emit({ type: 'room-closed', roomId });
    });
    if (home) emit({ type: 'room-opened', roomId });
    return room;
  }

  async closeRoom(roomId: string) {
    await this.#rooms.get(roomId)?.close();
  }

  async publish(roomId: string, offer: string, options: PublishOptions): Promise<Connected> {
    const { peer, answer } = await this.#room(roomId).publish(offer, options);
    return this.#connected(roomId, peer, 'publisher', answer);
  }

  async subscribe(roomId: string, offer: string, options: { key: string }): Promise<Connected> {
    const { peer, answer } = await this.#room(roomId).subscribe(offer, options);
    return this.#connected(roomId, peer, 'subscriber', answer);
  }

  setMuted(roomId: string, key: string, muted: boolean) {
    this.#rooms.get(roomId)?.setMuted(key, muted);
  }

  /** One-track listeners of a home room in other workers: they keep its mix running. */
  setRemoteMix(roomId: string, count: number) {
    this.#rooms.get(roomId)?.setRemoteMixListeners(count);
  }

  closePeer(peerId: string, reason: CloseReason = 'closed') {
    this.#peers.get(peerId)?.peer.close(reason);
  }

  control(roomId: string, sink: string, message: unknown) {
    const room = this.#rooms.get(roomId);
    const index = this.options.sinks.findIndex((s) => s.name === sink);
    const target = index >= 0 ? room?.sinks[index] : undefined;
    try {
      target?.control?.(message);
    } catch (err) {
      this.options.onError(err);
    }
  }

  /** Sends the room's packets to another worker's feed port (one stream per room per worker). */
  addFeed(roomId: string, port: number) {
    const room = this.#rooms.get(roomId);
    const socket = this.#feedSocket;
    if (!room || !socket) return;
    let feeds = this.#feeds.get(roomId);
    if (!feeds) {
      feeds = new Map();
      this.#feeds.set(roomId, feeds);
    }
    if (feeds.has(port)) return;
    const roomBytes = Buffer.from(roomId);
    feeds.set(
      port,
      room.output((from, packet) => socket.send(encodeFeed(roomBytes, from, packet), port, '127.0.0.1')),
    );
  }

  removeFeed(roomId: string, port: number) {
    const feeds = this.#feeds.get(roomId);
    feeds?.get(port)?.();
    feeds?.delete(port);
  }

  peers(roomId?: string): PeerInfo[] {
    const out: PeerInfo[] = [];
    for (const [peerId, e] of this.#peers)
      if (roomId === undefined || e.roomId === roomId)
        out.push({
          peerId,
          roomId: e.roomId,
          kind: e.kind,
          key: e.peer.key,
          ...(e.kind === 'publisher' && { slot: (e.peer as Publisher).slot }),
          ...(e.kind === 'subscriber' && { mix: !(e.peer as Subscriber).perSpeaker }),
          worker: this.options.worker,
        });
    return out;
  }

  peer(peerId: string): PeerInfo | undefined {
    const e = this.#peers.get(peerId);
    return e ? this.peers(e.roomId).find((p) => p.peerId === peerId) : undefined;
  }

  stats() {
    const total = {
      rooms: this.#home.size,
      publishers: 0,
      subscribers: 0,
      forwarded: this.#forwardedBefore,
      late: this.#lateBefore,
      mixing: 0,
      mixMs: 0,
    };
    for (const room of this.#rooms.values()) {
      const s = room.stats();
      total.publishers += s.publishers;
      total.subscribers += s.subscribers;
      total.forwarded += s.forwarded;
      total.late += s.late;
      if (room.mix?.running) total.mixing += 1;
      total.mixMs += room.mix?.busyMs ?? 0;
    }
    return total;
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#reaper);
    await Promise.allSettled([...this.#rooms.values()].map((room) => room.close()));
    this.#feedSocket?.close();
  }

  #room(roomId: string) {
    const room = this.#rooms.get(roomId);
    if (!room || room.closed) throw new Error('the media room is closed');
    return room;
  }

  #connected(roomId: string, peer: Publisher | Subscriber, kind: PeerKind, answer: string): Connected {
    // A peer can fail while its answer is on the way: it is then already gone.
    if (!peer.closed) this.#peers.set(peer.id, { roomId, peer, kind });
    return { peerId: peer.id, answer };
  }

  #assertOpen() {
    if (this.#closed) throw new Error('the media plane is closed');
  }
}
