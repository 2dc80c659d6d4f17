import type { RoomEvent, RoomState } from '@earshot/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../bus/bus';
import type { Captioner } from '../captions/captioner';
import { AppError } from '../http/errors';
import type { Recorder } from '../recording/recorder';
import { decideMedia, type MediaAction } from '../spaces/rules';
import { type SpaceBusMessage, type SpaceService, spaceChannel } from '../spaces/service';
import type { Peer } from './peer';
import type { MediaPlane } from './plane';
import { Publisher } from './publisher';
import type { MediaRoom } from './room';
import { SdpError } from './sdp';

const EMPTY_ROOM_MS = 10_000;

interface Session {
  spaceId: string;
  peer: Peer;
}

/** Room-state events that change what the media plane must do. */
const ENFORCED = new Set<RoomEvent['kind']>(['muted', 'unmuted', 'left_stage', 'removed', 'ended']);

/**
 * Spaces meet the media plane here: who may publish or listen (the rules decide), which WHIP/WHEP
 * session belongs to which Space, server-side enforcement of mutes, removals and the end of a
 * Space (from the Space's events, on whichever node carries its audio), and speaking changes from
 * audio levels back into the room state.
 */
export class SpaceMedia {
  readonly #sessions = new Map<string, Session>();
  readonly #watches = new Map<string, () => void>();
  readonly #speaking = new Map<string, { wanted: Map<string, boolean>; busy: boolean }>();

  constructor(
    private readonly plane: MediaPlane,
    private readonly spaces: SpaceService,
    private readonly bus: Bus,
    private readonly recorder: Recorder,
    private readonly captioner: Captioner,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Answers a WHIP (publish) or WHEP (listen) offer for `userId` (null = signed out). */
  async connect(action: MediaAction, spaceId: string, userId: string | null, offer: string) {
    const room = await this.#room(spaceId);
    // Authorize after the room follows the Space's events, so no change between the two is missed.
    // A refused offer must not leave a room open: one opened for an unknown or ended Space would
    // never close, and an ended Space's mixdown waits for its room to close.
    const { state, role } = await this.spaces.standing(spaceId, userId).catch((err) => {
      const { publishers, subscribers } = room.stats();
      if (publishers === 0 && subscribers === 0) room.close();
      throw err;
    });
    const verdict = decideMedia(action, state, role);
    if (!verdict.ok) {
      if (state.status === 'ended') room.close();
      else this.#closeIfEmpty(room);
      throw new AppError(verdict.status, verdict.code, verdict.message);
    }
    const key = userId ?? 'anonymous';
    try {
      let connected: { peer: Peer; answer: string };
      if (action === 'publish') {
        const member = state.stage.find((m) => m.user.id === userId);
        if (!member) throw new AppError(403, 'forbidden', 'only the host, co-hosts and speakers can publish audio');
        connected = await room.publish(offer, { key, slot: member.slot, muted: member.muted });
        // One microphone per speaker: a new WHIP session (a reconnect) replaces the old one.
        for (const p of room.peersOf(key)) if (p instanceof Publisher && p !== connected.peer) p.close('replaced');
      } else connected = await room.subscribe(offer, { key });
      const { peer, answer } = connected;
      this.#sessions.set(peer.id, { spaceId, peer });
      peer.once('closed', () => this.#sessions.delete(peer.id));
      // A change that landed while we negotiated is applied now.
      void this.#sync(spaceId);
      return { sessionId: peer.id, answer };
    } catch (err) {
      this.#closeIfEmpty(room);
      if (err instanceof SdpError) throw new AppError(400, err.code, err.message);
      if (err instanceof AppError) throw err;
      throw new AppError(400, 'invalid_sdp', `the offer could not be answered: ${(err as Error).message}`);
    }
  }

  /** Ends a session (DELETE on its WHIP/WHEP resource). The session id is the capability. */
  end(spaceId: string, sessionId: string) {
    const session = this.#sessions.get(sessionId);
    if (!session || session.spaceId !== spaceId) return false;
    session.peer.close('closed');
    return true;
  }

  close() {
    for (const unsubscribe of this.#watches.values()) unsubscribe();
    this.#watches.clear();
    this.plane.close();
  }

  async #room(spaceId: string): Promise<MediaRoom> {
    const existing = this.plane.room(spaceId);
    if (existing) return existing;
    const room = this.plane.openRoom(spaceId);
    this.recorder.attach(room, spaceId);
    void this.captioner.attach(room, spaceId);
    room.on('speaking', (key, speaking) => this.#speakingChanged(spaceId, key, speaking));
    room.on('publisherClosed', () => this.#closeIfEmpty(room));
    room.on('subscriberClosed', () => this.#closeIfEmpty(room));
    room.once('closed', () => {
      this.#watches.get(spaceId)?.();
      this.#watches.delete(spaceId);
    });
    const unsubscribe = await this.bus.subscribe(spaceChannel(spaceId), (message) => {
      const m = message as SpaceBusMessage;
      if (m.type === 'event' && ENFORCED.has(m.event.kind)) this.#enforce(room, m.event);
    });
    if (room.closed) unsubscribe();
    else this.#watches.set(spaceId, unsubscribe);
    return room;
  }

  /** A room nobody uses is closed after a pause (a reconnect often follows a close). */
  #closeIfEmpty(room: MediaRoom) {
    setTimeout(() => {
      const { publishers, subscribers } = room.stats();
      if (publishers === 0 && subscribers === 0) room.close();
    }, EMPTY_ROOM_MS).unref();
  }

  /** Acts on an event at once, then re-reads the room: events from several nodes may arrive out of order. */
  #enforce(room: MediaRoom, event: RoomEvent) {
    try {
      if (event.kind === 'muted' || event.kind === 'unmuted') room.setMuted(event.userId, event.kind === 'muted');
      if (event.kind === 'left_stage')
        for (const p of room.peersOf(event.userId)) if (p instanceof Publisher) p.close('closed');
      if (event.kind === 'removed') for (const p of room.peersOf(event.userId)) p.close('closed');
      if (event.kind === 'ended') room.close();
    } catch (err) {
      this.log.error({ err, spaceId: room.id }, 'media enforcement failed');
    }
    void this.#sync(room.id);
  }

  /** Makes the media match the stored room: who is on stage, who is muted, who is removed. */
  async #sync(spaceId: string) {
    try {
      const room = this.plane.room(spaceId);
      if (!room) return;
      const { state } = await this.spaces.load(spaceId);
      applyRoomState(room, state);
    } catch (err) {
      this.log.warn({ err, spaceId }, 'media sync failed');
    }
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
      while (entry.wanted.size > 0) {
        const [userId, speaking] = entry.wanted.entries().next().value as [string, boolean];
        entry.wanted.delete(userId);
        await this.spaces
          .recordSpeaking(spaceId, userId, speaking)
          .catch((err) => this.log.warn({ err, spaceId }, 'recording a speaking change failed'));
      }
    } finally {
      entry.busy = false;
      if (entry.wanted.size === 0) this.#speaking.delete(spaceId);
    }
  }
}

/** Closes what the state no longer allows and sets mutes from it. */
function applyRoomState(room: MediaRoom, state: RoomState) {
  if (state.status === 'ended') return room.close();
  const stage = new Map(state.stage.map((m) => [m.user.id, m]));
  for (const p of room.publishers()) {
    const member = stage.get(p.key);
    if (!member || member.slot !== p.slot) p.close('closed');
    else room.setMuted(p.key, member.muted);
  }
  for (const s of room.subscribers()) if (state.removed.includes(s.key)) s.close('closed');
}
