/**
 * The media plane's boundary: everything outside `media/` talks to rooms and peers by id, with
 * plain data, and the same calls work whether the rooms run in this process or in worker
 * processes (one per core). Nothing here knows users, Spaces, HTTP, recording or captions.
 */

/** Why a peer's session ended. `worker-lost`: its media worker died; the client should reconnect. */
export type CloseReason = 'closed' | 'failed' | 'timeout' | 'room-closed' | 'replaced' | 'worker-lost';

export type PeerKind = 'publisher' | 'subscriber';

export interface PublishOptions {
  /** Opaque owner key (the caller's user id); events name it. */
  key: string;
  /** Stage slot: listeners with a track per slot hear this publisher on that track. */
  slot: number;
  muted: boolean;
}

export interface Connected {
  peerId: string;
  answer: string;
}

export interface PeerInfo {
  peerId: string;
  roomId: string;
  kind: PeerKind;
  key: string;
  slot?: number;
  /** A listener that takes the room mix (its offer had one audio section). */
  mix?: boolean;
  /** Which worker carries it (0 in-process). */
  worker: number;
}

export type MediaEvent =
  | { type: 'room-opened'; roomId: string }
  | { type: 'speaking'; roomId: string; key: string; speaking: boolean }
  | { type: 'peer-closed'; roomId: string; peerId: string; key: string; kind: PeerKind; reason: CloseReason }
  /** The room is gone and its sinks have finished (files closed). */
  | { type: 'room-closed'; roomId: string }
  /** Something a sink running beside the room reports (a recorded track, …). */
  | { type: 'sink'; roomId: string; sink: string; event: unknown }
  | { type: 'worker-lost'; worker: number; code: number | null; signal: string | null };

export interface WorkerStats {
  worker: number;
  pid: number | null;
  port: number;
  publishers: number;
  subscribers: number;
  restarts: number;
  /** As the worker last reported it; absent until its first report. */
  memory?: WorkerMemory;
  loopDelay?: LoopDelay;
}

/** How late a worker's event loop ran (ms): the worst of its last ten 1 s windows, by max and by p99. */
export interface LoopDelay {
  maxMs: number;
  p99Ms: number;
}

/**
 * Bytes: a worker's resident set, its JS heap in use, and the memory of Buffers and other
 * ArrayBuffers (outside the heap, held from JS); what RSS has beyond these is native (libdatachannel, Opus).
 */
export interface WorkerMemory {
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
}

export interface MediaStats {
  rooms: number;
  publishers: number;
  subscribers: number;
  /** Packets sent to listeners since start. */
  forwarded: number;
  /** Packets from speakers too late to send live (a worker that fell behind), since start. */
  late: number;
  /** Rooms whose mix runs now, and the time their mixers have spent (ms, rooms open now). */
  mixing: number;
  mixMs: number;
  /** Media worker processes (0: the plane runs in the main process). */
  workers: WorkerStats[];
  /** The worker processes are stopped until the next room (MEDIA_IDLE_STOP_MS): nothing to serve, not down. */
  idle?: boolean;
  /** Workers that died and were restarted. */
  crashes: number;
}

/**
 * A sink runs beside a room (in the process that owns the room's publishers) and sees every
 * packet the room forwards: unmuted publishers only. Sinks report back with `emit` (events) and
 * files, never by a callback per packet in the main process.
 */
export interface SinkSpec {
  name: string;
  /** A module (URL or path) whose `createSink` makes the sink: loaded where rooms run. */
  module: string;
  options?: unknown;
}

export interface SinkSource {
  peerId: string;
  key: string;
  slot: number;
}

export interface RoomSink {
  packet(from: SinkSource, packet: Buffer): void;
  publisherClosed(peerId: string): void;
  /** A message from the main process (`MediaPlane.control`). */
  control?(message: unknown): void;
  /** The room closed: finish everything (the room-closed event waits for it). */
  close(): Promise<void>;
}

export interface SinkContext {
  roomId: string;
  options: unknown;
  emit(event: unknown): void;
  onError(err: unknown): void;
}

export type CreateSink = (context: SinkContext) => RoomSink;

export interface MediaPlane {
  /** The UDP ports peers reach (one per worker). */
  readonly ports: number[];
  /** Opens the room (idempotent). */
  openRoom(roomId: string): Promise<void>;
  /** Closes the room and its peers; resolves once its sinks have finished. */
  closeRoom(roomId: string): Promise<void>;
  hasRoom(roomId: string): boolean;
  /** Answers a publish (WHIP) offer. Throws SdpError for an offer it cannot serve. */
  publish(roomId: string, offer: string, options: PublishOptions): Promise<Connected>;
  /** Answers a listen (WHEP) offer. */
  subscribe(roomId: string, offer: string, options: { key: string }): Promise<Connected>;
  /** Server-side mute of every publisher of `key`: its packets stop in the room. */
  setMuted(roomId: string, key: string, muted: boolean): void;
  closePeer(peerId: string, reason?: CloseReason): void;
  /** Sends a message to one sink of a room. */
  control(roomId: string, sink: string, message: unknown): void;
  /** The room's peers (every room's without an id) as the plane knows them now. */
  peers(roomId?: string): PeerInfo[];
  peer(peerId: string): PeerInfo | undefined;
  /** Subscribes to every event; returns the unsubscribe. */
  on(listener: (event: MediaEvent) => void): () => void;
  stats(): MediaStats;
  close(): Promise<void>;
}
