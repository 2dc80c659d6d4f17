import {
  applyEvent,
  type Caption,
  type Reaction,
  type RoomEvent,
  type RoomState,
  type SpaceServerMessage,
  type UserSummary,
} from '@earshot/protocol';
import { useEffect, useRef, useState } from 'react';
import { ApiError, api } from './api';
import { i18n } from './i18n';
import { MEDIA_LOST_EVENT, SERVER_BACK_EVENT } from './media/session';

/**
 * The live state of one Space's room, as the viewer sees it:
 * - connecting / reconnecting: the socket is (re)opening; `room` keeps the last known state;
 * - open: events are arriving in sequence;
 * - ended, removed, blocked, refused, not_found, ticket_required: final; nothing reconnects.
 */
export type Connection =
  | 'connecting'
  | 'open'
  | 'reconnecting'
  | 'ended'
  | 'removed'
  | 'blocked'
  | 'refused'
  | 'not_found'
  | 'ticket_required';

export type LiveSpace = {
  room: RoomState | null;
  seq: number;
  listenerCount: number;
  listeners: UserSummary[];
  connection: Connection;
  /** Why the room refused us (refused), for people. */
  problem: string | null;
};

type Handlers = {
  /** After each applied event, with the state before and after it. */
  onEvent?: (event: RoomEvent, before: RoomState, after: RoomState) => void;
  onReaction?: (user: UserSummary, emoji: Reaction) => void;
  /** A live caption (partial or final); not sequenced, like reactions. */
  onCaption?: (caption: Caption) => void;
};

const PING_EVERY_MS = 25_000;
/** Short: after a server restart the room is back within seconds of the server (jitter spreads the load). */
const MAX_BACKOFF_MS = 2500;
/** Close codes the server uses for "you may not be here". */
const CLOSE_REMOVED = 4403;
const CLOSE_NOT_FOUND = 4404;

/** Names this tab, so that an anonymous listener who reconnects is still counted once. */
function clientId(): string {
  const key = 'earshot-client';
  try {
    let id = sessionStorage.getItem(key);
    if (!id) {
      id = Math.random().toString(36).slice(2, 14);
      sessionStorage.setItem(key, id);
    }
    return id;
  } catch {
    return '';
  }
}

function socketUrl(id: string, since: number | null): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const params = new URLSearchParams();
  if (since !== null) params.set('since', String(since));
  const client = clientId();
  if (client) params.set('client', client);
  const query = params.toString();
  return `${scheme}//${window.location.host}/api/spaces/${encodeURIComponent(id)}/live${query ? `?${query}` : ''}`;
}

function parse(data: unknown): SpaceServerMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const value: unknown = JSON.parse(data);
    if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
      return value as SpaceServerMessage;
    }
  } catch {
    // ignore malformed frames
  }
  return null;
}

const initial: LiveSpace = {
  room: null,
  seq: 0,
  listenerCount: 0,
  listeners: [],
  connection: 'connecting',
  problem: null,
};

/**
 * Follows a Space over its live socket: a snapshot, then events applied in strict sequence with the
 * shared reducer. A gap or a dropped socket reconnects with `?since=` and backoff. A new
 * `generation` starts over (a ticket was just bought).
 */
