import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock';
import { enqueue, type JobRunner } from '../jobs/jobs';
import type { MediaPlane } from '../media/api';
import type { Db } from '../store/db';
import type { SpaceHub } from './live';
import type { SpaceService } from './service';

export const ABSENCE_JOB = 'spaces-host-absence';

type Deps = {
  db: Db;
  clock: Clock;
  jobs: Pick<JobRunner, 'register'>;
  spaces: Pick<SpaceService, 'endIfHostsAbsent'>;
  hub: Pick<SpaceHub, 'connectedUsers'>;
  media: Pick<MediaPlane, 'peers'>;
  log: FastifyBaseLogger;
  /** HOST_ABSENT_END_MINUTES; 0 = never (nothing is marked, nothing is swept). */
  minutes: number;
};

/**
 * A Space whose host dropped (a closed laptop, a phone out of signal) must not stay "live" for
 * ever. Every node marks, every few seconds, the live Spaces where a host or co-host is connected
 * through it (a live socket or a microphone); one durable job, run by whichever node claims it,
 * ends those where nobody was marked for the whole window.
 */
export function hostAbsence({ db, clock, jobs, spaces, hub, media, log, minutes }: Deps) {
  const windowMs = minutes * 60_000;
  // Often enough that a Space ends close to its window, rarely enough to cost nothing.
  const sweepEveryMs = Math.min(30_000, Math.max(1000, windowMs / 4));
  // A host is last seen at most this long before they left: the window is kept to within it.
  const seenEveryMs = Math.min(5000, Math.max(500, windowMs / 4));

  async function markSeen() {
    const here = hub.connectedUsers();
    for (const p of media.peers())
      if (p.kind === 'publisher' && p.key !== 'anonymous') {
        const ids = here.get(p.roomId) ?? new Set<string>();
        ids.add(p.key);
        here.set(p.roomId, ids);
      }
    const now = clock.now();
    for (const [spaceId, ids] of here)
      await db
        .updateTable('spaces')
        .set({ managers_seen_at: now })
        .where('id', '=', spaceId)
        .where('status', '=', 'live')
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('space_stage')
              .select('user_id')
              .where('space_stage.space_id', '=', spaceId)
              .where('role', 'in', ['host', 'cohost'])
              .where('user_id', 'in', [...ids]),
          ),
        )
        .execute();
  }

  let timer: NodeJS.Timeout | undefined;
  let marking: Promise<void> = Promise.resolve();
  const mark = () => {
    marking = marking.then(markSeen).catch((err) => log.warn({ err }, 'marking connected hosts failed'));
    return marking;
  };

  jobs.register(ABSENCE_JOB, {
    leaseMs: 60_000,
    async run() {
      if (minutes <= 0) return undefined; // switched off since this job was queued
      await mark(); // this node's own news first
      const cutoff = new Date(clock.now().getTime() - windowMs);
      const due = await db
        .selectFrom('spaces')
        .select('id')
        .where('status', '=', 'live')
        .where((eb) => eb(eb.fn.coalesce('managers_seen_at', 'started_at'), '<', cutoff))
        .limit(100)
        .execute();
      // One Space that cannot end (deleted meanwhile, a database hiccup) does not hold up the others.
      for (const { id } of due) {
        const ended = await spaces.endIfHostsAbsent(id, cutoff).catch((err) => {
          log.warn({ err, spaceId: id }, 'ending an abandoned Space failed');
          return false;
        });
        if (ended) log.info({ spaceId: id, minutes }, 'Space ended: no host or co-host connected');
      }
      return { runAgainAt: new Date(clock.now().getTime() + sweepEveryMs) };
    },
  });

  return {
    /** Starts marking and makes sure the sweep is scheduled (once, whatever the number of nodes). */
    async start() {
      if (minutes <= 0) return;
      timer = setInterval(() => void mark(), seenEveryMs);
      timer.unref();
      await enqueue(db, { kind: ABSENCE_JOB, key: 'host-absence', payload: {}, runAt: clock.now(), replace: true });
    },
    async stop() {
      clearInterval(timer);
      await marking;
    },
  };
}
