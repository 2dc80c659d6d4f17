import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  CloseReason,
  Connected,
  MediaEvent,
  MediaPlane,
  MediaStats,
  PeerInfo,
  PublishOptions,
  WorkerStats,
} from './api';
import { freeUdpPort, type MediaPlaneOptions } from './options';
import { SdpError } from './sdp';
import type { FromMediaWorker, WireError, WorkerConfig, WorkerOp, WorkerReport } from './worker-protocol';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** A worker that dies again this soon after a start waits longer before the next. */
const RESTART_MS = [100, 1000, 5000];

interface Worker {
  index: number;
  port: number;
  child: ChildProcess | null;
  feedPort: number;
  ready: Promise<void>;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
  restarts: number;
  startedAt: number;
  /** Ready for calls (false while it starts or restarts: new peers go elsewhere). */
  up: boolean;
  /** The last counts the worker reported, and what its earlier processes (crashed or stopped) counted. */
  reported: Pick<WorkerReport, 'forwarded' | 'late' | 'mixing' | 'mixMs' | 'memory' | 'loopDelay'>;
  before: Pick<WorkerReport, 'forwarded' | 'late'>;
}

interface Room {
  home: number;
  /** Workers with listeners of the room, fed by its home worker: the relay room's opening. */
  relays: Map<number, Promise<void>>;
  opening: Promise<void>;
  /** One-track listeners on other workers than the home, as last told to the home (its mix runs for them). */
  remoteMix: number;
}

function fromWire(e: WireError): Error {
  if (e.name === 'SdpError' && e.code) return new SdpError(e.code as SdpError['code'], e.message);
  return Object.assign(new Error(e.message), { code: e.code });
}

/**
 * The media plane over child processes, one per core, each with its own UDP port. A room's
 * publishers and sinks live on its home worker; its subscribers go to the least busy worker, and
 * every other worker with listeners is fed by the home worker, one stream per room per worker, so a
 * speaker's packet crosses a process boundary once per worker, not once per listener. A worker
 * that dies is restarted on the same port; its peers end with `worker-lost` (clients reconnect).
 */
export class WorkerPlane implements MediaPlane {
  readonly #workers: Worker[] = [];
  readonly #rooms = new Map<string, Room>();
  readonly #peers = new Map<string, PeerInfo>();
  readonly #listeners = new Set<(event: MediaEvent) => void>();
  #nextId = 1;
  #crashes = 0;
  #closed = false;
  /** Whether the worker processes run: with `idleStopMs` they start with the first call and stop when idle. */
  #running = false;
  #idleTimer?: NodeJS.Timeout;

  private constructor(private readonly options: MediaPlaneOptions) {}

  static async start(options: MediaPlaneOptions) {
    const plane = new WorkerPlane(options);
    for (let index = 0; index < options.workers; index++) {
      const port = options.port === 0 ? await freeUdpPort() : options.port + index;
      const worker: Worker = {
        index,
        port,
        child: null,
        feedPort: 0,
        ready: Promise.resolve(),
        pending: new Map(),
        restarts: 0,
        startedAt: 0,
        up: false,
        reported: { forwarded: 0, late: 0, mixing: 0, mixMs: 0 },
        before: { forwarded: 0, late: 0 },
      };
      plane.#workers.push(worker);
    }
    if (!options.idleStopMs) {
      plane.#wake();
      await Promise.all(plane.#workers.map((w) => w.ready));
    }
    return plane;
  }

  get ports() {
    return this.#workers.map((w) => w.port);
  }

  hasRoom(roomId: string) {
    return this.#rooms.has(roomId);
  }

  openRoom(roomId: string): Promise<void> {
    const existing = this.#rooms.get(roomId);
    if (existing) return existing.opening;
    // The home is the worker with the fewest rooms of its own, then the fewest peers.
    const homes = this.#workers.map((w) => [...this.#rooms.values()].filter((r) => r.home === w.index).length);
    const peers = this.#peerCounts();
    const home = this.#candidates().sort(
      (a, b) => (homes[a] as number) - (homes[b] as number) || (peers[a] as number) - (peers[b] as number),
    )[0] as number;
    const room: Room = { home, relays: new Map(), opening: Promise.resolve(), remoteMix: 0 };
    room.opening = this.#call(home, 'openRoom', [roomId, true]).then(() => {});
    this.#rooms.set(roomId, room);
    room.opening.catch(() => {
      if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
    });
    return room.opening;
  }

