import type { PushKind } from '@earshot/protocol';
import { newId } from '../ids';
import type { Db } from '../store/db';

/** Most browsers one person keeps subscribed; a new one past this drops their oldest. */
const MAX_PER_USER = 20;

export type StoredSubscription = { endpoint: string; p256dh: string; auth: string };

/** The server's VAPID keys: the stored pair, or `fresh` stored first (two nodes starting at once keep one). */
export async function vapidKeys(db: Db, fresh: () => { publicKey: string; privateKey: string }) {
  const read = () => db.selectFrom('push_vapid_keys').select(['public_key', 'private_key']).executeTakeFirst();
  let row = await read();
  if (!row) {
    const keys = fresh();
    await db
      .insertInto('push_vapid_keys')
      .values({ id: 1, public_key: keys.publicKey, private_key: keys.privateKey })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    row = await read();
  }
  if (!row) throw new Error('the VAPID keys could not be stored');
  return { publicKey: row.public_key, privateKey: row.private_key };
}

/** Stores a browser's subscription for `userId`; the same browser signed in as someone else moves to them. */
export async function saveSubscription(db: Db, userId: string, sub: StoredSubscription) {
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('push_subscriptions')
      .values({ id: newId(), user_id: userId, ...sub })
      .onConflict((oc) =>
        oc
          .column('endpoint')
          .doUpdateSet({ user_id: userId, p256dh: sub.p256dh, auth: sub.auth, created_at: new Date() }),
      )
      .execute();
    const extra = await tx
      .selectFrom('push_subscriptions')
      .select('id')
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .offset(MAX_PER_USER)
      .limit(1000)
      .execute();
    if (extra.length > 0)
      await tx
        .deleteFrom('push_subscriptions')
        .where(
          'id',
          'in',
          extra.map((r) => r.id),
        )
        .execute();
  });
  return db
    .selectFrom('push_subscriptions')
    .select(['endpoint', 'created_at'])
    .where('endpoint', '=', sub.endpoint)
    .executeTakeFirstOrThrow();
}

/** Removes one of `userId`'s subscriptions; false when they have none with that endpoint. */
export async function deleteSubscription(db: Db, userId: string, endpoint: string) {
  const result = await db
    .deleteFrom('push_subscriptions')
    .where('user_id', '=', userId)
    .where('endpoint', '=', endpoint)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The push service said this subscription is gone (404/410). */
export async function dropEndpoint(db: Db, endpoint: string) {
  await db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint).execute();
}

export function listSubscriptions(db: Db, userId: string) {
  return db
    .selectFrom('push_subscriptions')
    .select(['endpoint', 'created_at', 'p256dh', 'auth'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function mutedKinds(db: Db, userId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('push_muted_kinds').select('kind').where('user_id', '=', userId).execute();
  return new Set(rows.map((r) => r.kind));
}

export async function setKinds(db: Db, userId: string, kinds: Partial<Record<PushKind, boolean>>) {
  const off = Object.entries(kinds)
    .filter(([, on]) => on === false)
    .map(([kind]) => kind);
  const on = Object.entries(kinds)
    .filter(([, enabled]) => enabled === true)
    .map(([kind]) => kind);
  await db.transaction().execute(async (tx) => {
    if (on.length > 0)
      await tx.deleteFrom('push_muted_kinds').where('user_id', '=', userId).where('kind', 'in', on).execute();
    if (off.length > 0)
      await tx
        .insertInto('push_muted_kinds')
        .values(off.map((kind) => ({ user_id: userId, kind })))
        .onConflict((oc) => oc.columns(['user_id', 'kind']).doNothing())
        .execute();
  });
}
