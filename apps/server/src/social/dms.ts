import { Conversation, Handle, Message, type MessageAction, PageQuery, page, SendMessageBody } from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { type Bus, userChannel } from '../bus/bus';
import { requireViewer } from '../http/auth';
import { AppError } from '../http/errors';
import { toPage } from '../http/pagination';
import { newId } from '../ids';
import type { Limits } from '../limits/limits';
import type { Db } from '../store/db';
import type { Notifier } from './notifications';
import { decide } from './rules';
import { findUser, relation, summary } from './users-store';

type Row = {
  id: string;
  text: string;
  created_at: Date;
  sender_id: string;
  recipient_id: string;
  from_handle: string;
  from_name: string;
  from_avatar: string | null;
  to_handle: string;
  to_name: string;
  to_avatar: string | null;
  action: unknown;
};

const toMessage = (r: Row): Message => ({
  id: r.id,
  from: summary({ id: r.sender_id, handle: r.from_handle, display_name: r.from_name, avatar: r.from_avatar }),
  to: summary({ id: r.recipient_id, handle: r.to_handle, display_name: r.to_name, avatar: r.to_avatar }),
  text: r.text,
  action: (r.action ?? null) as Message['action'],
  createdAt: r.created_at.toISOString(),
});

const selectMessages = (db: Db) =>
  db
    .selectFrom('messages as m')
    .innerJoin('users as s', 's.id', 'm.sender_id')
    .innerJoin('users as r', 'r.id', 'm.recipient_id')
    .select([
      'm.id',
      'm.text',
      'm.created_at',
      'm.action',
      'm.sender_id',
      'm.recipient_id',
      's.handle as from_handle',
      's.display_name as from_name',
      's.avatar as from_avatar',
      'r.handle as to_handle',
      'r.display_name as to_name',
      'r.avatar as to_avatar',
    ]);

/** Messages between two people, whichever way they went. */
const betweenPair = (a: string, b: string) => sql<boolean>`(
  (m.sender_id = ${a} and m.recipient_id = ${b}) or (m.sender_id = ${b} and m.recipient_id = ${a}))`;

/**
 * Sends a DM (the social rules decide whether `fromId` may message `toId`), pushes it to both
 * people's open connections and notifies the recipient. Space invitations come through here too.
 */
/** What sending a message needs (the Space service sends invitations with it too). */
export interface MessageDeps {
  db: Db;
  bus: Bus;
  notifier: Notifier;
}

export async function sendMessage(
  { db, bus, notifier }: MessageDeps,
  fromId: string,
  toId: string,
  text: string,
  action: MessageAction | null = null,
): Promise<Message> {
  const decision = decide('message', await relation(db, fromId, toId));
  if (!decision.ok) throw new AppError(decision.status, decision.code, decision.message);
  const id = newId();
  await db
    .insertInto('messages')
    .values({ id, sender_id: fromId, recipient_id: toId, text, action: action && JSON.stringify(action) })
    .execute();
  const message = toMessage(await selectMessages(db).where('m.id', '=', id).executeTakeFirstOrThrow());
  const event = { type: 'dm', message };
  await Promise.all([bus.publish(userChannel(toId), event), bus.publish(userChannel(fromId), event)]);
  if (!action)
    await notifier.notify({
      userId: toId,
      kind: 'dm',
      actorId: fromId,
      data: { messageId: id, text: text.slice(0, 140) },
    });
  return message;
}

export async function dmRoutes(app: FastifyInstance, services: MessageDeps & { limits: Limits }) {
  const { db } = services;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const HandleParams = z.strictObject({ handle: Handle });

  r.get(
    '/api/dms',
    { schema: { tags: ['dms'], response: { 200: z.object({ items: z.array(Conversation) }) } } },
    async (request) => {
      const me = requireViewer(request).id;
      // The newest message of each conversation, newest conversation first.
      const latest = await sql<{ id: string; other_id: string }>`
        select distinct on (other_id) id, other_id from (
          select id, case when sender_id = ${me} then recipient_id else sender_id end as other_id
          from messages where sender_id = ${me} or recipient_id = ${me}) mine
        order by other_id, id desc`.execute(db);
      if (latest.rows.length === 0) return { items: [] };
      const messages = await selectMessages(db)
        .where(
          'm.id',
          'in',
          latest.rows.map((l) => l.id),
        )
        .orderBy('m.id', 'desc')
        .execute();
      const unread = await db
        .selectFrom('messages')
        .select(['sender_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('recipient_id', '=', me)
        .where('read_at', 'is', null)
        .groupBy('sender_id')
        .execute();
      const unreadBy = new Map(unread.map((u) => [u.sender_id, Number(u.n)]));
      return {
        items: messages.map((row) => {
          const message = toMessage(row);
          const other = message.from.id === me ? message.to : message.from;
          return { with: other, lastMessage: message, unread: unreadBy.get(other.id) ?? 0 };
        }),
      };
    },
  );

  r.get(
    '/api/dms/:handle',
    { schema: { tags: ['dms'], params: HandleParams, querystring: PageQuery, response: { 200: page(Message) } } },
    async (request) => {
      const me = requireViewer(request).id;
      const other = await findUser(db, request.params.handle);
      const { cursor, limit } = request.query;
      let q = selectMessages(db)
        .where(betweenPair(me, other.id))
        .orderBy('m.id', 'desc')
        .limit(limit + 1);
      if (cursor) q = q.where('m.id', '<', cursor);
      const result = toPage(await q.execute(), limit, toMessage);
      // Reading the conversation reads what they sent.
      await db
        .updateTable('messages')
        .set({ read_at: new Date() })
        .where('sender_id', '=', other.id)
        .where('recipient_id', '=', me)
        .where('read_at', 'is', null)
        .execute();
      return result;
    },
  );

  r.post(
    '/api/dms/:handle',
    {
      schema: {
        tags: ['dms'],
        params: HandleParams,
        body: SendMessageBody,
        response: { 201: z.object({ message: Message }) },
      },
    },
    async (request, reply) => {
      const viewer = requireViewer(request);
      await services.limits.take('dm', viewer.id, request.ip);
      const other = await findUser(db, request.params.handle);
      const message = await sendMessage(services, viewer.id, other.id, request.body.text);
      return reply.status(201).send({ message });
    },
  );
}
