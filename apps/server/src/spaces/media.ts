import { createHash } from 'node:crypto';
import { mediaSessionTag, type RoomEvent, type RoomState } from '@earshot/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../bus/bus';
import { AppError } from '../http/errors';
import { OpenPerKey } from '../limits/open-per-key';
import type { Connected, MediaEvent, MediaPlane } from '../media/api';
import type { HlsHub } from '../media/hls/hub';
import type { LiveStream } from '../media/hls/stream';
import { SdpError } from '../media/sdp';
import { decideHls, decideMedia, type MediaAction } from './rules';
import { type SpaceBusMessage, type SpaceService, spaceChannel } from './service';

const EMPTY_ROOM_MS = 10_000;
/** HLS players ask several times a second: their standing is re-read at most this often (a removal clears it). */
const HLS_STANDING_MS = 2000;

/** Room-state events that change what the media plane must do. */
const ENFORCED = new Set<RoomEvent['kind']>(['muted', 'unmuted', 'left_stage', 'removed', 'ended']);

/**
 * Spaces meet the media plane here: who may publish or listen (the rules decide), which WHIP/WHEP
 * session (a media peer id) belongs to which Space, server-side enforcement of mutes, removals and
 * the end of a Space (from the Space's events, on whichever node carries its audio), and speaking
 * changes from audio levels back into the room state. A Space's media room has the Space's id.
 */
export class SpaceMedia {
  readonly #watches = new Map<string, Promise<() => void>>();
  readonly #speaking = new Map<string, { wanted: Map<string, boolean>; busy: boolean }>();
  readonly #lostBatches = new Map<string, Promise<string>[]>();
  /** The latest re-read of each room: an older one that finishes later must not undo a newer event (an unmute). */
  readonly #syncs = new Map<string, number>();
  #syncCount = 0;
  readonly #hlsStanding = new Map<string, { at: number; standing: ReturnType<SpaceService['standing']> }>();
  readonly #off: () => void;
  /** Signed-out listening sessions per IP address, and what each session holds. */
  readonly #anonymous: OpenPerKey;
  readonly #releases = new Map<string, () => void>();

  constructor(
    private readonly plane: MediaPlane,
    private readonly spaces: SpaceService,
    private readonly bus: Bus,
    private readonly log: FastifyBaseLogger,
    private readonly hls: HlsHub,
    anonymousPerIp = Number.POSITIVE_INFINITY,
  ) {
    this.#anonymous = new OpenPerKey(anonymousPerIp, 'signed-out listening sessions from your address');
    this.#off = plane.on((event) => this.#onMedia(event));
  }

  /** Answers a WHIP (publish) or WHEP (listen) offer for `userId` (null = signed out) from `ip`. */
  async connect(action: MediaAction, spaceId: string, userId: string | null, offer: string, ip: string) {
    if (!userId) this.#anonymous.check(ip);
    await this.#room(spaceId);
    // Authorize after the room follows the Space's events, so no change between the two is missed.
    // A refused offer must not leave a room open: one opened for an unknown or ended Space would
    // never close, and an ended Space's mixdown waits for its room to close.
    const { state, role } = await this.spaces.standing(spaceId, userId).catch(async (err) => {
      if (this.plane.peers(spaceId).length === 0) await this.plane.closeRoom(spaceId);
      throw err;
    });
    const verdict = decideMedia(action, state, role);
    if (!verdict.ok) {
      if (state.status === 'ended') await this.plane.closeRoom(spaceId);
      else this.#closeIfEmpty(spaceId);
      throw new AppError(verdict.status, verdict.code, verdict.message);
    }
    const key = userId ?? 'anonymous';
    let release: (() => void) | undefined;
    try {
      let connected: Connected;
      if (action === 'publish') {
        const member = state.stage.find((m) => m.user.id === userId);
        if (!member) throw new AppError(403, 'forbidden', 'only the host, co-hosts and speakers can publish audio');
        connected = await this.plane.publish(spaceId, offer, { key, slot: member.slot, muted: member.muted });
        // One microphone per speaker: a new WHIP session (a reconnect) replaces the old one.
        for (const p of this.plane.peers(spaceId))
          if (p.kind === 'publisher' && p.key === key && p.peerId !== connected.peerId)
            this.plane.closePeer(p.peerId, 'replaced');
      } else {
        if (!userId) {
          this.#anonymous.check(ip); // again: others from this address may have connected meanwhile
          release = this.#anonymous.take(ip);
        }
        connected = await this.plane.subscribe(spaceId, offer, { key });
        if (release) this.#holds(connected.peerId, release);
      }
      // A change that landed while we negotiated is applied now.
      void this.#sync(spaceId);
      return { sessionId: connected.peerId, answer: connected.answer };
    } catch (err) {
      release?.();
      this.#closeIfEmpty(spaceId);
      if (err instanceof SdpError) throw new AppError(400, err.code, err.message);
      if (err instanceof AppError) throw err;
      throw new AppError(400, 'invalid_sdp', `the offer could not be answered: ${(err as Error).message}`);
    }
  }

