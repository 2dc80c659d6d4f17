import { ClientMessage, ErrorCode, type ServerMessage } from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { userChannel } from '../bus/bus';
import type { Services } from '../context';
import { errorBody, socketError } from '../http/errors';
import { controlCharacterError, hasControlCharacter } from '../http/input';
import { getUserById, summary } from '../social/users-store';
import { afterPendingReads } from './heartbeat';

const send = (socket: WebSocket, message: ServerMessage) => {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
};

/** Close codes in the private range, so clients can tell why they were let go. */
export const CloseCode = { unauthenticated: 4401, reconnect: 1012 } as const;

/**
 * `GET /api/ws`: one socket per open app tab. Pushes the user's notifications and DMs, from
 * whichever node produced them (through the bus).
 */
export async function realtimeRoutes(app: FastifyInstance, { db, bus, notifier, config }: Services) {
  // A phone that lost its network never closes its socket: one missed pong and it is let go.
  const alive = new Map<WebSocket, boolean>();
  const beat = () => {
    for (const [socket, answered] of alive) {
      if (!answered) {
        socket.terminate();
        alive.delete(socket);
        continue;
      }
      alive.set(socket, false);
      if (socket.readyState === socket.OPEN) socket.ping();
    }
  };
  const heartbeat = setInterval(() => afterPendingReads(beat), config.WS_HEARTBEAT_MS);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));
  // Redis was away: DMs and notifications from other nodes were lost on the way. Reconnecting
  // clients read them afresh (and get a new unread count in `hello`).
  bus.onRecover(() => {
    for (const socket of alive.keys()) socket.close(CloseCode.reconnect, 'events were missed; reconnect');
  });

  app.get('/api/ws', { websocket: true, schema: { tags: ['realtime'], hide: true } }, async (socket, request) => {
    const viewer = request.viewer;
    if (!viewer) {
      socket.send(JSON.stringify({ type: 'error', ...errorBody(ErrorCode.unauthenticated, 'sign in first') }));
      socket.close(CloseCode.unauthenticated, 'unauthenticated');
      return;
    }
    // Before the first await: a message sent right after the socket opens must find a listener.
    socket.on('message', (raw) => {
      if (alive.has(socket)) alive.set(socket, true); // a socket busy sending is not a vanished one
      let parsed: ReturnType<typeof ClientMessage.safeParse>;
      try {
        const json: unknown = JSON.parse(String(raw));
        if (hasControlCharacter(json)) return send(socket, socketError(controlCharacterError()) as ServerMessage);
        parsed = ClientMessage.safeParse(json);
      } catch {
        return send(socket, { type: 'error', ...errorBody(ErrorCode.invalidJson, 'messages are JSON') });
      }
      if (!parsed.success)
        return send(socket, {
          type: 'error',
          ...errorBody(ErrorCode.invalidRequest, 'unknown message; expected {"type":"ping"}'),
        });
      send(socket, { type: 'pong' });
    });
    // Listen before the first await on I/O so that nothing pushed meanwhile is lost.
    const pending: ServerMessage[] = [];
    let ready = false;
    const unsubscribe = await bus.subscribe(userChannel(viewer.id), (event) => {
      if (ready) send(socket, event as ServerMessage);
      else pending.push(event as ServerMessage);
    });
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
    socket.on('close', () => {
      alive.delete(socket);
      unsubscribe();
    });
    const user = await getUserById(db, viewer.id);
    send(socket, { type: 'hello', user: summary(user), unreadNotifications: await notifier.unreadCount(viewer.id) });
    ready = true;
    for (const m of pending) send(socket, m);
  });
}
