import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEvent, initialRoom, type RoomEvent, type UserSummary } from '@earshot/protocol';
import fc from 'fast-check';
import { decideRecording, type RecordingAction } from '../src/recording/rules';
import { type Admission, decide, decideMedia, FREE, type Role, roleOf } from '../src/spaces/rules';
import {
  decideBuyerRefund,
  decideEdit,
  decideSale,
  eligibility,
  type OfferFacts,
  type RevenuePolicy,
  splitSale,
} from '../src/tickets/rules';

const X: RevenuePolicy = { hostShareBp: 9700, hostShareAfterBp: 8000, thresholdMinor: 5_000_000 };

describe('revenue share', () => {
  it('97% below the threshold, 80% beyond, the crossing sale split exactly at it (worked examples)', () => {
    assert.deepEqual(splitSale(0, 1000, X), { hostMinor: 970, platformMinor: 30 });
    assert.deepEqual(splitSale(5_000_000, 1000, X), { hostMinor: 800, platformMinor: 200 });
    // 400 below the threshold at 97% (388), 600 beyond at 80% (480).
    assert.deepEqual(splitSale(4_999_600, 1000, X), { hostMinor: 868, platformMinor: 132 });
    // Rounding: the host's part is rounded down, the platform takes the remainder.
    assert.deepEqual(splitSale(0, 999, X), { hostMinor: 969, platformMinor: 30 });
    assert.deepEqual(splitSale(0, 1, X), { hostMinor: 0, platformMinor: 1 });
  });

  it('property: random sale sequences across the threshold — shares sum to gross, the threshold is honoured exactly, nothing negative', () => {
    fc.assert(
      fc.property(
        fc.record({
          hostShareBp: fc.integer({ min: 0, max: 10_000 }),
          hostShareAfterBp: fc.integer({ min: 0, max: 10_000 }),
          thresholdMinor: fc.integer({ min: 0, max: 200_000 }),
        }),
        fc.array(fc.integer({ min: 1, max: 99_900 }), { minLength: 1, maxLength: 60 }),
        (policy, prices) => {
          let gross = 0;
          let host = 0;
          let platform = 0;
          for (const price of prices) {
            const s = splitSale(gross, price, policy);
            assert.ok(s.hostMinor >= 0 && s.platformMinor >= 0, 'no negative share');
            assert.ok(Number.isInteger(s.hostMinor) && Number.isInteger(s.platformMinor));
            assert.equal(s.hostMinor + s.platformMinor, price, 'shares sum to the sale');
            // Exactly at the threshold: the part below earns the first rate, the rest the second.
            const below = Math.max(0, Math.min(price, policy.thresholdMinor - gross));
            assert.equal(
              s.hostMinor,
              Math.floor((below * policy.hostShareBp) / 10_000) +
                Math.floor(((price - below) * policy.hostShareAfterBp) / 10_000),
            );
            gross += price;
            host += s.hostMinor;
            platform += s.platformMinor;
          }
          assert.equal(host + platform, gross);
          // The host's lifetime share is the exact one less at most one minor unit per part rounded.
          const below = Math.min(gross, policy.thresholdMinor);
          const exact = (below * policy.hostShareBp + (gross - below) * policy.hostShareAfterBp) / 10_000;
          assert.ok(host <= exact + 1e-9 && host > exact - 2 * prices.length, `${host} vs exact ${exact}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('eligibility', () => {
  const policy = { minFollowers: 1000, minHostedSpaces: 3, hostedWindowDays: 30, requireAdult: true };
  it('names each unmet condition; the admin grant skips them', () => {
    const e = eligibility({ followers: 999, hostedSpaces: 3, adultConfirmed: false, granted: false }, policy);
    assert.equal(e.eligible, false);
    assert.deepEqual(
      e.conditions.filter((c) => !c.met).map((c) => c.name),
      ['followers', 'adult'],
    );
    assert.equal(
      eligibility({ followers: 1000, hostedSpaces: 3, adultConfirmed: true, granted: false }, policy).eligible,
      true,
    );
    assert.equal(
      eligibility({ followers: 0, hostedSpaces: 0, adultConfirmed: false, granted: true }, policy).eligible,
      true,
    );
  });
});

describe('sales', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const offer = (o: Partial<OfferFacts> = {}): OfferFacts => ({
    spaceStatus: 'created',
    sold: 0,
    held: 0,
    capacity: 10,
    salesOpenAt: null,
    salesCloseAt: null,
    cancelled: false,
    ...o,
  });
  const code = (v: { ok: boolean; code?: string }) => (v.ok ? 'ok' : v.code);
  it('on sale, sold out (open checkouts count), not on sale (window, cancelled, over)', () => {
    assert.equal(code(decideSale(offer(), now)), 'ok');
    assert.equal(code(decideSale(offer({ spaceStatus: 'live' }), now)), 'ok');
    assert.equal(code(decideSale(offer({ sold: 9, held: 1 }), now)), 'sold_out');
    assert.equal(code(decideSale(offer({ salesOpenAt: new Date('2026-12-02T00:00:00Z') }), now)), 'not_on_sale');
    assert.equal(code(decideSale(offer({ salesCloseAt: now }), now)), 'not_on_sale');
    assert.equal(code(decideSale(offer({ cancelled: true }), now)), 'not_on_sale');
    assert.equal(code(decideSale(offer({ spaceStatus: 'ended' }), now)), 'not_on_sale');
    assert.equal(code(decideSale(offer({ spaceStatus: 'cancelled' }), now)), 'not_on_sale');
    assert.equal(code(decideSale(offer({ spaceStatus: 'scheduled' }), now)), 'ok', 'scheduled ahead: on sale');
  });
  it('terms change until the first sale or checkout; a buyer refunds only before the start', () => {
    assert.equal(code(decideEdit(offer(), 'created')), 'ok');
    assert.equal(code(decideEdit(null, 'created')), 'ok');
    assert.equal(code(decideEdit(offer({ held: 1 }), 'created')), 'ticketing_locked');
    assert.equal(code(decideEdit(offer({ sold: 1 }), 'created')), 'ticketing_locked');
    assert.equal(code(decideEdit(offer(), 'live')), 'conflict');
    const mine = { status: 'valid', ownerId: 'u' };
    assert.equal(code(decideBuyerRefund(mine, 'u', 'created')), 'ok');
    assert.equal(code(decideBuyerRefund(mine, 'u', 'live')), 'refund_closed');
    assert.equal(code(decideBuyerRefund(mine, 'u', 'ended')), 'refund_closed');
    assert.equal(code(decideBuyerRefund(mine, 'u', 'scheduled')), 'ok');
    assert.equal(code(decideBuyerRefund(mine, 'other', 'created')), 'not_found');
    assert.equal(code(decideBuyerRefund({ status: 'refunded', ownerId: 'u' }, 'u', 'created')), 'conflict');
  });
});

/** Who a ticketed Space lets in, by every path's rule: socket commands, WHEP, recording, transcript. */
describe('ticketed access (rules)', () => {
  const person = (id: string): UserSummary => ({ id, handle: id, displayName: id });
  const [H, C, S, I, T, N, F] = ['host', 'cohost', 'speaker', 'invited', 'holder', 'nonholder', 'refunded'].map(
    person,
  ) as UserSummary[] as [UserSummary, UserSummary, UserSummary, UserSummary, UserSummary, UserSummary, UserSummary];
  const events: RoomEvent[] = [
    { kind: 'started', at: '2026-12-01T12:00:00Z' },
    { kind: 'joined_stage', user: C, role: 'cohost' },
    { kind: 'joined_stage', user: S, role: 'speaker' },
    { kind: 'invited', user: I, role: 'speaker' },
  ];
  const state = events.reduce(
    applyEvent,
    initialRoom({ id: 's', title: 'T', topics: [], speakerPolicy: 'everyone', host: H }),
  );
  // What tickets/ answers for each: only T holds a valid ticket (F's was refunded).
  const admission = (id: string | null): Admission => ({ ticketed: true, holder: id === T.id });
  const roles: Record<string, string | null> = {
    host: H.id,
    cohost: C.id,
    speaker: S.id,
    invited: I.id,
    holder: T.id,
    nonholder: N.id,
    refunded: F.id,
    anonymous: null,
  };
  const admitted = ['host', 'cohost', 'speaker', 'invited', 'holder'];
  const roleFor = (id: string | null): Role => roleOf(state, id, false, admission(id));

  it('roleOf: the stage, invited people and holders keep their roles; everyone else is unticketed', () => {
    for (const [who, id] of Object.entries(roles))
      assert.equal(roleFor(id) === 'unticketed', !admitted.includes(who), who);
    assert.equal(roleOf(state, N.id, false, FREE), 'listener', 'a free Space is open');
    assert.equal(roleOf(state, null, false, FREE), 'anonymous');
  });

  it('WHEP listen and socket commands: refused with ticket_required exactly for the unticketed', () => {
    for (const [who, id] of Object.entries(roles)) {
      const role = roleFor(id);
      const media = decideMedia('listen', state, role);
      assert.equal(media.ok, admitted.includes(who), `listen: ${who}`);
      if (!media.ok) assert.equal((media as { code: string }).code, 'ticket_required');
      const actor = id ? person(id) : null;
      const react = decide(
        'react',
        { emoji: '👏' },
        {
          state,
          actor,
          role,
          limits: { maxCohosts: 2, maxSpeakers: 10, maxPinnedPosts: 5 },
          hostFollowsActor: false,
          now: '2026-12-01T12:01:00Z',
          clockNow: new Date('2026-12-01T12:01:00Z'),
          schedule: { maxDays: 30, maxPerHost: 10, graceMinutes: 60 },
        },
      );
      if (who === 'anonymous') assert.equal(react.ok ? 0 : react.status, 401);
      else assert.equal(react.ok, admitted.includes(who), `react: ${who}`);
    }
  });

  it('recording and transcript of a public replay: holders and the stage, not the unticketed', () => {
    const recording = { status: 'ready', public: true, retainUntil: null };
    for (const action of ['info', 'play', 'transcript'] as RecordingAction[])
      for (const [who, id] of Object.entries(roles)) {
        const verdict = decideRecording(action, {
          role: roleFor(id),
          moderator: false,
          spoke: false,
          recording,
          now: new Date(),
        });
        assert.equal(verdict.ok, admitted.includes(who), `${action}: ${who}`);
        if (!verdict.ok) assert.equal(verdict.code, 'ticket_required');
      }
  });
});
