import {
  type Notification,
  type NotificationKind,
  Notification as NotificationSchema,
  PageQuery,
  page,
} from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Bus, userChannel } from '../bus/bus';
import { requireViewer } from '../http/auth';
import { toPage } from '../http/pagination';
import { newId } from '../ids';
import type { Db } from '../store/db';
import { summary } from './users-store';

export interface Notifier {
  notify(input: {
    userId: string;
    kind: NotificationKind;
    actorId: string | null;
    data?: Record<string, unknown>;
    /** Stores it at most once per key (a retried job's notice): a repeat returns the first, unsent again. */
    key?: string;
  }): Promise<Notification>;
  unreadCount(userId: string): Promise<number>;
  /**
   * Calls `listener` after each stored notification (Web Push hangs on here). It must not await
   * slow work: notify() is part of the request that caused it.
   */
  onNotified(listener: NotifiedListener): void;
}
export type NotifiedListener = (userId: string, notification: Notification) => void;

type Row = {
  id: string;
  kind: string;
  data: unknown;
  created_at: Date;
  read_at: Date | null;
  actor_id: string | null;
  handle: string | null;
  display_name: string | null;
  avatar: string | null;
};

const toNotification = (r: Row): Notification => ({
  id: r.id,
  kind: r.kind as NotificationKind,
  actor:
    r.actor_id && r.handle && r.display_name
      ? summary({ id: r.actor_id, handle: r.handle, display_name: r.display_name, avatar: r.avatar })
      : null,
  data: r.data as Record<string, unknown>,
  createdAt: r.created_at.toISOString(),
  read: r.read_at !== null,
});

const selectNotifications = (db: Db) =>
  db
    .selectFrom('notifications as n')
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .select([
      'n.id',
      'n.kind',
      'n.data',
      'n.created_at',
      'n.read_at',
      'n.actor_id',
      'a.handle',
      'a.display_name',
      'a.avatar',
    ]);

/** Stores a notification and pushes it to the user's open connections, on any node. */
export function createNotifier(db: Db, bus: Bus): Notifier {
  const unreadCount = async (userId: string) => {
    const row = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const listeners: NotifiedListener[] = [];
  return {
    unreadCount,
    onNotified: (listener) => {
      listeners.push(listener);
    },
    async notify({ userId, kind, actorId, data = {}, key }) {
      const id = newId();
      const stored = await db
        .insertInto('notifications')
        .values({ id, user_id: userId, kind, actor_id: actorId, data: JSON.stringify(data), key: key ?? null })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!stored)
        return toNotification(
          await selectNotifications(db)
            .where('n.key', '=', key ?? '')
            .executeTakeFirstOrThrow(),
        );
      const row = await selectNotifications(db).where('n.id', '=', id).executeTakeFirstOrThrow();
      const notification = toNotification(row);
      await bus.publish(userChannel(userId), {
        type: 'notification',
        notification,
        unreadNotifications: await unreadCount(userId),
      });
      for (const listener of listeners) listener(userId, notification);
      return notification;
    },
  };
}

export async function notificationRoutes(app: FastifyInstance, { db, notifier }: { db: Db; notifier: Notifier }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        querystring: PageQuery,
        response: { 200: page(NotificationSchema).extend({ unread: z.number().int() }) },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { cursor, limit } = request.query;
      let q = selectNotifications(db)
        .where('n.user_id', '=', viewer.id)
        .orderBy('n.id', 'desc')
        .limit(limit + 1);
      if (cursor) q = q.where('n.id', '<', cursor);
      return { ...toPage(await q.execute(), limit, toNotification), unread: await notifier.unreadCount(viewer.id) };
    },
  );
  r.post(
    '/api/notifications/read',
    { schema: { tags: ['notifications'], response: { 204: z.null() } } },
    async (request, reply) => {
      const viewer = requireViewer(request);
      await db
        .updateTable('notifications')
        .set({ read_at: new Date() })
        .where('user_id', '=', viewer.id)
        .where('read_at', 'is', null)
        .execute();
      return reply.status(204).send(null);
    },
  );
}
