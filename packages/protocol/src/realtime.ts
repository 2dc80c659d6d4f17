import { z } from 'zod';
import { ErrorBody } from './errors';
import { Message, Notification, UserSummary } from './social';

/** Messages the server pushes on `GET /api/ws`. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), user: UserSummary, unreadNotifications: z.number().int() }),
  z.object({ type: z.literal('notification'), notification: Notification, unreadNotifications: z.number().int() }),
  z.object({ type: z.literal('dm'), message: Message }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error') }).extend(ErrorBody.shape),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Messages a client may send on `GET /api/ws`. */
export const ClientMessage = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('ping') })]);
export type ClientMessage = z.infer<typeof ClientMessage>;
