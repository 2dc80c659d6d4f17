import type { Decision, Report, ReportStatus, Verdict } from '@earshot/protocol';
import { type ExpressionBuilder, sql } from 'kysely';
import { summary } from '../social/users-store';
import type { Db } from '../store/db';
import type { Database } from '../store/schema';
import { accountableOf, appealUntil, type ReportFacts, STANDING } from './rules';

/** Trust-and-safety queries: reports with their Space, people, recording, decisions and appeal. */

type Eb = ExpressionBuilder<Database & { r: Database['reports']; s: Database['spaces'] }, 'r' | 's'>;

const selectReports = (db: Db) =>
  db
    .selectFrom('reports as r')
    .innerJoin('spaces as s', 's.id', 'r.space_id')
    .innerJoin('users as host', 'host.id', 's.host_id')
    .innerJoin('users as reporter', 'reporter.id', 'r.reporter_id')
    .leftJoin('users as reported', 'reported.id', 'r.reported_user_id')
    .leftJoin('recordings as rec', 'rec.space_id', 'r.space_id')
    .leftJoin('appeals as a', 'a.report_id', 'r.id')
    .leftJoin('users as appellant', 'appellant.id', 'a.appellant_id')
    .select([
      'r.id',
      'r.status',
      'r.reason',
      'r.created_at',
      'r.offset_ms',
      'r.reported_user_id',
      'reporter.id as reporter_id',
      'reporter.handle as reporter_handle',
      'reporter.display_name as reporter_display_name',
      'reported.handle as reported_handle',
      'reported.display_name as reported_display_name',
      's.id as space_id',
      's.title as space_title',
      'host.id as host_id',
      'host.handle as host_handle',
      'host.display_name as host_display_name',
      'rec.status as recording_status',
      'rec.retain_until as recording_retain_until',
      'a.statement as appeal_statement',
      'a.created_at as appeal_created_at',
      'appellant.id as appellant_id',
      'appellant.handle as appellant_handle',
      'appellant.display_name as appellant_display_name',
    ]);

type ReportRow = Awaited<ReturnType<ReturnType<typeof selectReports>['executeTakeFirstOrThrow']>>;

interface DecisionRow {
  id: string;
  report_id: string;
  stage: string;
  verdict: string;
  reason: string;
  suspended: boolean;
  created_at: Date;
  moderator_id: string;
  moderator_handle: string;
  moderator_display_name: string;
}

/** A report with everything about it: what the API shows and what the rules read. */
export interface ReportRecord {
  id: string;
  spaceId: string;
  title: string;
  row: ReportRow;
  decisions: DecisionRow[];
  facts: ReportFacts;
}

async function decisionsOf(db: Db, reportIds: string[]): Promise<DecisionRow[]> {
  if (reportIds.length === 0) return [];
  return db
    .selectFrom('report_decisions as d')
    .innerJoin('users as m', 'm.id', 'd.moderator_id')
    .select([
      'd.id',
      'd.report_id',
      'd.stage',
      'd.verdict',
      'd.reason',
      'd.suspended',
      'd.created_at',
      'm.id as moderator_id',
      'm.handle as moderator_handle',
      'm.display_name as moderator_display_name',
    ])
    .where('d.report_id', 'in', reportIds)
    .orderBy('d.created_at')
    .orderBy('d.id')
    .execute();
}

function toRecord(row: ReportRow, decisions: DecisionRow[]): ReportRecord {
  const review = decisions.find((d) => d.stage === 'review') ?? null;
  const status = row.status as ReportStatus;
  return {
    id: row.id,
    spaceId: row.space_id,
    title: row.space_title,
    row,
    decisions,
    facts: {
      status,
      accountableId: accountableOf({ reportedUserId: row.reported_user_id, hostId: row.host_id }),
      hostId: row.host_id,
      reviewerId: review?.moderator_id ?? null,
      appealUntil: appealUntil({
        status,
        appealed: row.appeal_statement !== null,
        recordingRetainUntil: row.recording_retain_until,
        reviewedAt: review?.created_at ?? null,
      }),
    },
  };
}

async function withDecisions(db: Db, rows: ReportRow[]): Promise<ReportRecord[]> {
  const decisions = await decisionsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) =>
    toRecord(
      row,
      decisions.filter((d) => d.report_id === row.id),
    ),
  );
}

/** One report, or null. With `lock`, its row is locked until the transaction ends. */
export async function loadReport(db: Db, id: string, lock = false): Promise<ReportRecord | null> {
  if (lock) {
    const locked = await db.selectFrom('reports').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!locked) return null;
  }
  const row = await selectReports(db).where('r.id', '=', id).executeTakeFirst();
  if (!row) return null;
  return (await withDecisions(db, [row]))[0] ?? null;
}

const user = (id: string, handle: string, displayName: string) => summary({ id, handle, display_name: displayName });

