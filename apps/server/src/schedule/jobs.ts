import type { NotificationKind } from '@earshot/protocol';
import type { Services } from '../context';
import { cancelJobs, enqueue, type JobHandler } from '../jobs/jobs';
import type { SpaceService } from '../spaces/service';
import { blockedByHost } from '../spaces/store';
import {
  type HostNotice,
  hostsOf,
  noticeStands,
  type ReminderNews,
  scheduleChange,
  timedJobs,
  timedKeys,
} from './rules';
import { reminderHolders } from './store';

export const NOTICE_JOB = 'schedule-notice';
export const MISSED_JOB = 'schedule-missed';
export const NEWS_JOB = 'schedule-news';

const noticeKinds: Record<HostNotice, NotificationKind> = { soon: 'space_starting_soon', due: 'space_due' };
const newsKinds: Record<ReminderNews, NotificationKind> = {
  started: 'space_started',
  rescheduled: 'space_rescheduled',
  cancelled: 'space_cancelled',
};

/**
 * The durable work of scheduled Spaces. Every change to a Space re-plans its timed jobs in the
 * change's own transaction (keyed, so a reschedule replaces them and a cancel removes them), and
 * stores a job for the news people with a reminder get. Each notice carries a key of its own, so
 * a job run twice (a crash after sending, a second node) tells nobody twice.
 */
export function registerScheduleJobs(services: Services, spaces: SpaceService) {
  const { db, notifier, config, clock, jobs } = services;
  const times = { hostNoticeMinutes: config.SCHEDULE_HOST_NOTICE_MINUTES, graceMinutes: config.SCHEDULE_GRACE_MINUTES };

  spaces.onChange(async (tx, { spaceId, before, after, seq }) => {
    const change = scheduleChange(before, after);
    const keys = timedKeys(spaceId);
    if (change.plan && after.scheduledFor) {
      const at = timedJobs(after.scheduledFor, times);
      const scheduledFor = after.scheduledFor;
      for (const notice of ['soon', 'due'] as const)
        await enqueue(tx, {
          kind: NOTICE_JOB,
          key: keys[notice],
          payload: { spaceId, scheduledFor, notice },
          runAt: at[notice],
          replace: true,
        });
      await enqueue(tx, {
        kind: MISSED_JOB,
        key: keys.missed,
        payload: { spaceId },
        runAt: at.missed,
        replace: true,
      });
    }
    if (change.drop) await cancelJobs(tx, Object.values(keys));
    if (change.tell) {
      // Each reschedule is news of its own (its seq); a start or a cancel happens once.
      const ref = change.tell === 'rescheduled' ? String(seq) : change.tell;
      await enqueue(tx, {
        kind: NEWS_JOB,
        key: `schedule:${spaceId}:news:${ref}`,
        payload: { spaceId, news: change.tell, ref, previousFor: before?.scheduledFor ?? null },
        runAt: clock.now(),
      });
    }
  });

  const load = (spaceId: string) => spaces.load(spaceId).catch(() => null); // deleted since: nothing to do

  const noticeJob: JobHandler = {
    leaseMs: 60_000,
    async run(payload) {
      const { spaceId, scheduledFor, notice } = payload as {
        spaceId: string;
        scheduledFor: string;
        notice: HostNotice;
      };
      const space = await load(spaceId);
      if (!space || !noticeStands(space.state, scheduledFor)) return undefined;
      for (const userId of hostsOf(space.state))
        await notifier.notify({
          userId,
          kind: noticeKinds[notice],
          actorId: null,
          data: { spaceId, title: space.state.title, scheduledFor },
          key: `${notice}:${spaceId}:${scheduledFor}:${userId}`,
        });
      return undefined;
    },
  };

  const missedJob: JobHandler = {
    leaseMs: 60_000,
    async run(payload) {
      const { spaceId } = payload as { spaceId: string };
      if (!(await load(spaceId))) return undefined;
      await spaces.markMissedIfLate(spaceId);
      return undefined;
    },
  };

  const newsJob: JobHandler = {
    leaseMs: 5 * 60_000,
    async run(payload) {
      const { spaceId, news, ref, previousFor } = payload as {
        spaceId: string;
        news: ReminderNews;
        ref: string;
        previousFor: string | null;
      };
      const space = await load(spaceId);
      if (!space) return undefined;
      const holders = await reminderHolders(db, spaceId);
      const blocked = await blockedByHost(db, space.hostId, holders);
      const { state } = space;
      for (const userId of holders) {
        if (blocked.has(userId) || userId === space.hostId) continue;
        await notifier.notify({
          userId,
          kind: newsKinds[news],
          actorId: space.hostId,
          data: { spaceId, title: state.title, scheduledFor: state.scheduledFor, previousFor },
          key: `${news}:${spaceId}:${ref}:${userId}`,
        });
      }
      return undefined;
    },
  };

  jobs.register(NOTICE_JOB, noticeJob);
  jobs.register(MISSED_JOB, missedJob);
  jobs.register(NEWS_JOB, newsJob);
}