  /** Ends a session (DELETE on its WHIP/WHEP resource). The session id is the capability. */
  end(spaceId: string, sessionId: string) {
    const peer = this.plane.peer(sessionId);
    if (!peer || peer.roomId !== spaceId) return false;
    this.plane.closePeer(sessionId, 'closed');
    return true;
  }

  /**
   * The Space's LL-HLS stream for `userId` (null = signed out), started on the first request: the
   * same rule as WHEP, checked on every playlist and file request.
   */
  async hlsStream(spaceId: string, userId: string | null): Promise<LiveStream> {
    const held = this.hls.held(spaceId);
    const { state, role } = await this.#hlsStandingOf(spaceId, userId);
    const verdict = decideHls(state, role, !!held?.ended);
    if (!verdict.ok) throw new AppError(verdict.status, verdict.code, verdict.message);
    if (state.status !== 'live' && held) return held;
    await this.#room(spaceId);
    const stream = this.hls.stream(spaceId);
    // A room opened for HLS alone closes once its players stop asking.
    if (stream !== held) this.#closeIfEmpty(spaceId);
    return stream;
  }

  #hlsStandingOf(spaceId: string, userId: string | null) {
    const key = `${spaceId} ${userId ?? ''}`;
    const now = Date.now();
    const cached = this.#hlsStanding.get(key);
    if (cached && now - cached.at < HLS_STANDING_MS) return cached.standing;
    if (this.#hlsStanding.size > 10_000)
      for (const [k, v] of this.#hlsStanding) if (now - v.at >= HLS_STANDING_MS) this.#hlsStanding.delete(k);
    const standing = this.spaces.standing(spaceId, userId);
    this.#hlsStanding.set(key, { at: now, standing });
    standing.catch(() => this.#hlsStanding.delete(key));
    return standing;
  }

  #forgetHlsStanding(spaceId?: string, userId?: string) {
    for (const key of this.#hlsStanding.keys()) {
      const [s, u] = key.split(' ');
      if ((spaceId === undefined || s === spaceId) && (userId === undefined || u === userId))
        this.#hlsStanding.delete(key);
    }
  }

  /** Ends every media session of `userId` (in one Space, or in all): a block, a suspension. */
  closeSessionsOf(userId: string, spaceId?: string) {
    this.#forgetHlsStanding(spaceId, userId);
    for (const p of this.plane.peers(spaceId)) if (p.key === userId) this.plane.closePeer(p.peerId, 'closed');
  }

  async close() {
    this.#off();
    for (const watch of this.#watches.values()) void watch.then((unsubscribe) => unsubscribe());
    this.#watches.clear();
  }

  /** Opens the Space's media room and follows the Space's events while it is open. */
  async #room(spaceId: string) {
    await this.plane.openRoom(spaceId);
    let watch = this.#watches.get(spaceId);
    if (!watch) {
      watch = this.bus.subscribe(spaceChannel(spaceId), (message) => {
        const m = message as SpaceBusMessage;
        if (m.type === 'event' && ENFORCED.has(m.event.kind)) {
          this.#forgetHlsStanding(spaceId);
          this.#enforce(spaceId, m.event);
        }
      });
      this.#watches.set(spaceId, watch);
      // The room may have closed while we subscribed.
      const unsubscribe = await watch;
      if (!this.plane.hasRoom(spaceId) && this.#watches.get(spaceId) === watch) {
        this.#watches.delete(spaceId);
        unsubscribe();
      }
    }
    await watch;
  }

  /** A signed-out session counts against its address until it closes. */
  #holds(sessionId: string, release: () => void) {
    if (!this.plane.peer(sessionId)) return release(); // closed already
    this.#releases.set(sessionId, release);
  }