/** The API's Report; `own` hides the reporter (the accountable person's view). */
export function toReport(record: ReportRecord, own = false): Report {
  const { row, decisions, facts } = record;
  const host = user(row.host_id, row.host_handle, row.host_display_name);
  const reported =
    row.reported_user_id && row.reported_handle && row.reported_display_name
      ? user(row.reported_user_id, row.reported_handle, row.reported_display_name)
      : null;
  return {
    id: row.id,
    status: facts.status,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
    reporter: own ? null : user(row.reporter_id, row.reporter_handle, row.reporter_display_name),
    reportedUser: reported,
    accountable: reported ?? host,
    space: { id: row.space_id, title: row.space_title, host },
    offsetMs: row.offset_ms,
    recording: row.recording_status
      ? {
          status: row.recording_status as NonNullable<Report['recording']>['status'],
          retainUntil: row.recording_retain_until?.toISOString() ?? null,
        }
      : null,
    decisions: decisions.map(
      (d): Decision => ({
        id: d.id,
        stage: d.stage as Decision['stage'],
        verdict: d.verdict as Verdict,
        reason: d.reason,
        suspended: d.suspended,
        moderator: user(d.moderator_id, d.moderator_handle, d.moderator_display_name),
        createdAt: d.created_at.toISOString(),
      }),
    ),
    appeal:
      row.appeal_statement !== null && row.appeal_created_at && row.appellant_id
        ? {
            statement: row.appeal_statement,
            by: user(row.appellant_id, row.appellant_handle ?? '', row.appellant_display_name ?? ''),
            createdAt: row.appeal_created_at.toISOString(),
          }
        : null,
    appealUntil: facts.appealUntil?.toISOString() ?? null,
  };
}

export type QueueFilter = 'open' | 'appealed' | 'decided' | 'all';
const QUEUE_STATUSES: Record<Exclude<QueueFilter, 'all'>, ReportStatus[]> = {
  open: ['open'],
  appealed: ['appealed'],
  decided: ['no_violation', 'violation', 'upheld', 'overturned'],
};

/**
 * The review queue. Work to do (open, appealed) comes oldest first, so nothing waits forever;
 * history (decided, all) newest first. The cursor is the last report id of the previous page.
 */
export async function listQueue(db: Db, filter: QueueFilter, cursor: string | undefined, limit: number) {
  const oldestFirst = filter === 'open' || filter === 'appealed';
  let q = selectReports(db)
    .orderBy('r.id', oldestFirst ? 'asc' : 'desc')
    .limit(limit + 1);
  if (filter !== 'all') q = q.where('r.status', 'in', QUEUE_STATUSES[filter]);
  if (cursor) q = q.where('r.id', oldestFirst ? '>' : '<', cursor);
  return withDecisions(db, await q.execute());
}

/** `r` is held against `userId`: they were reported, or it is about their Space and names no one. */
const heldAgainst = (userId: string) => (eb: Eb) =>
  eb.or([
    eb('r.reported_user_id', '=', userId),
    eb.and([eb('r.reported_user_id', 'is', null), eb('s.host_id', '=', userId)]),
  ]);

/** Reports held against a person with at least one violation decision, newest first. */
export async function listHeldAgainst(db: Db, userId: string, cursor: string | undefined, limit: number) {
  let q = selectReports(db)
    .where(heldAgainst(userId))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('report_decisions as d')
          .select(sql.lit(1).as('one'))
          .whereRef('d.report_id', '=', 'r.id')
          .where('d.verdict', '=', 'violation'),
      ),
    )
    .orderBy('r.id', 'desc')
    .limit(limit + 1);
  if (cursor) q = q.where('r.id', '<', cursor);
  return withDecisions(db, await q.execute());
}

/** Whether a report on this Space, other than `exceptReportId`, still holds a violation. */
export async function hasStandingViolation(db: Db, spaceId: string, exceptReportId?: string) {
  let q = db
    .selectFrom('reports')
    .select('id')
    .where('space_id', '=', spaceId)
    .where('status', 'in', STANDING)
    .limit(1);
  if (exceptReportId) q = q.where('id', '!=', exceptReportId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Whether a standing report other than `exceptReportId` suspended this account in its review. */
export async function suspendedByOtherReport(db: Db, userId: string, exceptReportId: string) {
  const row = await db
    .selectFrom('reports as r')
    .innerJoin('spaces as s', 's.id', 'r.space_id')
    .innerJoin('report_decisions as d', 'd.report_id', 'r.id')
    .select('r.id')
    .where(heldAgainst(userId))
    .where('r.id', '!=', exceptReportId)
    .where('r.status', 'in', STANDING)
    .where('d.suspended', '=', true)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function recordDecision(
  db: Db,
  input: {
    id: string;
    reportId: string;
    moderatorId: string;
    stage: 'review' | 'appeal';
    verdict: Verdict;
    reason: string;
    suspended: boolean;
    at: Date;
  },
) {
  await db
    .insertInto('report_decisions')
    .values({
      id: input.id,
      report_id: input.reportId,
      moderator_id: input.moderatorId,
      stage: input.stage,
      verdict: input.verdict,
      reason: input.reason,
      suspended: input.suspended,
      created_at: input.at,
    })
    .execute();
}

export async function setStatus(db: Db, reportId: string, status: ReportStatus) {
  await db.updateTable('reports').set({ status }).where('id', '=', reportId).execute();
}

/** A report filed from inside a Space; `offsetMs`: where in it a moderator should start listening. */
export async function fileReport(
  db: Db,
  report: {
    id: string;
    reporterId: string;
    spaceId: string;
    userId: string | null;
    reason: string;
    offsetMs: number | null;
  },
) {
  await db
    .insertInto('reports')
    .values({
      id: report.id,
      reporter_id: report.reporterId,
      space_id: report.spaceId,
      reported_user_id: report.userId,
      reason: report.reason,
      offset_ms: report.offsetMs,
    })
    .execute();
}

export async function recordAppeal(db: Db, reportId: string, appellantId: string, statement: string, at: Date) {
  await db
    .insertInto('appeals')
    .values({ report_id: reportId, appellant_id: appellantId, statement, created_at: at })
    .execute();
}
