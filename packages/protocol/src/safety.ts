import { z } from 'zod';
import { RecordingStatus } from './recording';
import { UserSummary } from './social';

/**
 * A report's life: open → no_violation | violation; a violation may be appealed once (appealed),
 * and the appeal's final decision upholds it (upheld) or overturns it (overturned).
 */
export const ReportStatus = z.enum(['open', 'no_violation', 'violation', 'appealed', 'upheld', 'overturned']);
export const Verdict = z.enum(['no_violation', 'violation']);

export const Decision = z.object({
  id: z.string(),
  /** review: the first decision; appeal: the second, final one (by another moderator). */
  stage: z.enum(['review', 'appeal']),
  verdict: Verdict,
  reason: z.string(),
  suspended: z.boolean(),
  moderator: UserSummary,
  createdAt: z.string(),
});

export const Appeal = z.object({ statement: z.string(), by: UserSummary, createdAt: z.string() });

/** A report as moderators see it (GET /api/moderation/reports[/:id]); hosts see their own without the reporter. */
export const Report = z.object({
  id: z.string(),
  status: ReportStatus,
  reason: z.string(),
  createdAt: z.string(),
  /** Null for the accountable person's own view. */
  reporter: UserSummary.nullable(),
  /** The person reported, or null when the report is about the Space (its host is accountable). */
  reportedUser: UserSummary.nullable(),
  /** Who a violation is held against and who may appeal: the reported person, else the host. */
  accountable: UserSummary,
  space: z.object({ id: z.string(), title: z.string(), host: UserSummary }),
  /** How far into the Space the report was made: where a moderator starts listening. */
  offsetMs: z.number().int().nullable(),
  recording: z.object({ status: RecordingStatus, retainUntil: z.string().nullable() }).nullable(),
  decisions: z.array(Decision),
  appeal: Appeal.nullable(),
  /** Until when an appeal may be made (violation only, not yet appealed), else null. */
  appealUntil: z.string().nullable(),
});

export const ReportListQuery = z.strictObject({
  status: z.enum(['open', 'appealed', 'decided', 'all']).default('open'),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export const DecisionBody = z.strictObject({
  verdict: Verdict,
  reason: z.string().trim().min(1, 'a decision needs a reason').max(1000),
  /** Suspend the accountable account (violations only). */
  suspend: z.boolean().default(false),
});
export const AppealBody = z.strictObject({
  statement: z.string().trim().min(1, 'an appeal needs a statement').max(2000),
});

export type ReportStatus = z.infer<typeof ReportStatus>;
export type Verdict = z.infer<typeof Verdict>;
export type Decision = z.infer<typeof Decision>;
export type Appeal = z.infer<typeof Appeal>;
export type Report = z.infer<typeof Report>;