  #onMedia(event: MediaEvent) {
    if (event.type === 'speaking') this.#speakingChanged(event.roomId, event.key, event.speaking);
    else if (event.type === 'peer-closed') {
      this.#releases.get(event.peerId)?.();
      this.#releases.delete(event.peerId);
      if (event.reason === 'worker-lost') this.#lost(event.roomId, event.peerId);
      this.#closeIfEmpty(event.roomId);
    } else if (event.type === 'room-closed') {
      const watch = this.#watches.get(event.roomId);
      this.#watches.delete(event.roomId);
      this.#syncs.delete(event.roomId);
      void watch?.then((unsubscribe) => unsubscribe());
    }
  }

  /** Sessions that ended with their media worker: their clients are told to reconnect (one message per room). */
  #lost(spaceId: string, sessionId: string) {
    let batch = this.#lostBatches.get(spaceId);
    if (!batch) {
      const sessions: Promise<string>[] = [];
      batch = sessions;
      this.#lostBatches.set(spaceId, sessions);
      setTimeout(async () => {
        this.#lostBatches.delete(spaceId);
        const message: SpaceBusMessage = { type: 'media_lost', sessions: await Promise.all(sessions) };
        await this.bus
          .publish(spaceChannel(spaceId), message)
          .catch((err) => this.log.warn({ err, spaceId }, 'could not tell listeners to reconnect'));
      }, 20).unref();
    }
    batch.push(mediaSessionTag(sessionId, async (data) => createHash('sha256').update(data).digest()));
  }

  /** A room nobody uses is closed after a pause (a reconnect often follows a close); HLS players use it too. */
  #closeIfEmpty(spaceId: string) {
    setTimeout(() => {
      if (!this.plane.hasRoom(spaceId) || this.plane.peers(spaceId).length > 0) return;
      if (this.hls.active(spaceId)) this.#closeIfEmpty(spaceId);
      else
        void this.plane
          .closeRoom(spaceId)
          .catch((err) => this.log.warn({ err, spaceId }, 'closing a media room failed'));
    }, EMPTY_ROOM_MS).unref();
  }

  /** Acts on an event at once, then re-reads the room: events from several nodes may arrive out of order. */
  #enforce(spaceId: string, event: RoomEvent) {
    try {
      if (event.kind === 'muted' || event.kind === 'unmuted')
        this.plane.setMuted(spaceId, event.userId, event.kind === 'muted');
      if (event.kind === 'left_stage')
        this.#closeWhere(spaceId, (p) => p.kind === 'publisher' && p.key === event.userId);
      if (event.kind === 'removed') this.#closeWhere(spaceId, (p) => p.key === event.userId);
      if (event.kind === 'ended') {
        this.hls.end(spaceId);
        void this.plane.closeRoom(spaceId);
      }
    } catch (err) {
      this.log.error({ err, spaceId }, 'media enforcement failed');
    }
    void this.#sync(spaceId);
  }

  #closeWhere(spaceId: string, which: (p: { kind: string; key: string; slot?: number }) => boolean) {
    for (const p of this.plane.peers(spaceId)) if (which(p)) this.plane.closePeer(p.peerId, 'closed');
  }

  /** Makes the media match the stored room: who is on stage, who is muted, who is removed. */
  async #sync(spaceId: string) {
    try {
      if (!this.plane.hasRoom(spaceId)) return;
      const mine = ++this.#syncCount;
      this.#syncs.set(spaceId, mine);
      const { state } = await this.spaces.load(spaceId);
      if (this.#syncs.get(spaceId) !== mine) return;
      this.#apply(spaceId, state);
    } catch (err) {
      this.log.warn({ err, spaceId }, 'media sync failed');
    }
  }

  /** Closes what the state no longer allows and sets mutes from it. */
  #apply(spaceId: string, state: RoomState) {
    if (state.status === 'ended') {
      this.hls.end(spaceId);
      return void this.plane.closeRoom(spaceId);
    }
    const stage = new Map(state.stage.map((m) => [m.user.id, m]));
    this.#closeWhere(spaceId, (p) => {
      if (p.kind === 'subscriber') return state.removed.includes(p.key);
      const member = stage.get(p.key);
      return !member || member.slot !== p.slot;
    });
    for (const member of state.stage) this.plane.setMuted(spaceId, member.user.id, member.muted);
  }

  /** Speaking changes go through the Space's command path one at a time; bursts collapse. */
  #speakingChanged(spaceId: string, userId: string, speaking: boolean) {
    let entry = this.#speaking.get(spaceId);
    if (!entry) {
      entry = { wanted: new Map(), busy: false };
      this.#speaking.set(spaceId, entry);
    }
    entry.wanted.set(userId, speaking);
    if (!entry.busy) void this.#flushSpeaking(spaceId, entry);
  }

  async #flushSpeaking(spaceId: string, entry: { wanted: Map<string, boolean>; busy: boolean }) {
    entry.busy = true;
    try {
      // Everything that arrived while the last commit ran goes in the next one, together.
      while (entry.wanted.size > 0) {
        const batch = [...entry.wanted];
        entry.wanted.clear();
        await this.spaces
          .recordSpeaking(spaceId, batch)
          .catch((err) => this.log.warn({ err, spaceId }, 'recording a speaking change failed'));
      }
    } finally {
      entry.busy = false;
      if (entry.wanted.size === 0) this.#speaking.delete(spaceId);
    }
  }
}
