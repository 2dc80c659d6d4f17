import {
  AppealBody,
  DecisionBody,
  ErrorCode,
  PageQuery,
  page,
  Report,
  ReportListQuery,
  type ReportStatus,
} from '@earshot/protocol';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../context';
import type { Viewer } from '../http/auth';
import { AppError } from '../http/errors';
import { toPage } from '../http/pagination';
import { newId } from '../ids';
import { setViolation } from '../recording/store';
import { setSuspended } from '../social/users-store';
import { decideSafety, type SafetyAction } from './rules';
import {
  hasStandingViolation,
  listHeldAgainst,
  listQueue,
  loadReport,
  type ReportRecord,
  recordAppeal,
  recordDecision,
  setStatus,
  suspendedByOtherReport,
  toReport,
} from './store';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const ReportResponse = z.object({ report: Report });

/** Refuses (throws) unless the rules allow `action`; narrows the report to one that exists. */
function authorize(
  action: SafetyAction,
  viewer: Viewer | null,
  record: ReportRecord | null | undefined,
  now: Date,
): asserts viewer is Viewer {
  const verdict = decideSafety(action, {
    viewer: viewer && { id: viewer.id, moderator: viewer.moderator },
    report: record === undefined ? undefined : (record?.facts ?? null),
    now,
  });
  if (!verdict.ok) throw new AppError(verdict.status, verdict.code, verdict.message);
}

/** The review queue, decisions and appeals (spec §4, trust and safety). */
export async function safetyRoutes(app: FastifyInstance, { db, clock, notifier, spaces }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** Notifications go out after the commit; a failed one is logged, the decision stands. */
  const notifyAll = async (
    log: FastifyBaseLogger,
    record: ReportRecord,
    kind: 'report_decided' | 'appeal_decided',
    data: Record<string, unknown>,
  ) => {
    const people = new Set([record.facts.accountableId, record.facts.hostId]);
    for (const userId of people)
      await notifier
        .notify({ userId, kind, actorId: null, data: { reportId: record.id, spaceId: record.spaceId, ...data } })
        .catch((err: unknown) => log.error({ err }, 'a safety notification failed'));
  };

  r.get(
    '/api/moderation/reports',
    { schema: { tags: ['moderation'], querystring: ReportListQuery, response: { 200: page(Report) } } },
    async (request) => {
      authorize('list_queue', request.viewer, undefined, clock.now());
      const { status, cursor, limit } = request.query;
      return toPage(await listQueue(db, status, cursor, limit), limit, (rec) => toReport(rec));
    },
  );

  r.get(
    '/api/moderation/reports/:id',
    { schema: { tags: ['moderation'], params: IdParams, response: { 200: ReportResponse } } },
    async (request) => {
      const record = await loadReport(db, request.params.id);
      authorize('view_report', request.viewer, record, clock.now());
      // authorize refuses a missing report.
      return { report: toReport(record as ReportRecord) };
    },
  );

  r.post(
    '/api/moderation/reports/:id/decision',
    {
      schema: {
        tags: ['moderation'],
        params: IdParams,
        body: DecisionBody,
        response: { 200: ReportResponse },
      },
    },
    async (request) => {
      const { verdict, reason, suspend } = request.body;
      const now = clock.now();
      const viewer = request.viewer;
      const { before, after } = await db.transaction().execute(async (tx) => {
        const before = await loadReport(tx, request.params.id, true);
        // The stage follows from the report's state: open → review, appealed → the final decision.
        const stage = before?.facts.status === 'appealed' ? 'appeal' : 'review';
        authorize(stage === 'appeal' ? 'decide_appeal' : 'decide_review', viewer, before, now);
        const record = before as ReportRecord;
        if (suspend && verdict !== 'violation')
          throw new AppError(400, ErrorCode.invalidRequest, 'suspend goes with a violation only');
        await recordDecision(tx, {
          id: newId(),
          reportId: record.id,
          moderatorId: viewer.id,
          stage,
          verdict,
          reason,
          suspended: suspend,
          at: now,
        });
        const { accountableId } = record.facts;
        let status: ReportStatus;
        if (verdict === 'violation') {
          status = stage === 'review' ? 'violation' : 'upheld';
          // Kept 90 days after the end, for the appeal and for the record.
          await setViolation(tx, record.spaceId, true);
          if (suspend) await setSuspended(tx, accountableId, now);
        } else if (stage === 'review') {
          status = 'no_violation';
        } else {
          status = 'overturned';
          if (!(await hasStandingViolation(tx, record.spaceId, record.id)))
            await setViolation(tx, record.spaceId, false);
          const review = record.decisions.find((d) => d.stage === 'review');
          if (review?.suspended && !(await suspendedByOtherReport(tx, accountableId, record.id)))
            await setSuspended(tx, accountableId, null);
        }
        await setStatus(tx, record.id, status);
        return { before: record, after: (await loadReport(tx, record.id)) as ReportRecord };
      });
      const { status, appealUntil } = after.facts;
      // The suspension reaches the live rooms at once (their Space ends, others' stages let them go).
      if (verdict === 'violation' && suspend)
        await spaces
          .enforceSuspension(after.facts.accountableId)
          .catch((err) => request.log.error({ err }, 'enforcing a suspension in live Spaces failed'));
      if (before.facts.status === 'open' && verdict === 'violation')
        await notifyAll(request.log, after, 'report_decided', {
          title: after.title,
          verdict,
          reason,
          suspended: suspend,
          appealUntil: appealUntil?.toISOString() ?? null,
        });
      if (before.facts.status === 'appealed')
        await notifyAll(request.log, after, 'appeal_decided', { title: after.title, verdict, status, reason });
      return { report: toReport(after) };
    },
  );

  r.get(
    '/api/me/reports',
    { schema: { tags: ['moderation'], querystring: PageQuery, response: { 200: page(Report) } } },
    async (request) => {
      authorize('view_own', request.viewer, undefined, clock.now());
      const { cursor, limit } = request.query;
      const records = await listHeldAgainst(db, request.viewer.id, cursor, limit);
      return toPage(records, limit, (rec) => toReport(rec, true));
    },
  );

  r.post(
    '/api/reports/:id/appeal',
    {
      schema: { tags: ['moderation'], params: IdParams, body: AppealBody, response: { 201: ReportResponse } },
    },
    async (request, reply) => {
      const now = clock.now();
      const viewer = request.viewer;
      const after = await db.transaction().execute(async (tx) => {
        const record = await loadReport(tx, request.params.id, true);
        authorize('appeal', viewer, record, now);
        await recordAppeal(tx, request.params.id, viewer.id, request.body.statement, now);
        await setStatus(tx, request.params.id, 'appealed');
        return (await loadReport(tx, request.params.id)) as ReportRecord;
      });
      return reply.status(201).send({ report: toReport(after, true) });
    },
  );
}
