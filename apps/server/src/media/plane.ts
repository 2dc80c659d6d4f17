import { createSocket } from 'node:dgram';
import type { PeerSettings } from './peer';
import { MediaRoom } from './room';

/** A free UDP port, for MEDIA_PORT=0 (tests run side by side). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, resolve);
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface MediaPlaneOptions extends Omit<PeerSettings, 'port'> {
  port: number;
  /** A peer silent this long (no media, RTCP or ICE consent) is closed. */
  peerTimeoutMs: number;
  onError: (err: unknown) => void;
}

/**
 * The media plane of this node: the rooms of the Spaces whose audio it carries, all peers on one
 * UDP port. In-process today; the interface (room, publish, subscribe, setMuted, close, speaking
 * events) is what a worker per core would offer tomorrow.
 */
export class MediaPlane {
  readonly #rooms = new Map<string, MediaRoom>();
  readonly #reaper: NodeJS.Timeout;
  /** Packets forwarded by rooms that have closed since. */
  #forwardedBefore = 0;

  private constructor(
    readonly settings: PeerSettings,
    private readonly options: MediaPlaneOptions,
  ) {
    const every = Math.max(250, Math.min(5000, Math.floor(options.peerTimeoutMs / 4)));
    this.#reaper = setInterval(() => {
      const now = Date.now();
      for (const room of this.#rooms.values()) room.reap(now, options.peerTimeoutMs);
    }, every);
    this.#reaper.unref();
  }

  static async create(options: MediaPlaneOptions) {
    const port = options.port === 0 ? await freeUdpPort() : options.port;
    const { peerTimeoutMs: _t, onError: _e, ...settings } = options;
    return new MediaPlane({ ...settings, port }, options);
  }

  get port() {
    return this.settings.port;
  }

  room(spaceId: string): MediaRoom | undefined {
    return this.#rooms.get(spaceId);
  }

  /** The Space's room, made on first use. */
  openRoom(spaceId: string): MediaRoom {
    let room = this.#rooms.get(spaceId);
    if (!room) {
      const created = new MediaRoom(spaceId, this.settings, this.options.onError);
      created.once('closed', () => {
        this.#forwardedBefore += created.forwarded;
        this.#rooms.delete(spaceId);
      });
      this.#rooms.set(spaceId, created);
      room = created;
    }
    return room;
  }

  rooms() {
    return [...this.#rooms.values()];
  }

  /** For /metrics: rooms, peers, and packets forwarded since start. */
  stats() {
    const total = { rooms: this.#rooms.size, publishers: 0, subscribers: 0, forwarded: this.#forwardedBefore };
    for (const room of this.#rooms.values()) {
      const s = room.stats();
      total.publishers += s.publishers;
      total.subscribers += s.subscribers;
      total.forwarded += s.forwarded;
    }
    return total;
  }

  #closed = false;
  close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#reaper);
    for (const room of [...this.#rooms.values()]) room.close();
  }
}