export function useSpace(id: string, myId: string | null, handlers: Handlers = {}, enabled = true, generation = 0) {
  const [live, setLive] = useState<LiveSpace>(initial);
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let final = false;
    let socket: WebSocket | null = null;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    // The source of truth between renders: events must apply to the newest state, not a render's.
    let room: RoomState | null = null;
    let seq: number | null = null;
    let gapped = false;
    // Sockets refused while the HTTP API answers fine: the server turned us away (a browser cannot
    // read the status of a refused upgrade, and GET does not tell a blocked viewer).
    let refusals = 0;

    setLive(initial);

    const finish = (connection: Connection, problem: string | null = null) => {
      final = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      setLive((l) => ({ ...l, connection, problem }));
      if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, connection);
    };

    const scheduleRetry = () => {
      attempt += 1;
      setLive((l) => ({ ...l, connection: 'reconnecting' }));
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      retryTimer = setTimeout(connect, delay);
    };

    /** The socket closed before it said anything: ask over HTTP why (404, 403, ended). */
    const diagnose = async () => {
      try {
        const view = await api.space(id);
        if (stopped || final) return;
        if (myId && view.space.removed.includes(myId)) {
          finish('removed');
          return;
        }
        if (view.space.status === 'ended') {
          room = view.space;
          seq = view.seq;
          setLive({
            room: view.space,
            seq: view.seq,
            listenerCount: view.listenerCount,
            listeners: view.listeners,
            connection: 'ended',
            problem: null,
          });
          final = true;
          return;
        }
        // A ticketed Space lets in its stage, the people invited onto it and ticket holders.
        const s = view.space;
        const admitted =
          !view.ticketing ||
          view.ticketing.youHaveTicket ||
          (!!myId && (s.stage.some((m) => m.user.id === myId) || s.invitations.some((i) => i.user.id === myId)));
        if (!admitted) return finish('ticket_required');
        refusals += 1;
        if (refusals >= 2) {
          finish('refused', i18n.t('room.page.refusedMaybe'));
          return;
        }
      } catch (error) {
        if (stopped || final) return;
        if (error instanceof ApiError && error.status === 404) return finish('not_found');
        if (error instanceof ApiError && error.status === 403) return finish('refused', error.message);
      }
      scheduleRetry();
    };

    const handle = (ws: WebSocket, message: SpaceServerMessage) => {
      switch (message.type) {
        case 'snapshot': {
          room = message.space;
          seq = message.seq;
          setLive({
            room: message.space,
            seq: message.seq,
            listenerCount: message.listenerCount,
            listeners: message.listeners,
            connection: 'open',
            problem: null,
          });
          if (myId && message.space.removed.includes(myId)) finish('removed');
          else if (message.space.status === 'ended') finish('ended');
          return;
        }
        case 'event': {
          if (!room || seq === null || message.seq <= seq) return; // before the snapshot, or seen already
          if (message.seq !== seq + 1) {
            // A gap: start again from what we have, at once.
            gapped = true;
            ws.close(4000, 'sequence gap');
            return;
          }
          const before = room;
          const after = applyEvent(before, message.event);
          room = after;
          seq = message.seq;
          setLive((l) => ({ ...l, room: after, seq: message.seq }));
          latest.current.onEvent?.(message.event, before, after);
          if (message.event.kind === 'ended') finish('ended');
          else if (message.event.kind === 'removed' && message.event.userId === myId)
            finish(message.event.blocked ? 'blocked' : 'removed');
          return;
        }
        case 'presence':
          setLive((l) => ({ ...l, listenerCount: message.listenerCount, listeners: message.listeners }));
          return;
        case 'reaction':
          latest.current.onReaction?.(message.user, message.emoji);
          return;
        case 'caption':
          latest.current.onCaption?.(message.caption);
          return;
        case 'media_lost':
          // The media sessions of this page (media/session.ts) check whether they are among them.
          window.dispatchEvent(new CustomEvent(MEDIA_LOST_EVENT, { detail: message.sessions }));
          return;
        case 'error':
          if (!message.id && (message.error.code === 'removed' || message.error.code === 'blocked')) {
            finish(message.error.code === 'removed' ? 'removed' : 'blocked', message.error.message);
          } else if (!message.id && message.error.code === 'not_found') {
            finish('not_found');
          }
          return;
        default:
          return;
      }
    };

    function connect() {
      if (stopped || final) return;
      setLive((l) => ({ ...l, connection: seq === null && attempt === 0 ? 'connecting' : 'reconnecting' }));
      const ws = new WebSocket(socketUrl(id, seq));
      socket = ws;
      // Refusals (403, 404) come before the socket opens; after a reconnect with ?since= the server
      // sends only what was missed, maybe nothing, so an open socket is a working one.
      let opened = false;
      ws.onopen = () => {
        opened = true;
        refusals = 0;
        // Back after a drop (a server restart): media sessions waiting out their backoff try now.
        if (attempt > 0) window.dispatchEvent(new Event(SERVER_BACK_EVENT));
        if (seq !== null) setLive((l) => ({ ...l, connection: 'open' }));
        clearInterval(pingTimer);
        pingTimer = setInterval(() => {
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping' }));
        }, PING_EVERY_MS);
      };
      ws.onmessage = (event) => {
        const message = parse(event.data);
        if (!message || socket !== ws) return;
        attempt = 0;
        handle(ws, message);
      };
      ws.onclose = (event) => {
        clearInterval(pingTimer);
        if (stopped || final || socket !== ws) return;
        if (event.code === CLOSE_REMOVED) return finish('removed', event.reason || null);
        if (event.code === CLOSE_NOT_FOUND) return finish('not_found');
        if (gapped) {
          gapped = false;
          connect();
          return;
        }
        if (!opened) {
          void diagnose();
          return;
        }
        scheduleRetry();
      };
      ws.onerror = () => {
        // onclose follows and decides what to do
      };
    }

    const reconnectNow = () => {
      if (final || (socket && socket.readyState !== WebSocket.CLOSED)) return;
      clearTimeout(retryTimer);
      connect();
    };
    window.addEventListener('online', reconnectNow);
    connect();

    return () => {
      stopped = true;
      window.removeEventListener('online', reconnectNow);
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      socket?.close(1000, 'left');
      socket = null;
    };
  }, [id, myId, enabled, generation]);

  return live;
}
