import type { ClientMessage, ServerMessage } from '@earshot/protocol';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api } from './api';
import { useSession } from './session';

export type RealtimeStatus = 'offline' | 'connecting' | 'open' | 'reconnecting';
type Listener = (message: ServerMessage) => void;

type Realtime = {
  status: RealtimeStatus;
  unreadNotifications: number;
  setUnreadNotifications: (count: number) => void;
  /** Returns an unsubscribe function. */
  subscribe: (listener: Listener) => () => void;
};

const RealtimeContext = createContext<Realtime | null>(null);

const PING_EVERY_MS = 25_000;
/** Short: notifications are back within seconds of a restarted server (jitter spreads the load). */
const MAX_BACKOFF_MS = 3000;

function socketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/api/ws`;
}

function parse(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const value: unknown = JSON.parse(data);
    if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
      return value as ServerMessage;
    }
  } catch {
    // ignore malformed frames
  }
  return null;
}

/** Owns the one WebSocket of the app while someone is signed in; reconnects with backoff. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const { user, refresh } = useSession();
  const userId = user?.id;
  const [status, setStatus] = useState<RealtimeStatus>('offline');
  const [unreadNotifications, setUnreadNotifications] = useState(0);
  const listeners = useRef(new Set<Listener>());

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  useEffect(() => {
    if (!userId) {
      setStatus('offline');
      setUnreadNotifications(0);
      return;
    }
    let closed = false;
    let socket: WebSocket | null = null;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;

    // The badge is right even before (or without) the socket.
    api
      .notifications({ limit: 1 })
      .then((page) => {
        if (!closed) setUnreadNotifications(page.unread);
      })
      .catch(() => {});

    const send = (message: ClientMessage) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    };

    const connect = () => {
      setStatus(attempt === 0 ? 'connecting' : 'reconnecting');
      const ws = new WebSocket(socketUrl());
      socket = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        attempt = 0;
        setStatus('open');
        clearInterval(pingTimer);
        pingTimer = setInterval(() => send({ type: 'ping' }), PING_EVERY_MS);
      };
      ws.onmessage = (event) => {
        const message = parse(event.data);
        if (!message) return;
        if (message.type === 'hello' || message.type === 'notification') {
          setUnreadNotifications(message.unreadNotifications);
        }
        for (const listener of [...listeners.current]) listener(message);
      };
      ws.onclose = () => {
        clearInterval(pingTimer);
        if (closed || socket !== ws) return;
        attempt += 1;
        setStatus('reconnecting');
        // Refused twice in a row: maybe the session ended; if so, the signed-out state stops the loop.
        if (!opened && attempt >= 2) void refresh();
        const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        retryTimer = setTimeout(connect, delay);
      };
      ws.onerror = () => {
        // onclose follows and schedules the retry
      };
    };

    const reconnectNow = () => {
      if (socket && socket.readyState !== WebSocket.CLOSED) return;
      clearTimeout(retryTimer);
      connect();
    };
    window.addEventListener('online', reconnectNow);
    connect();

    return () => {
      closed = true;
      window.removeEventListener('online', reconnectNow);
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      socket?.close(1000, 'signed out');
      socket = null;
    };
  }, [userId, refresh]);

  const value = useMemo(
    () => ({ status, unreadNotifications, setUnreadNotifications, subscribe }),
    [status, unreadNotifications, subscribe],
  );
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): Realtime {
  const realtime = useContext(RealtimeContext);
  if (!realtime) throw new Error('useRealtime must be used inside <RealtimeProvider>');
  return realtime;
}

/** Calls `listener` for every pushed message while the component is mounted (latest closure wins). */
export function useServerMessages(listener: Listener): void {
  const { subscribe } = useRealtime();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe((message) => latest.current(message)), [subscribe]);
}
