import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Clock } from '../clock';
import { newId } from '../ids';
import type { Db } from '../store/db';

/** What a job handler may answer: nothing (done, the job is deleted) or a time to run again. */
export type JobResult = undefined | { runAgainAt: Date };
export interface JobHandler {
  run(payload: unknown): Promise<JobResult>;
  /** Called when the job has failed `MAX_ATTEMPTS` times; the job is then dropped. */
  gaveUp?(payload: unknown, error: string): Promise<void>;
  /** How long one run may take before another node may take the job over. */
  leaseMs?: number;
}

const MAX_ATTEMPTS = 5;

/**
 * Adds a durable job. With a `key`, at most one such job waits at a time: the first stays, or with
 * `replace` the new one takes its place (a reschedule moves a reminder). It may be written in the
 * same transaction as the change that calls for it.
 */
export async function enqueue(
  db: Db,
  job: { kind: string; key?: string; payload: unknown; runAt: Date; replace?: boolean },
) {
  const row = {
    id: newId(),
    kind: job.kind,
    key: job.key ?? null,
    payload: JSON.stringify(job.payload),
    run_at: job.runAt,
  };
  await db
    .insertInto('jobs')
    .values(row)
    .onConflict((oc) =>
      job.replace
        ? // A new id: a run of the old job still under way then neither deletes nor reschedules the new one.
          oc.column('key').doUpdateSet({ ...row, attempts: 0, locked_until: null, last_error: null })
        : oc.column('key').doNothing(),
    )
    .execute();
}

/** Drops waiting jobs by key (a cancelled Space's reminders). A run already under way finishes. */
export async function cancelJobs(db: Db, keys: string[]) {
  if (keys.length > 0) await db.deleteFrom('jobs').where('key', 'in', keys).execute();
}

/**
 * Runs due jobs from the `jobs` table: one at a time per node, each claimed with a lease so two
 * nodes never run the same one, retried with backoff after a failure. Work survives restarts
 * because it lives in the database; "due" is read from the clock, so tests can move time.
 */
export class JobRunner {
  #timer?: NodeJS.Timeout;
  /** Passes run one after another; the poller skips a beat while one runs. */
  #tail: Promise<unknown> = Promise.resolve();
  #busy = false;
  #stopped = false;
  readonly #handlers: Record<string, JobHandler> = {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Each capability registers its own job kinds when it is built (before `start`). */
  register(kind: string, handler: JobHandler) {
    if (this.#handlers[kind]) throw new Error(`job kind ${kind} is already registered`);
    this.#handlers[kind] = handler;
  }

  /** Polls every `pollMs`. */
  start(pollMs: number) {
    this.#timer = setInterval(() => {
      if (!this.#busy) void this.runDue();
    }, pollMs);
    this.#timer.unref();
    void this.runDue();
  }

  /**
   * Runs every job that is due now (after any pass already under way, which may have read the
   * clock before it moved); resolves with how many ran.
   */
  runDue(): Promise<number> {
    if (this.#stopped) return Promise.resolve(0);
    const pass = this.#tail.then(() => this.#pass());
    this.#tail = pass.catch(() => 0);
    return pass;
  }

  async stop() {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#tail;
  }

  async #pass() {
    this.#busy = true;
    let ran = 0;
    try {
      while (!this.#stopped) {
        const job = await this.#claim().catch((err) => {
          this.log.warn({ err, code: 'jobs_unreadable' }, 'jobs could not be read');
          return undefined;
        });
        if (!job) break;
        ran += 1;
        await this.#run(job);
      }
    } finally {
      this.#busy = false;
    }
    return ran;
  }

  async #claim() {
    const now = this.clock.now();
    const kinds = Object.keys(this.#handlers);
    return this.db.transaction().execute(async (tx) => {
      const job = await tx
        .selectFrom('jobs')
        .selectAll()
        .where('run_at', '<=', now)
        .where('kind', 'in', kinds)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('run_at')
        .limit(1)
        .forUpdate()
        .modifyEnd(sql`skip locked`)
        .executeTakeFirst();
      if (!job) return undefined;
      const leaseMs = this.#handlers[job.kind]?.leaseMs ?? 10 * 60_000;
      await tx
        .updateTable('jobs')
        .set({ locked_until: new Date(now.getTime() + leaseMs), attempts: job.attempts + 1 })
        .where('id', '=', job.id)
        .execute();
      return { ...job, attempts: job.attempts + 1 };
    });
  }

  async #run(job: { id: string; kind: string; payload: unknown; attempts: number }) {
    const handler = this.#handlers[job.kind] as JobHandler; // claimed only for known kinds
    try {
      const result = await handler.run(job.payload);
      if (result)
        await this.db
          .updateTable('jobs')
          .set({ run_at: result.runAgainAt, locked_until: null, attempts: 0, last_error: null })
          .where('id', '=', job.id)
          .execute();
      else await this.db.deleteFrom('jobs').where('id', '=', job.id).execute();
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      this.log.error({ err, job: job.kind, attempts: job.attempts }, 'a job failed');
      if (job.attempts >= MAX_ATTEMPTS) {
        await handler.gaveUp?.(job.payload, message).catch((e) => this.log.error({ err: e }, 'gaveUp failed'));
        await this.db.deleteFrom('jobs').where('id', '=', job.id).execute();
        return;
      }
      // 5 s, 25 s, 2 min, 10 min: a missing tool gets installed, a full disk gets room.
      const retryAt = new Date(this.clock.now().getTime() + 5000 * 5 ** (job.attempts - 1));
      await this.db
        .updateTable('jobs')
        .set({ run_at: retryAt, locked_until: null, last_error: message.slice(0, 2000) })
        .where('id', '=', job.id)
        .execute();
    }
  }
}
