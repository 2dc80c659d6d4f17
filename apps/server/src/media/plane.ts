import type { CloseReason, MediaEvent, MediaPlane, MediaStats, PublishOptions } from './api';
import { LocalMedia, loadSinks } from './local';
import { freeUdpPort, type MediaPlaneOptions } from './options';
import { WorkerPlane } from './workers';

export type { MediaPlaneOptions } from './options';

/** The media plane of this node: in this process (`workers: 0`) or in one child process per worker. */
export async function createMediaPlane(options: MediaPlaneOptions): Promise<MediaPlane> {
  if (options.workers > 0) return WorkerPlane.start(options);
  return InProcessPlane.start(options);
}

/** Every room in the main process: for tests and tiny machines. */
class InProcessPlane implements MediaPlane {
  readonly #listeners = new Set<(event: MediaEvent) => void>();
  readonly #local: LocalMedia;

  private constructor(
    readonly ports: number[],
    options: MediaPlaneOptions,
    sinks: Awaited<ReturnType<typeof loadSinks>>,
  ) {
    const {
      peerTimeoutMs,
      onError,
      workers: _w,
      sinks: _s,
      log: _l,
      mixFrameMs,
      idleStopMs: _i,
      ...settings
    } = options;
    this.#local = new LocalMedia({
      settings: { ...settings, port: ports[0] as number },
      peerTimeoutMs,
      onError,
      sinks,
      worker: 0,
      mix: { frameMs: mixFrameMs ?? 20 },
      emit: (event) => {
        for (const listener of this.#listeners) {
          try {
            listener(event);
          } catch (err) {
            onError(err);
          }
        }
      },
    });
  }

  static async start(options: MediaPlaneOptions) {
    const port = options.port === 0 ? await freeUdpPort() : options.port;
    return new InProcessPlane([port], options, await loadSinks(options.sinks));
  }

  async openRoom(roomId: string) {
    this.#local.openRoom(roomId);
  }
  closeRoom(roomId: string) {
    return this.#local.closeRoom(roomId);
  }
  hasRoom(roomId: string) {
    return this.#local.hasRoom(roomId);
  }
  publish(roomId: string, offer: string, options: PublishOptions) {
    return this.#local.publish(roomId, offer, options);
  }
  subscribe(roomId: string, offer: string, options: { key: string }) {
    return this.#local.subscribe(roomId, offer, options);
  }
  setMuted(roomId: string, key: string, muted: boolean) {
    this.#local.setMuted(roomId, key, muted);
  }
  closePeer(peerId: string, reason?: CloseReason) {
    this.#local.closePeer(peerId, reason);
  }
  control(roomId: string, sink: string, message: unknown) {
    this.#local.control(roomId, sink, message);
  }
  peers(roomId?: string) {
    return this.#local.peers(roomId);
  }
  peer(peerId: string) {
    return this.#local.peer(peerId);
  }
  on(listener: (event: MediaEvent) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  stats(): MediaStats {
    return { ...this.#local.stats(), workers: [], crashes: 0 };
  }
  close() {
    return this.#local.close();
  }
}