  async closeRoom(roomId: string) {
    const room = this.#rooms.get(roomId);
    if (!room) return;
    await room.opening.catch(() => {});
    await Promise.allSettled([...room.relays.keys()].map((w) => this.#call(w, 'closeRoom', [roomId])));
    await this.#call(room.home, 'closeRoom', [roomId]).catch(() => {});
    // The home's room-closed event has removed it by now (the reply comes after it).
    if (this.#rooms.get(roomId) === room) this.#roomClosed(roomId);
  }

  async publish(roomId: string, offer: string, options: PublishOptions): Promise<Connected> {
    await this.openRoom(roomId);
    const room = this.#rooms.get(roomId);
    if (!room) throw new Error('the media room is closed');
    await room.opening;
    const home = room.home;
    const r = (await this.#call(home, 'publish', [roomId, offer, options])) as Connected & { gone: boolean };
    if (!r.gone)
      this.#peers.set(r.peerId, {
        peerId: r.peerId,
        roomId,
        kind: 'publisher',
        key: options.key,
        slot: options.slot,
        worker: home,
      });
    return { peerId: r.peerId, answer: r.answer };
  }

  async subscribe(roomId: string, offer: string, options: { key: string }): Promise<Connected> {
    await this.openRoom(roomId);
    const room = this.#rooms.get(roomId);
    if (!room) throw new Error('the media room is closed');
    await room.opening;
    // Listeners go to the worker with the fewest peers (the home on a tie: no feed needed).
    const counts = this.#peerCounts();
    const target = this.#candidates().sort(
      (a, b) => (counts[a] as number) - (counts[b] as number) || Number(b === room.home) - Number(a === room.home),
    )[0] as number;
    if (target !== room.home) await this.#relay(roomId, room, target);
    const r = (await this.#call(target, 'subscribe', [roomId, offer, options])) as Connected & {
      gone: boolean;
      mix: boolean;
    };
    if (!r.gone) {
      this.#peers.set(r.peerId, {
        peerId: r.peerId,
        roomId,
        kind: 'subscriber',
        key: options.key,
        mix: r.mix,
        worker: target,
      });
      this.#mixDemand(roomId);
    }
    return { peerId: r.peerId, answer: r.answer };
  }

  setMuted(roomId: string, key: string, muted: boolean) {
    const room = this.#rooms.get(roomId);
    if (room) this.#send(room.home, 'setMuted', [roomId, key, muted]);
  }

  closePeer(peerId: string, reason: CloseReason = 'closed') {
    const peer = this.#peers.get(peerId);
    if (peer) this.#send(peer.worker, 'closePeer', [peerId, reason]);
  }

  control(roomId: string, sink: string, message: unknown) {
    const room = this.#rooms.get(roomId);
    if (room)
      void room.opening.then(
        () => this.#send(room.home, 'control', [roomId, sink, message]),
        () => {},
      );
  }

  peers(roomId?: string) {
    return [...this.#peers.values()].filter((p) => roomId === undefined || p.roomId === roomId);
  }

  peer(peerId: string) {
    return this.#peers.get(peerId);
  }

  on(listener: (event: MediaEvent) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(): MediaStats {
    const workers: WorkerStats[] = this.#workers.map((w) => ({
      worker: w.index,
      pid: w.child?.pid ?? null,
      port: w.port,
      publishers: 0,
      subscribers: 0,
      restarts: w.restarts,
      memory: w.reported.memory,
      loopDelay: w.reported.loopDelay,
    }));
    for (const p of this.#peers.values()) {
      const w = workers[p.worker];
      if (w) w[p.kind === 'publisher' ? 'publishers' : 'subscribers'] += 1;
    }
    return {
      rooms: this.#rooms.size,
      publishers: workers.reduce((n, w) => n + w.publishers, 0),
      subscribers: workers.reduce((n, w) => n + w.subscribers, 0),
      forwarded: this.#workers.reduce((n, w) => n + w.before.forwarded + w.reported.forwarded, 0),
      late: this.#workers.reduce((n, w) => n + w.before.late + w.reported.late, 0),
      mixing: this.#workers.reduce((n, w) => n + w.reported.mixing, 0),
      mixMs: this.#workers.reduce((n, w) => n + w.reported.mixMs, 0),
      workers,
      idle: !this.#running,
      crashes: this.#crashes,
    };
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    // Closing the rooms first lets the sinks finish their files.
    await Promise.allSettled([...this.#rooms.keys()].map((id) => this.closeRoom(id)));
    await Promise.all(this.#workers.map((w) => this.#stop(w)));
  }

  /** Starts the worker processes if they are not running (the first room after an idle spell). */
  #wake() {
    // Running: a pending idle stop stays, since its timer checks rooms, peers and calls itself. A
    // call that cleared it (a second closeRoom of a closed room) left the workers up for good.
    if (this.#running || this.#closed) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#running = true;
    for (const w of this.#workers) this.#spawn(w);
  }

  /**
   * With no room left, the workers stop after `idleStopMs`: an idle server then holds no media
   * processes (~90 MB each), and the next Space starts them again (about half a second).
   */
  #sleepWhenIdle() {
    const ms = this.options.idleStopMs;
    if (!ms || !this.#running || this.#closed || this.#rooms.size > 0) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.#closed || this.#rooms.size > 0) return; // the next room's close asks again
      // The closed rooms' peers still have their close events on the way: ask again after those.
      if (this.#peers.size > 0 || this.#workers.some((w) => w.pending.size > 0)) return this.#sleepWhenIdle();
      this.#running = false;
      for (const w of this.#workers) void this.#stop(w);
    }, ms).unref();
  }

  /** Ends a worker's process on purpose (not a crash: nothing restarts it). */
  #stop(worker: Worker) {
    const child = worker.child;
    worker.child = null;
    worker.up = false;
    this.#retire(worker);
    worker.ready = Promise.resolve();
    return new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      if (child.connected) child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  }

  /** Keeps a gone process's counts (the totals never go back) and forgets what it last reported. */
  #retire(worker: Worker) {
    worker.before.forwarded += worker.reported.forwarded;
    worker.before.late += worker.reported.late;
    worker.reported = { forwarded: 0, late: 0, mixing: 0, mixMs: 0 };
  }

  /** Opens a relay room on `worker` and has the home worker feed it (once per room and worker). */
  #relay(roomId: string, room: Room, worker: number) {
    let opening = room.relays.get(worker);
    if (!opening) {
      opening = this.#call(worker, 'openRoom', [roomId, false]).then(() =>
        this.#call(room.home, 'addFeed', [roomId, this.#workers[worker]?.feedPort]).then(() => {}),
      );
      room.relays.set(worker, opening);
      opening.catch(() => room.relays.delete(worker));
    }
    return opening;
  }

  /** Tells the home worker how many one-track listeners other workers carry, when that changes. */
  #mixDemand(roomId: string) {
    const room = this.#rooms.get(roomId);
    if (!room) return;
    let count = 0;
    for (const p of this.#peers.values()) if (p.roomId === roomId && p.mix && p.worker !== room.home) count += 1;
    if (count === room.remoteMix) return;
    room.remoteMix = count;
    void room.opening.then(
      () => this.#send(room.home, 'setRemoteMix', [roomId, count]),
      () => {},
    );
  }

  /** Workers that can take a new room or peer now; all of them if none is up. */
  #candidates() {
    const up = this.#workers.filter((w) => w.up);
    return (up.length > 0 ? up : this.#workers).map((w) => w.index);
  }

  #peerCounts() {
    const counts = this.#workers.map(() => 0);
    for (const p of this.#peers.values()) counts[p.worker] = (counts[p.worker] ?? 0) + 1;
    return counts;
  }

  #emit(event: MediaEvent) {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.options.onError(err);
      }
    }
  }

  #roomClosed(roomId: string) {
    const room = this.#rooms.get(roomId);
    if (!room) return;
    this.#rooms.delete(roomId);
    for (const w of room.relays.keys()) this.#send(w, 'closeRoom', [roomId]);
    this.#emit({ type: 'room-closed', roomId });
    this.#sleepWhenIdle();
  }

  #onEvent(worker: Worker, event: MediaEvent) {
    if (event.type === 'peer-closed') {
      const known = this.#peers.get(event.peerId);
      if (known?.worker === worker.index) this.#peers.delete(event.peerId);
      if (known?.mix) this.#mixDemand(event.roomId);
      return this.#emit(event);
    }
    if (event.type === 'room-closed') {
      if (this.#rooms.get(event.roomId)?.home === worker.index) this.#roomClosed(event.roomId);
      return;
    }
    this.#emit(event);
  }

  async #call(index: number, op: WorkerOp, args: unknown[]): Promise<unknown> {
    const worker = this.#workers[index];
    if (!worker) throw new Error(`no media worker ${index}`);
    this.#wake();
    await worker.ready;
    const child = worker.child;
    if (!child?.connected) throw new Error('the media worker is restarting');
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      child.send({ id, op, args });
    });
  }

  #send(index: number, op: WorkerOp, args: unknown[]) {
    this.#call(index, op, args).catch((err) => {
      if (!this.#closed) this.options.onError(err);
    });
  }

  #spawn(worker: Worker) {
    const {
      peerTimeoutMs,
      onError: _e,
      workers: _w,
      sinks,
      log: _l,
      port: _p,
      mixFrameMs,
      idleStopMs: _i,
      ...settings
    } = this.options;
    const config: WorkerConfig = {
      worker: worker.index,
      settings: { ...settings, port: worker.port },
      peerTimeoutMs,
      sinks,
      mix: { frameMs: mixFrameMs ?? 20 },
    };
    const child = fork(WORKER, [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      env: { ...process.env, EARSHOT_MEDIA_WORKER: JSON.stringify(config) },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    worker.child = child;
    worker.startedAt = Date.now();
    worker.ready = new Promise<void>((resolve, reject) => {
      const onExit = () => reject(new Error('the media worker exited while starting'));
      child.once('exit', onExit);
      child.on('message', (m: FromMediaWorker) => {
        if (m.type === 'ready') {
          worker.feedPort = m.feedPort;
          worker.up = true;
          child.off('exit', onExit);
          resolve();
        }
      });
    });
    worker.ready.catch(() => {});
    child.on('message', (m: FromMediaWorker) => {
      if (m.type === 'reply') {
        const pending = worker.pending.get(m.id);
        worker.pending.delete(m.id);
        if (m.error) pending?.reject(fromWire(m.error));
        else pending?.resolve(m.value);
      } else if (m.type === 'event') this.#onEvent(worker, m.event);
      // A stopping process's last report would count again what #retire kept.
      else if (m.type === 'stats' && worker.child === child) worker.reported = m;
      else if (m.type === 'error') this.options.onError(new Error(`media worker ${worker.index}: ${m.message}`));
    });
    child.once('exit', (code, signal) => this.#lost(worker, child, code, signal));
  }

  /** A worker died: its peers end (clients reconnect), its rooms move to its restarted self. */
  #lost(worker: Worker, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null) {
    if (worker.child !== child) return;
    worker.child = null;
    worker.up = false;
    for (const p of worker.pending.values()) p.reject(new Error('the media worker stopped'));
    worker.pending.clear();
    if (this.#closed) return;
    this.#crashes += 1;
    this.#retire(worker);
    this.options.log?.error(
      { worker: worker.index, pid: child.pid, code, signal },
      'a media worker died; restarting it',
    );
    this.#emit({ type: 'worker-lost', worker: worker.index, code, signal });
    for (const p of [...this.#peers.values()]) {
      if (p.worker !== worker.index) continue;
      this.#peers.delete(p.peerId);
      this.#emit({
        type: 'peer-closed',
        roomId: p.roomId,
        peerId: p.peerId,
        key: p.key,
        kind: p.kind,
        reason: 'worker-lost',
      });
      // Its room may have reported it speaking; nobody will say otherwise now.
      if (p.kind === 'publisher') this.#emit({ type: 'speaking', roomId: p.roomId, key: p.key, speaking: false });
    }
    const oldFeed = worker.feedPort;
    const quick = Date.now() - worker.startedAt < 10_000;
    const delay = RESTART_MS[Math.min(quick ? worker.restarts : 0, RESTART_MS.length - 1)] as number;
    worker.restarts += 1;
    let restarted!: () => void;
    worker.ready = new Promise<void>((resolve) => {
      restarted = resolve;
    });
    setTimeout(() => {
      if (this.#closed) return;
      if (!this.#running) return restarted();
      this.#spawn(worker);
      const ready = worker.ready;
      ready.then(restarted, restarted);
    }, delay).unref();
    for (const [roomId, room] of this.#rooms) {
      if (room.relays.delete(worker.index) && room.home !== worker.index)
        this.#send(room.home, 'removeFeed', [roomId, oldFeed]);
      if (room.home !== worker.index) {
        this.#mixDemand(roomId); // its one-track listeners there are gone
        continue;
      }
      // The room opens again on the restarted worker (same port), and feeds its relays again.
      room.opening = this.#call(worker.index, 'openRoom', [roomId, true]).then(async () => {
        for (const w of room.relays.keys())
          await this.#call(worker.index, 'addFeed', [roomId, this.#workers[w]?.feedPort]).catch(() => {});
        // The listeners elsewhere still take the mix.
        await this.#call(worker.index, 'setRemoteMix', [roomId, room.remoteMix]).catch(() => {});
      });
      room.opening.catch(() => this.#roomClosed(roomId));
    }
  }
}
