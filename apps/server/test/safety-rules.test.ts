import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReportStatus } from '@earshot/protocol';
import fc from 'fast-check';
import {
  accountableOf,
  appealUntil,
  decideSafety,
  isModerator,
  mayActWhileSuspended,
  type ReportFacts,
  type SafetyAction,
  type SafetyContext,
  safetyActions,
} from '../src/safety/rules';

const DAY = 86_400_000;
const now = new Date('2030-01-10T12:00:00Z');
const statuses: ReportStatus[] = ['open', 'no_violation', 'violation', 'appealed', 'upheld', 'overturned'];

/**
 * People around one report against a speaker ("reported"), in a Space with a host, a co-host,
 * another speaker and a listener. Moderator "reviewer" made the review decision; "moderator" did not.
 * Roles in the Space give no rights over reports: only being a moderator or being accountable does.
 */
const people = {
  host: { id: 'host', moderator: false },
  cohost: { id: 'cohost', moderator: false },
  speaker: { id: 'speaker', moderator: false },
  reported: { id: 'reported', moderator: false },
  listener: { id: 'listener', moderator: false },
  moderator: { id: 'mod', moderator: true },
  reviewer: { id: 'reviewer', moderator: true },
  /** Moderators on the other side of the report: the reported person, the Space's host. */
  reportedModerator: { id: 'reported', moderator: true },
  hostModerator: { id: 'host', moderator: true },
  anonymous: null,
} as const;
type Person = keyof typeof people;

/** The report in the state each action is meant for. */
const reportFor = (action: SafetyAction, over: Partial<ReportFacts> = {}): ReportFacts => ({
  status: action === 'decide_appeal' ? 'appealed' : action === 'appeal' ? 'violation' : 'open',
  accountableId: 'reported',
  hostId: 'host',
  reviewerId: action === 'decide_appeal' || action === 'appeal' ? 'reviewer' : null,
  appealUntil: action === 'appeal' ? new Date(now.getTime() + 30 * DAY) : null,
  ...over,
});

const ctxFor = (action: SafetyAction, who: Person, over: Partial<ReportFacts> = {}): SafetyContext => ({
  viewer: people[who],
  report: action === 'list_queue' || action === 'view_own' ? undefined : reportFor(action, over),
  now,
});

const code = (action: SafetyAction, ctx: SafetyContext) => {
  const v = decideSafety(action, ctx);
  return v.ok ? 200 : v.status;
};

