import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PeerConnection, type RtcConfig } from 'node-datachannel';
import type { CloseReason } from './api';
import { announceAddress } from './sdp';

/** How peers reach this server: one UDP port for all of them, and what to announce. */
export interface PeerSettings {
  port: number;
  bindAddress?: string;
  iceServers: string[];
  /** Announced instead of the machine's own addresses in answers. */
  publicIp?: string;
  /** Probe offered candidates at loopback, private and link-local addresses too (see mayProbe). */
  privateCandidates: boolean;
  /** Offers are answered within this time or refused. */
  answerTimeoutMs: number;
}

/**
 * node-datachannel aborts the whole process when a callback throws, so every callback body runs
 * through here: one bad peer logs an error instead of taking the server down.
 */
export function guard<A extends unknown[]>(onError: (err: unknown) => void, fn: (...args: A) => void) {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (err) {
      try {
        onError(err);
      } catch {
        // nothing more to do
      }
    }
  };
}

/** One WebRTC peer connection with a lifecycle: Publisher and Subscriber build on it. */
export abstract class Peer extends EventEmitter<{ closed: [CloseReason] }> {
  readonly id = randomBytes(12).toString('base64url');
  protected readonly pc: PeerConnection;
  #closed = false;
  #lastHeard = Date.now();

  constructor(
    private readonly settings: PeerSettings,
    protected readonly onError: (err: unknown) => void,
  ) {
    super();
    const config: RtcConfig = {
      iceServers: settings.iceServers,
      enableIceUdpMux: true,
      portRangeBegin: settings.port,
      portRangeEnd: settings.port,
      ...(settings.bindAddress && { bindAddress: settings.bindAddress }),
    };
    this.pc = new PeerConnection(this.id, config);
    this.pc.onStateChange(
      guard(onError, (state) => {
        if (state === 'failed' || state === 'closed') this.close(state);
      }),
    );
  }

  get closed() {
    return this.#closed;
  }

  /** Sets the trimmed offer and resolves with the answer once ICE gathering completes. */
  start(offer: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ICE gathering did not complete in time')), timeoutMs);
      const done = () => {
        const local = this.pc.localDescription();
        if (!local || this.pc.gatheringState() !== 'complete') return;
        clearTimeout(timer);
        resolve(this.settings.publicIp ? announceAddress(local.sdp, this.settings.publicIp) : local.sdp);
      };
      this.pc.onGatheringStateChange(guard(this.onError, done));
      try {
        this.pc.setRemoteDescription(offer, 'offer');
      } catch (err) {
        clearTimeout(timer);
        reject(err);
        return;
      }
      done();
    });
  }

  /** Media or RTCP arrived: the peer is still there. */
  protected heardFrom() {
    this.#lastHeard = Date.now();
  }

  /**
   * True when neither media nor RTCP has come from the peer for `idleMs`. Players send receiver
   * reports every few seconds even when nobody speaks; libjuice's own consent check gives up only
   * after about 30 s, so we do not wait for it.
   */
  idle(now: number, idleMs: number): boolean {
    return now - this.#lastHeard >= idleMs;
  }

  close(reason: CloseReason = 'closed') {
    if (this.#closed) return;
    this.#closed = true;
    this.closeTracks();
    try {
      this.pc.close();
    } catch (err) {
      this.onError(err);
    }
    this.emit('closed', reason);
  }

  protected abstract closeTracks(): void;
}
