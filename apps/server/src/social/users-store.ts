import { DEFAULT_LANGUAGE, isLanguage, type Language } from '@earshot/i18n/codes';
import type { UserSummary } from '@earshot/protocol';
import { sql } from 'kysely';
import { notFound } from '../http/errors';
import type { Db } from '../store/db';
import type { Relation } from './rules';

export type UserRow = {
  id: string;
  handle: string;
  display_name: string;
  bio: string;
  created_at: Date;
  avatar: string | null;
};

/** Where a person's current picture is served (social/avatars.ts): a new version is a new URL. */
export const avatarUrl = (userId: string, version: string) =>
  `/api/avatars/${encodeURIComponent(userId)}/${version}.webp`;

export const summary = (u: {
  id: string;
  handle: string;
  display_name: string;
  avatar?: string | null;
}): UserSummary => ({
  id: u.id,
  handle: u.handle,
  displayName: u.display_name,
  ...(u.avatar && { avatarUrl: avatarUrl(u.id, u.avatar) }),
});

export const publicUser = (u: UserRow) => ({ ...summary(u), bio: u.bio, createdAt: u.created_at.toISOString() });

export async function findUser(db: Db, handle: string): Promise<UserRow> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'handle', 'display_name', 'bio', 'created_at', 'avatar'])
    .where('handle_lower', '=', handle.toLowerCase())
    .executeTakeFirst();
  if (!row) throw notFound(`user @${handle}`);
  return row;
}

export async function getUserById(db: Db, id: string): Promise<UserRow> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'handle', 'display_name', 'bio', 'created_at', 'avatar'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('user');
  return row;
}

/** The language a person's app shows (Settings), null until the app has said. */
export async function chosenLanguage(db: Db, id: string): Promise<Language | null> {
  const row = await db.selectFrom('users').select('language').where('id', '=', id).executeTakeFirst();
  return isLanguage(row?.language) ? row.language : null;
}

/** The language to write to a person in (pushes): their app's, else English. */
export const languageOf = async (db: Db, id: string): Promise<Language> =>
  (await chosenLanguage(db, id)) ?? DEFAULT_LANGUAGE;

export async function relation(db: Db, viewerId: string, otherId: string): Promise<Relation> {
  if (viewerId === otherId) return { self: true, viewerBlocks: false, blocksViewer: false };
  const rows = await db
    .selectFrom('blocks')
    .select(['blocker_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('blocker_id', '=', viewerId), eb('blocked_id', '=', otherId)]),
        eb.and([eb('blocker_id', '=', otherId), eb('blocked_id', '=', viewerId)]),
      ]),
    )
    .execute();
  return {
    self: false,
    viewerBlocks: rows.some((r) => r.blocker_id === viewerId),
    blocksViewer: rows.some((r) => r.blocker_id === otherId),
  };
}

export async function profile(db: Db, user: UserRow, viewerId: string | null) {
  const counts = await sql<{ followers: number; following: number }>`
    select (select count(*)::int from follows where followee_id = ${user.id}) as followers,
           (select count(*)::int from follows where follower_id = ${user.id}) as following`.execute(db);
  let youFollow = false;
  let followsYou = false;
  let rel: Relation = { self: true, viewerBlocks: false, blocksViewer: false };
  if (viewerId && viewerId !== user.id) {
    const edges = await db
      .selectFrom('follows')
      .select(['follower_id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('follower_id', '=', viewerId), eb('followee_id', '=', user.id)]),
          eb.and([eb('follower_id', '=', user.id), eb('followee_id', '=', viewerId)]),
        ]),
      )
      .execute();
    youFollow = edges.some((e) => e.follower_id === viewerId);
    followsYou = edges.some((e) => e.follower_id === user.id);
    rel = await relation(db, viewerId, user.id);
  }
  const c = counts.rows[0] ?? { followers: 0, following: 0 };
  return {
    ...publicUser(user),
    followers: c.followers,
    following: c.following,
    youFollow,
    followsYou,
    blocked: rel.viewerBlocks,
    blocksYou: rel.blocksViewer,
  };
}

/** How many people follow `userId` (ticketing's eligibility reads it). */
export async function followerCount(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('follows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('followee_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Summaries of these users, by id (unknown ids are left out). */
export async function summariesById(db: Db, ids: string[]): Promise<Map<string, UserSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'handle', 'display_name', 'avatar'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, summary(r)]));
}

/** Suspends an account (keeping the first date if it already is); `at: null` lifts it. */
export async function setSuspended(db: Db, userId: string, at: Date | null) {
  let q = db.updateTable('users').set({ suspended_at: at }).where('id', '=', userId);
  if (at) q = q.where('suspended_at', 'is', null);
  await q.execute();
}

/** The admin command line's changes to an account by handle: moderator, or suspended (first date kept). */
export async function setAccountByHandle(
  db: Db,
  handle: string,
  set: { moderator: boolean } | { suspended_at: Date | null },
) {
  let q = db.updateTable('users').set(set).where('handle_lower', '=', handle.toLowerCase());
  if ('suspended_at' in set && set.suspended_at) q = q.where('suspended_at', 'is', null);
  await q.execute();
}

/** `blockerId` blocks `blockedId` (again is a no-op). */
export async function block(db: Db, blockerId: string, blockedId: string) {
  await db
    .insertInto('blocks')
    .values({ blocker_id: blockerId, blocked_id: blockedId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
