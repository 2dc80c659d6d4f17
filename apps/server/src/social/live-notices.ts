import { sql } from 'kysely';
import type { Services } from '../context';
import { enqueue, type JobHandler } from '../jobs/jobs';
import { reminderHolders } from '../schedule/store';
import type { Db } from '../store/db';

export const LIVE_NOTICE_JOB = 'space-live-notice';

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
 * When a Space goes live its host's followers hear of it (`space_live`). The job is stored in the
 * start's own transaction and each notice carries a key, so a job run twice tells nobody twice.
 * People with a reminder for it already get `space_started`, so they are not told again.
 */
export function registerLiveNotices({ db, notifier, clock, jobs, spaces }: Services) {
  spaces.onChange(async (tx, { spaceId, before, after }) => {
    if (after.status !== 'live' || before?.status === 'live') return;
    await enqueue(tx, {
      kind: LIVE_NOTICE_JOB,
      key: `space_live:${spaceId}`,
      payload: { spaceId },
      runAt: clock.now(),
    });
  });

  const job: JobHandler = {
    leaseMs: 5 * 60_000,
    async run(payload) {
      const { spaceId } = payload as { spaceId: string };
      const space = await spaces.load(spaceId).catch(() => null);
      // Over already (a very short Space) or deleted: old news.
      if (!space || space.state.status !== 'live') return undefined;
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
      return undefined;
    },
  };
  jobs.register(LIVE_NOTICE_JOB, job);
}