describe('trust-and-safety rules: who may do what', () => {
  // Every action × every role, each report in the state the action is meant for.
  const expected: Record<Person, Record<SafetyAction, number>> = {
    //          list_queue      view_report       decide_review       decide_appeal       appeal        view_own
    host: { list_queue: 403, view_report: 403, decide_review: 403, decide_appeal: 403, appeal: 403, view_own: 200 },
    cohost: { list_queue: 403, view_report: 403, decide_review: 403, decide_appeal: 403, appeal: 403, view_own: 200 },
    speaker: { list_queue: 403, view_report: 403, decide_review: 403, decide_appeal: 403, appeal: 403, view_own: 200 },
    reported: { list_queue: 403, view_report: 403, decide_review: 403, decide_appeal: 403, appeal: 200, view_own: 200 },
    listener: { list_queue: 403, view_report: 403, decide_review: 403, decide_appeal: 403, appeal: 403, view_own: 200 },
    moderator: {
      list_queue: 200,
      view_report: 200,
      decide_review: 200,
      decide_appeal: 200,
      appeal: 403,
      view_own: 200,
    },
    // The moderator who made the review decision may not decide its appeal.
    reviewer: { list_queue: 200, view_report: 200, decide_review: 200, decide_appeal: 403, appeal: 403, view_own: 200 },
    // Nobody decides their own case: a report about them or about a Space they host.
    reportedModerator: {
      list_queue: 200,
      view_report: 200,
      decide_review: 403,
      decide_appeal: 403,
      appeal: 200,
      view_own: 200,
    },
    hostModerator: {
      list_queue: 200,
      view_report: 200,
      decide_review: 403,
      decide_appeal: 403,
      appeal: 403,
      view_own: 200,
    },
    anonymous: {
      list_queue: 401,
      view_report: 401,
      decide_review: 401,
      decide_appeal: 401,
      appeal: 401,
      view_own: 401,
    },
  };

  for (const who of Object.keys(people) as Person[])
    it(`${who}: ${safetyActions.map((a) => `${a} ${expected[who][a]}`).join(', ')}`, () => {
      for (const action of safetyActions)
        assert.equal(code(action, ctxFor(action, who)), expected[who][action], `${who} ${action}`);
    });

  it('a report about the Space itself holds its host accountable: the host appeals, no one else', () => {
    const facts = { accountableId: accountableOf({ reportedUserId: null, hostId: 'host' }) };
    assert.equal(facts.accountableId, 'host');
    assert.equal(accountableOf({ reportedUserId: 'reported', hostId: 'host' }), 'reported');
    for (const who of Object.keys(people) as Person[])
      assert.equal(
        code('appeal', ctxFor('appeal', who, facts)),
        who === 'host' || who === 'hostModerator' ? 200 : who === 'anonymous' ? 401 : 403,
        who,
      );
  });

  it('a moderator who is the accountable person may appeal their own violation', () => {
    assert.equal(code('appeal', ctxFor('appeal', 'moderator', { accountableId: 'mod' })), 200);
  });

  it('each decision and the appeal only in their state; viewing in every state', () => {
    const allowed: Record<'view_report' | 'decide_review' | 'decide_appeal' | 'appeal', ReportStatus[]> = {
      view_report: statuses,
      decide_review: ['open'],
      decide_appeal: ['appealed'],
      appeal: ['violation'],
    };
    const actor = {
      view_report: 'moderator',
      decide_review: 'moderator',
      decide_appeal: 'moderator',
      appeal: 'reported',
    };
    for (const [action, ok] of Object.entries(allowed) as [keyof typeof allowed, ReportStatus[]][])
      for (const status of statuses)
        assert.equal(
          code(action, ctxFor(action, actor[action] as Person, { status })),
          ok.includes(status) ? 200 : 409,
          `${action} on ${status}`,
        );
  });

  it('an unknown report: 404 for moderators and for appeals; non-moderators learn nothing (403)', () => {
    const unknown = (action: SafetyAction, who: Person) => code(action, { viewer: people[who], report: null, now });
    for (const action of ['view_report', 'decide_review', 'decide_appeal'] as const) {
      assert.equal(unknown(action, 'moderator'), 404);
      assert.equal(unknown(action, 'listener'), 403);
      assert.equal(unknown(action, 'anonymous'), 401);
    }
    assert.equal(unknown('appeal', 'listener'), 404);
    assert.equal(unknown('appeal', 'anonymous'), 401);
  });

  it('the appeal window: open until appealUntil (exclusive), closed without one', () => {
    const until = new Date(now.getTime() + 1);
    assert.equal(code('appeal', ctxFor('appeal', 'reported', { appealUntil: until })), 200);
    assert.equal(code('appeal', ctxFor('appeal', 'reported', { appealUntil: now })), 409);
    assert.equal(code('appeal', ctxFor('appeal', 'reported', { appealUntil: new Date(now.getTime() - DAY) })), 409);
    assert.equal(code('appeal', ctxFor('appeal', 'reported', { appealUntil: null })), 409);
  });

  it('appealUntil: the recording’s retention, else 90 days after the review; only for an unappealed violation', () => {
    const reviewedAt = new Date('2030-01-01T00:00:00Z');
    const kept = new Date('2030-03-15T00:00:00Z');
    assert.deepEqual(
      appealUntil({ status: 'violation', appealed: false, recordingRetainUntil: kept, reviewedAt }),
      kept,
    );
    assert.deepEqual(
      appealUntil({ status: 'violation', appealed: false, recordingRetainUntil: null, reviewedAt }),
      new Date(reviewedAt.getTime() + 90 * DAY),
    );
    assert.equal(appealUntil({ status: 'violation', appealed: true, recordingRetainUntil: kept, reviewedAt }), null);
    for (const status of statuses.filter((s) => s !== 'violation'))
      assert.equal(appealUntil({ status, appealed: false, recordingRetainUntil: kept, reviewedAt }), null, status);
  });

  it('property: only moderators pass moderator actions; an appeal passes exactly when all its conditions hold', () => {
    const arb = fc.record({
      viewerId: fc.constantFrom('a', 'b', 'c'),
      moderator: fc.boolean(),
      anonymous: fc.boolean(),
      exists: fc.boolean(),
      status: fc.constantFrom(...statuses),
      accountableId: fc.constantFrom('a', 'b', 'c'),
      reviewerId: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
      untilOffset: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }),
      action: fc.constantFrom(...safetyActions),
    });
    fc.assert(
      fc.property(arb, (c) => {
        const report: ReportFacts | null = c.exists
          ? {
              status: c.status,
              accountableId: c.accountableId,
              hostId: 'c',
              reviewerId: c.reviewerId,
              appealUntil: c.untilOffset === null ? null : new Date(now.getTime() + c.untilOffset),
            }
          : null;
        const viewer = c.anonymous ? null : { id: c.viewerId, moderator: c.moderator };
        const v = decideSafety(c.action, { viewer, report, now });
        if (!viewer) return !v.ok && v.status === 401;
        if (['list_queue', 'view_report', 'decide_review', 'decide_appeal'].includes(c.action) && !viewer.moderator)
          return !v.ok && v.status === 403;
        const ownCase = report?.accountableId === viewer.id || report?.hostId === viewer.id;
        if ((c.action === 'decide_review' || c.action === 'decide_appeal') && ownCase) return !v.ok && v.status === 403;
        if (c.action === 'decide_appeal' && v.ok) return report?.reviewerId !== viewer.id;
        if (c.action === 'appeal')
          return (
            v.ok ===
            Boolean(
              report &&
                report.accountableId === viewer.id &&
                report.status === 'violation' &&
                report.appealUntil &&
                now < report.appealUntil,
            )
          );
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('moderators by the users.moderator flag or by MODERATORS (handles, any case)', () => {
    assert.equal(isModerator({ handle: 'Ada', moderator: true }, []), true);
    assert.equal(isModerator({ handle: 'Ada', moderator: false }, ['ada']), true);
    assert.equal(isModerator({ handle: 'Ada', moderator: false }, ['bob']), false);
  });
});

describe('suspended accounts: what they may still change', () => {
  const cases: [string, string | undefined, boolean][] = [
    ['GET', '/api/me', true],
    ['GET', '/api/me/reports', true],
    ['GET', '/api/spaces/:id/live', true],
    ['POST', '/api/auth/logout', true],
    ['POST', '/api/auth/login', true],
    ['POST', '/api/notifications/read', true],
    ['POST', '/api/push/subscriptions', true],
    ['DELETE', '/api/push/subscriptions', true],
    ['PATCH', '/api/push/preferences', true],
    ['POST', '/api/reports/:id/appeal', true],
    ['POST', '/api/spaces/:id/whep', true],
    ['DELETE', '/api/spaces/:id/media/:session', true],
    ['POST', '/api/spaces/:id/end', true],
    ['POST', '/api/spaces/:id/whip', false],
    ['POST', '/api/posts', false],
    ['POST', '/api/spaces', false],
    ['POST', '/api/spaces/:id/report', false],
    ['POST', '/api/moderation/reports/:id/decision', false],
    ['PATCH', '/api/me', false],
    ['PUT', '/api/anything', false],
    ['DELETE', '/api/posts/:id', false],
    ['POST', undefined, false],
  ];
  for (const [method, route, ok] of cases)
    it(`${method} ${route ?? '(no route)'}: ${ok ? 'allowed' : 'refused'}`, () => {
      assert.equal(mayActWhileSuspended(method, route), ok);
    });
});
