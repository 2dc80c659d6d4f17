import { sql } from 'kysely';
import type { Services } from '../context';
import { reminderHolders } from '../schedule/store';
import type { Db } from '../store/db';

/** Followers of `hostId` with no block between them and the host, either way. */
export async function followersToTell(db: Db, hostId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('follows as f')
    .select('f.follower_id')
    .where('f.followee_id', '=', hostId)
    .where(
      sql<boolean>`not exists (select 1 from blocks b where (b.blocker_id = ${hostId} and b.blocked_id = f.follower_id)
        or (b.blocker_id = f.follower_id and b.blocked_id = ${hostId}))`,
    )
    .execute();
  return rows.map((r) => r.follower_id);
}

/**
 * When a Space goes live its host's followers hear of it (`space_live`), after the start is
 * committed and without holding up its request. Each notice carries a key, so a second telling
 * (another node, a retry) tells nobody twice; a crash part-way through leaves the rest untold.
 * People with a reminder for it already get `space_started`, so they are not told again.
 */
export function registerLiveNotices(
  { db, notifier, spaces }: Pick<Services, 'db' | 'notifier' | 'spaces'>,
  log: { warn(o: object, m: string): void },
) {
  spaces.onStatusCommitted(({ spaceId, before, after }) => {
    if (after.status !== 'live' || before.status === 'live') return;
    tellFollowers(spaceId).catch((err) => log.warn({ err, spaceId }, 'telling followers of a live Space failed'));
  });

  /** Tells the host's followers that the Space is live (again: nobody twice). */
  async function tellFollowers(spaceId: string) {
    const space = await spaces.load(spaceId).catch(() => null);
    // Over already (a very short Space) or deleted: old news.
    if (!space || space.state.status !== 'live') return;
    const reminded = new Set(await reminderHolders(db, spaceId));
    for (const userId of await followersToTell(db, space.hostId)) {
      if (reminded.has(userId)) continue;
      await notifier.notify({
        userId,
        kind: 'space_live',
        actorId: space.hostId,
        data: { spaceId, title: space.state.title },
        key: `space_live:${spaceId}:${userId}`,
      });
    }
  }
  return { tellFollowers };
}
