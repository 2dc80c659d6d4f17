import { mediaSessionTag } from '@earshot/protocol';
import { ApiError } from '../api';
import { endSession, negotiate, retryable } from './negotiate';

/** Dispatched on window with the tags of media sessions the server lost (a `media_lost` message). */
export const MEDIA_LOST_EVENT = 'earshot:media-lost';
/** Dispatched on window when a Space's live socket opens again after a drop: the server is back. */
export const SERVER_BACK_EVENT = 'earshot:server-back';

/**
 * connecting: first offer under way; connected: media flows; reconnecting: the connection dropped
 * (or an offer failed) and a new one is on its way; refused: the server said no (not live, not on
 * stage, removed): trying again would not help, so nothing retries.
 */
export type SessionState = 'connecting' | 'connected' | 'reconnecting' | 'refused';

type Options = {
  /** The WHIP or WHEP address. */
  endpoint: string;
  /** Adds the transceivers to each new peer connection (one per attempt). */
  prepare: (pc: RTCPeerConnection) => void;
  onState: (state: SessionState, error: ApiError | null) => void;
};

/** A blip (Wi-Fi roaming) often heals by itself; after this long we stop waiting and start over. */
const DISCONNECTED_GRACE_MS = 3000;
/** ICE that has not connected by then is not going to. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Short, so that audio is back within seconds of a restarted server; jitter spreads a room's offers. */
const MAX_BACKOFF_MS = 2500;

/**
 * One WHIP or WHEP session that keeps itself up: when the peer connection fails, or stays
 * disconnected past a grace period, the old session is deleted and a new one offered, with backoff.
 * `close()` ends everything, and so does the page going away.
 */
export class MediaSession {
  #pc: RTCPeerConnection | null = null;
  #location: string | null = null;
  #closed = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #watchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: Options) {
    window.addEventListener('online', this.#online);
    // Unmount does not run when the tab closes; pagehide does (and fires on mobile where unload doesn't).
    window.addEventListener('pagehide', this.#hide);
    window.addEventListener('pageshow', this.#show);
    window.addEventListener(MEDIA_LOST_EVENT, this.#lost);
    window.addEventListener(SERVER_BACK_EVENT, this.#online);
    void this.#open();
  }

  get pc(): RTCPeerConnection | null {
    return this.#pc;
  }

  get closed(): boolean {
    return this.#closed;
  }

  close = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    window.removeEventListener('online', this.#online);
    window.removeEventListener('pagehide', this.#hide);
    window.removeEventListener('pageshow', this.#show);
    window.removeEventListener(MEDIA_LOST_EVENT, this.#lost);
    window.removeEventListener(SERVER_BACK_EVENT, this.#online);
    clearTimeout(this.#retryTimer);
    this.#dropPeer();
  };

  /** Leaving the page: free the server's side now (the page may come back from the back/forward cache). */
  #hide = () => {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#dropPeer();
  };

  /** Back from the back/forward cache: connect again. */
  #show = (event: PageTransitionEvent) => {
    if (event.persisted && !this.#closed && !this.#pc) {
      this.#attempt = 1;
      void this.#open();
    }
  };

  /**
   * The server's media worker carrying this session stopped: start over at once rather than wait
   * for ICE to notice (seconds). Without SubtleCrypto (plain http off localhost) every session
   * of the Space starts over, which costs a blip.
   */
  #lost = (event: Event) => {
    const location = this.#location;
    if (this.#closed || !location) return;
    const tags = (event as CustomEvent<string[]>).detail ?? [];
    const subtle = globalThis.crypto?.subtle;
    const mine = subtle
      ? mediaSessionTag(location.split('/').pop() ?? '', (data) => subtle.digest('SHA-256', data)).then((tag) =>
          tags.includes(tag),
        )
      : Promise.resolve(true);
    void mine.then((lost) => {
      if (lost && this.#location === location) {
        this.#attempt = 0;
        this.#retry();
      }
    });
  };

  /** Back online (or the server is back): try now instead of waiting out the backoff. */
  #online = () => {
    if (this.#closed || this.#pc?.connectionState === 'connected' || this.#retryTimer === undefined) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    void this.#open();
  };

  #dropPeer() {
    clearTimeout(this.#watchTimer);
    const pc = this.#pc;
    this.#pc = null;
    if (pc) {
      pc.onconnectionstatechange = null;
      const dtls = pc.getTransceivers()[0]?.receiver.transport;
      if (dtls) dtls.onstatechange = null;
      pc.close();
    }
    if (this.#location) endSession(this.#location);
    this.#location = null;
  }

  async #open() {
    this.#retryTimer = undefined;
    this.#dropPeer();
    if (this.#closed) return;
    this.options.onState(this.#attempt === 0 ? 'connecting' : 'reconnecting', null);
    // One transport for every audio section: fewer candidates to gather and check.
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    this.#pc = pc;
    this.options.prepare(pc);
    pc.onconnectionstatechange = () => this.#watch(pc);
    try {
      const location = await negotiate(pc, this.options.endpoint);
      if (this.#pc !== pc) {
        endSession(location); // closed or replaced while the answer was on its way
        return;
      }
      this.#location = location;
      // A server that closes DTLS when it ends the session (close_notify) is heard at once; without
      // it the connection only turns 'disconnected' when consent checks fail, seconds later.
      const dtls = pc.getTransceivers()[0]?.receiver.transport;
      if (dtls)
        dtls.onstatechange = () => {
          if (this.#pc === pc && (dtls.state === 'closed' || dtls.state === 'failed')) this.#retry();
        };
      clearTimeout(this.#watchTimer);
      this.#watchTimer = setTimeout(() => {
        if (this.#pc === pc && pc.connectionState !== 'connected') this.#retry();
      }, CONNECT_TIMEOUT_MS);
    } catch (error) {
      if (this.#pc !== pc) return;
      if (retryable(error)) this.#retry();
      else this.#refuse(error instanceof ApiError ? error : new ApiError(0, 'media', String(error)));
    }
  }

  #watch(pc: RTCPeerConnection) {
    if (this.#pc !== pc || this.#closed) return;
    switch (pc.connectionState) {
      case 'connected':
        clearTimeout(this.#watchTimer);
        this.#attempt = 0;
        this.options.onState('connected', null);
        return;
      case 'disconnected':
        clearTimeout(this.#watchTimer);
        this.#watchTimer = setTimeout(() => {
          if (this.#pc === pc && pc.connectionState === 'disconnected') this.#retry();
        }, DISCONNECTED_GRACE_MS);
        return;
      case 'failed':
      case 'closed':
        this.#retry();
        return;
      default:
        return;
    }
  }

  #retry() {
    if (this.#closed) return;
    this.#dropPeer();
    this.#attempt += 1;
    this.options.onState('reconnecting', null);
    // 0.5 s, 1 s, 2 s, 2.5 s…, with jitter so that a room's listeners do not all come back at once.
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.#attempt) * (0.75 + Math.random() * 0.5);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#open(), delay);
  }

  #refuse(error: ApiError) {
    this.#dropPeer();
    this.options.onState('refused', error);
  }
}
