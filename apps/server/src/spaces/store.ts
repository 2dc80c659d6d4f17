import type { RoomState, SpaceSummary } from '@earshot/protocol';
import { type ExpressionBuilder, sql } from 'kysely';
import { notFound } from '../http/errors';
import type { Db } from '../store/db';
import type { Database } from '../store/schema';

/** Reads a Space's room state and sequence number (optionally locking the row: the one writer). */
export async function loadRoom(db: Db, spaceId: string, lock = false) {
  let q = db.selectFrom('spaces').select(['room', 'seq', 'host_id', 'listener_count']).where('id', '=', spaceId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Space');
  return { state: row.room as RoomState, seq: row.seq, hostId: row.host_id, listenerCount: row.listener_count };
}

/** Whether the host has blocked each of these users (their block list covers all their Spaces). */
export async function blockedByHost(db: Db, hostId: string, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('blocks')
    .select('blocked_id')
    .where('blocker_id', '=', hostId)
    .where('blocked_id', 'in', userIds)
    .execute();
  return new Set(rows.map((r) => r.blocked_id));
}

/** Everyone this host has blocked. */
export async function blockedUsersOf(db: Db, hostId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', hostId).execute();
  return new Set(rows.map((r) => r.blocked_id));
}

/** Live Spaces this person hosts. */
export async function liveHostedBy(db: Db, hostId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('spaces')
    .select('id')
    .where('host_id', '=', hostId)
    .where('status', '=', 'live')
    .execute();
  return rows.map((r) => r.id);
}

/** Live Spaces where this person hosts, is on stage, has a hand raised or an invitation. */
export async function liveInvolving(db: Db, userId: string): Promise<string[]> {
  const hand = JSON.stringify([{ id: userId }]);
  const invitation = JSON.stringify([{ user: { id: userId } }]);
  const rows = await db
    .selectFrom('spaces')
    .select('id')
    .where('status', '=', 'live')
    .where(
      sql<boolean>`(host_id = ${userId}
        or exists (select 1 from space_stage st where st.space_id = spaces.id and st.user_id = ${userId})
        or room->'raisedHands' @> ${hand}::jsonb or room->'invitations' @> ${invitation}::jsonb)`,
    )
    .execute();
  return rows.map((r) => r.id);
}

export async function follows(db: Db, followerId: string, followeeId: string) {
  const row = await db
    .selectFrom('follows')
    .select('follower_id')
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .executeTakeFirst();
  return Boolean(row);
}

type SummaryRow = { room: unknown; listener_count: number; followed_on_stage?: number };
const toSummary = (r: SummaryRow): SpaceSummary => {
  const s = r.room as RoomState;
  return {
    id: s.id,
    title: s.title,
    topics: s.topics,
    speakerPolicy: s.speakerPolicy,
    status: s.status,
    host: s.host,
    stage: s.stage.map((m) => m.user),
    listenerCount: r.listener_count,
    startedAt: s.startedAt,
    scheduledFor: s.scheduledFor ?? null,
    ...(r.followed_on_stage !== undefined && { followedOnStage: Number(r.followed_on_stage) }),
  };
};

export function summaryOf(state: RoomState, listenerCount: number): SpaceSummary {
  return toSummary({ room: state, listener_count: listenerCount });
}

/** `word` as an ILIKE pattern that matches it literally anywhere. */
const likeOf = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A search matches word by word: every word of `q` appears in the title or a topic, in any order
 * ("audio night" finds "Open audio night" and "Night of audio"; a leading # is ignored).
 */
const matchesWords = (q: string) => (eb: ExpressionBuilder<Database, 'spaces'>) =>
  eb.and(
    q
      .split(/\s+/)
      .map((w) => w.replace(/^#+/, ''))
      .filter(Boolean)
      .slice(0, 8)
      .map((word) => {
        const like = likeOf(word);
        return eb.or([
          eb('title', 'ilike', like),
          eb.exists(sql`(select 1 from unnest(spaces.topics) t where t ilike ${like})`),
        ]);
      }),
  );

/** Live Spaces, biggest audience first; `q` matches title or a topic, case-insensitively. */
export async function listLive(db: Db, q: string | undefined, limit: number) {
  let query = db
    .selectFrom('spaces')
    .select(['room', 'listener_count'])
    .where('status', '=', 'live')
    .orderBy('listener_count', 'desc')
    .orderBy('started_at', 'desc')
    .limit(limit);
  if (q) {
    query = query.where(matchesWords(q));
  }
  return (await query.execute()).map(toSummary);
}

/**
 * Upcoming (scheduled) Spaces: hosts the viewer follows first, then the soonest; none of hosts who
 * blocked the viewer. `q` matches title or a topic; `hostId` keeps one host's (a profile).
 */
export async function listUpcoming(
  db: Db,
  options: { q?: string; hostId?: string; viewerId: string | null; limit: number },
) {
  const viewerId = options.viewerId ?? '';
  let query = db
    .selectFrom('spaces')
    .select(['room', 'listener_count'])
    .select(
      sql<boolean>`exists (select 1 from follows f where f.follower_id = ${viewerId} and f.followee_id = spaces.host_id)`.as(
        'followed',
      ),
    )
    .where('status', '=', 'scheduled')
    .where(
      sql<boolean>`not exists (select 1 from blocks b where b.blocker_id = spaces.host_id and b.blocked_id = ${viewerId})`,
    )
    .orderBy(sql`followed`, 'desc')
    .orderBy('scheduled_for', 'asc')
    .limit(options.limit);
  if (options.hostId) query = query.where('host_id', '=', options.hostId);
  if (options.q) {
    query = query.where(matchesWords(options.q));
  }
  return (await query.execute()).map((r) => ({ ...toSummary(r), youFollowHost: Boolean(r.followed) }));
}

/** How many scheduled Spaces a host has now (the per-host limit). */
export async function countUpcoming(db: Db, hostId: string) {
  const row = await db
    .selectFrom('spaces')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('host_id', '=', hostId)
    .where('status', '=', 'scheduled')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Live Spaces where people the viewer follows host or speak: the more of them on stage, the earlier. */
export async function bubbles(db: Db, viewerId: string, limit: number) {
  const rows = await sql<SummaryRow>`
    select s.room, s.listener_count, count(*)::int as followed_on_stage
    from spaces s
    join space_stage st on st.space_id = s.id
    join follows f on f.followee_id = st.user_id and f.follower_id = ${viewerId}
    where s.status = 'live'
      and not exists (select 1 from blocks b where b.blocker_id = s.host_id and b.blocked_id = ${viewerId})
    group by s.id
    order by followed_on_stage desc, s.listener_count desc, s.started_at desc
    limit ${limit}`.execute(db);
  return rows.rows.map(toSummary);
}

/** How many Spaces `hostId` took live since `since` (ticketing's eligibility reads it). */
export async function hostedSince(db: Db, hostId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('spaces')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('host_id', '=', hostId)
    .where('started_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Titles and statuses of these Spaces, by id. */
export async function spaceHeads(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, { title: string; status: string; hostId: string }>();
  const rows = await db
    .selectFrom('spaces')
    .select(['id', 'title', 'status', 'host_id'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { title: r.title, status: r.status, hostId: r.host_id }]));
}
