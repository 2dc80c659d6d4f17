import { ErrorCode, type ReportStatus } from '@earshot/protocol';
import { RETAIN_DAYS_AFTER_VIOLATION } from '../recording/rules';

/**
 * Trust and safety: who may see the review queue, decide reports, appeal and read their own
 * record. Pure: plain data in, a yes or a refusal out. Every such authorization lives here.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * list_queue / view_report: moderators' views; decide_review: the first decision (open reports);
 * decide_appeal: the final one (appealed reports); appeal: the accountable person's one appeal;
 * view_own: the reports held against the viewer.
 */
export type SafetyAction = 'list_queue' | 'view_report' | 'decide_review' | 'decide_appeal' | 'appeal' | 'view_own';
export const safetyActions: SafetyAction[] = [
  'list_queue',
  'view_report',
  'decide_review',
  'decide_appeal',
  'appeal',
  'view_own',
];

/** The facts about one report the rules need. */
export interface ReportFacts {
  status: ReportStatus;
  /** Who a violation is held against: the reported person, else the Space's host. */
  accountableId: string;
  hostId: string;
  /** The moderator who made the review (first) decision, if any. */
  reviewerId: string | null;
  /** Until when an appeal may be made (see `appealUntil`); null when none may be. */
  appealUntil: Date | null;
}

export interface SafetyContext {
  /** Null: not signed in. */
  viewer: { id: string; moderator: boolean } | null;
  /** The report the action names; null when it does not exist; absent for actions on no report. */
  report?: ReportFacts | null;
  now: Date;
}

export type SafetyVerdict = { ok: true } | { ok: false; status: number; code: string; message: string };

const yes: SafetyVerdict = { ok: true };
const no = (status: number, code: string, message: string): SafetyVerdict => ({ ok: false, status, code, message });
const forbidden = (message: string) => no(403, ErrorCode.forbidden, message);
const conflict = (message: string) => no(409, ErrorCode.conflict, message);

/** Standing violations keep a recording for 90 days and keep an account suspended. */
export const STANDING: ReportStatus[] = ['violation', 'appealed', 'upheld'];
export const DECIDED: ReportStatus[] = ['no_violation', 'violation', 'upheld', 'overturned'];

/** A moderator by the users.moderator flag (granted with `npm run admin`) or by MODERATORS in config. */
export const isModerator = (user: { handle: string; moderator: boolean }, configured: readonly string[]) =>
  user.moderator || configured.includes(user.handle.toLowerCase());

/** A report about a person holds that person accountable; one about the Space holds its host. */
export const accountableOf = (report: { reportedUserId: string | null; hostId: string }) =>
  report.reportedUserId ?? report.hostId;

/**
 * Until when a violation may be appealed: as long as the recording is kept (its retain_until,
 * end + 90 days after a violation), or 90 days after the decision when there is no dated
 * recording. Null unless the report stands as a violation not yet appealed.
 */
export function appealUntil(input: {
  status: ReportStatus;
  appealed: boolean;
  recordingRetainUntil: Date | null;
  reviewedAt: Date | null;
}): Date | null {
  if (input.status !== 'violation' || input.appealed || !input.reviewedAt) return null;
  return input.recordingRetainUntil ?? new Date(input.reviewedAt.getTime() + RETAIN_DAYS_AFTER_VIOLATION * DAY_MS);
}

/** The one place trust-and-safety actions are authorized. */
export function decideSafety(action: SafetyAction, ctx: SafetyContext): SafetyVerdict {
  const { viewer, report, now } = ctx;
  if (!viewer) return no(401, ErrorCode.unauthenticated, 'sign in first');
  if (action === 'view_own') return yes;

  const moderatorsOnly = action !== 'appeal';
  // Non-moderators learn nothing about reports, not even whether one exists.
  if (moderatorsOnly && !viewer.moderator) return forbidden('only moderators review reports');
  if (action === 'list_queue') return yes;
  if (!report) return no(404, ErrorCode.notFound, 'report not found');

  switch (action) {
    case 'view_report':
      return yes;
    case 'decide_review':
    case 'decide_appeal': {
      // Nobody judges their own case: a report about them, or about a Space they host.
      if (report.accountableId === viewer.id) return forbidden('another moderator decides a report about you');
      if (report.hostId === viewer.id) return forbidden('another moderator decides a report about a Space you host');
      if (action === 'decide_review')
        return report.status === 'open' ? yes : conflict(`this report is already decided (${report.status})`);
      if (report.status !== 'appealed') return conflict(`this report has no appeal waiting (${report.status})`);
      // An appeal gets a second pair of eyes.
      if (report.reviewerId === viewer.id)
        return forbidden('another moderator decides the appeal of a decision you made');
      return yes;
    }
    case 'appeal':
      if (report.accountableId !== viewer.id) return forbidden('only the person the report is held against may appeal');
      if (report.status === 'appealed' || report.status === 'upheld' || report.status === 'overturned')
        return conflict('this decision was already appealed; an appeal is made once');
      if (report.status !== 'violation') return conflict('only a violation can be appealed');
      if (!report.appealUntil || now >= report.appealUntil) return conflict('the time to appeal has passed');
      return yes;
  }
}

/**
 * What a suspended account may still do with a state-changing method: log in and out, mark its
 * notifications read and choose how they reach it (Web Push: a decision on its appeal is one),
 * appeal, and listen to Spaces (a WHEP offer is a POST; ending a media session is a DELETE). Everything else is refused: posting, hosting, speaking (WHIP), messages.
 * `route` is the matched route pattern (e.g. /api/reports/:id/appeal), undefined for unknown paths.
 */
const ALLOWED_WHILE_SUSPENDED = new Set([
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'POST /api/notifications/read',
  'POST /api/push/subscriptions',
  'DELETE /api/push/subscriptions',
  'PATCH /api/push/preferences',
  'POST /api/reports/:id/appeal',
  // A suspension ends a live Space its host holds; ending one by hand stays possible.
  'POST /api/spaces/:id/end',
  'POST /api/spaces/:id/whep',
  'DELETE /api/spaces/:id/media/:session',
]);
const CHANGES_STATE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function mayActWhileSuspended(method: string, route: string | undefined): boolean {
  if (!CHANGES_STATE.has(method)) return true;
  return route !== undefined && ALLOWED_WHILE_SUSPENDED.has(`${method} ${route}`);
}
