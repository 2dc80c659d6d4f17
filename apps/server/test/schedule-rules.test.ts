import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEvent, initialRoom, type RoomState, type SpaceStatus, type UserSummary } from '@earshot/protocol';
import { decideReminder, scheduleChange } from '../src/schedule/rules';
import { type CommandContext, decide, roleOf } from '../src/spaces/rules';
import { decideCreate, decideMissed } from '../src/spaces/schedule-rules';

const person = (id: string): UserSummary => ({ id, handle: id, displayName: id.toUpperCase() });
const [H, C, L, B] = ['host', 'cohost', 'listener', 'blocked'].map(person) as [
  UserSummary,
  UserSummary,
  UserSummary,
  UserSummary,
];
const NOW = new Date('2030-01-01T12:00:00.000Z');
const AT = '2030-01-02T12:00:00.000Z'; // a day ahead
const schedule = { maxDays: 30, maxPerHost: 10, graceMinutes: 60 };
const actors = { host: H, cohost: C, listener: L, blocked: B, anonymous: null } as const;
type Actor = keyof typeof actors;
type Expect = 'ok' | 400 | 401 | 403 | 409;

/** A Space in each state, with a co-host set ahead. */
function inState(status: SpaceStatus): RoomState {
  const scheduled = applyEvent(
    initialRoom({ id: 's', title: 'T', topics: [], speakerPolicy: 'everyone', host: H, scheduledFor: AT }),
    { kind: 'joined_stage', user: C, role: 'cohost' },
  );
  switch (status) {
    case 'scheduled':
      return scheduled;
    case 'created':
      return { ...scheduled, status: 'created', scheduledFor: null };
    case 'live':
      return applyEvent(scheduled, { kind: 'started', at: NOW.toISOString() });
    case 'ended':
      return applyEvent(applyEvent(scheduled, { kind: 'started', at: AT }), { kind: 'ended', at: AT });
    case 'cancelled':
    case 'missed':
      return applyEvent(scheduled, { kind: status, at: AT });
  }
}

function context(state: RoomState, actor: UserSummary | null): CommandContext {
  return {
    state,
    actor,
    role: roleOf(state, actor?.id ?? null, actor?.id === B.id),
    limits: { maxCohosts: 2, maxSpeakers: 10, maxPinnedPosts: 5 },
    hostFollowsActor: false,
    now: NOW.toISOString(),
    clockNow: NOW,
    schedule,
  };
}

const statuses: SpaceStatus[] = ['created', 'scheduled', 'live', 'ended', 'cancelled', 'missed'];
const out = { blocked: 403, anonymous: 401 } as const;
/** Per action: who may, in a state where it applies, and the answer (409) everywhere else. */
const matrix: Record<
  string,
  {
    run: (ctx: CommandContext) => { ok: boolean; status?: number };
    allowedIn: SpaceStatus[];
    who: Record<Actor, Expect>;
    /** The state is judged before the role (commands of the room); otherwise the role first. */
    stateFirst?: boolean;
  }
> = {
  start: {
    run: (ctx) => decide('start', {}, ctx),
    allowedIn: ['created', 'scheduled'],
    who: { host: 'ok', cohost: 403, listener: 403, ...out },
  },
  cancel: {
    run: (ctx) => decide('cancel', {}, ctx),
    allowedIn: ['created', 'scheduled'],
    who: { host: 'ok', cohost: 403, listener: 403, ...out },
  },
  reschedule: {
    run: (ctx) => decide('edit', { scheduledFor: '2030-01-03T09:30:00.000Z' }, ctx),
    allowedIn: ['scheduled'],
    who: { host: 'ok', cohost: 'ok', listener: 403, ...out },
  },
  edit: {
    run: (ctx) => decide('edit', { title: 'New title', topics: ['a'], speakerPolicy: 'invited' }, ctx),
    allowedIn: ['created', 'scheduled'],
    who: { host: 'ok', cohost: 'ok', listener: 403, ...out },
  },
  'set captions ahead': {
    run: (ctx) => decide('set-captions', { enabled: true }, ctx),
    allowedIn: ['created', 'scheduled', 'live'],
    who: { host: 'ok', cohost: 'ok', listener: 403, ...out },
    stateFirst: true,
  },
  'add a co-host ahead': {
    run: (ctx) => decide('add-cohost', { userId: 'x' }, { ...ctx, target: { user: person('x'), role: 'listener' } }),
    allowedIn: ['created', 'scheduled', 'live'],
    who: { host: 'ok', cohost: 403, listener: 403, ...out },
    stateFirst: true,
  },
  'set a reminder': {
    run: (ctx) => decideReminder('set', ctx.state, ctx.role),
    allowedIn: ['scheduled'],
    who: { host: 'ok', cohost: 'ok', listener: 'ok', ...out },
  },
  'clear a reminder': {
    run: (ctx) => decideReminder('clear', ctx.state, ctx.role),
    allowedIn: statuses,
    who: { host: 'ok', cohost: 'ok', listener: 'ok', ...out },
  },
};

describe('scheduling rules: schedule, reschedule, edit, cancel, start, remind × every role × every state', () => {
  for (const [action, m] of Object.entries(matrix))
    it(action, () => {
      for (const status of statuses)
        for (const [who, actor] of Object.entries(actors) as Array<[Actor, UserSummary | null]>) {
          const outcome = m.run(context(inState(status), actor));
          const allowed = m.who[who];
          // Refusals of the person come first (signed out, blocked), then the role and the state.
          const personal = who === 'anonymous' || who === 'blocked';
          const applies = m.allowedIn.includes(status);
          const want = personal || applies ? allowed : m.stateFirst || allowed === 'ok' ? 409 : allowed;
          const got = outcome.ok ? 'ok' : outcome.status;
          assert.equal(got, want, `${action} by ${who} when ${status}`);
        }
    });

  it('a reschedule must be in the future and within the limit; same details change nothing', () => {
    const ctx = context(inState('scheduled'), H);
    const code = (scheduledFor: string) => {
      const o = decide('edit', { scheduledFor }, ctx);
      return o.ok ? 'ok' : o.status;
    };
    assert.equal(code('2029-12-31T12:00:00Z'), 400, 'past');
    assert.equal(code(NOW.toISOString()), 400, 'now is not later');
    assert.equal(code('2030-01-31T12:00:00Z'), 'ok', '30 days');
    assert.equal(code('2030-01-31T12:00:01Z'), 400, 'beyond 30 days');
    assert.deepEqual(decide('edit', { scheduledFor: AT, title: 'T' }, ctx), { ok: true, events: [], effects: [] });
    const moved = decide('edit', { scheduledFor: '2030-01-05T13:00:00+01:00' }, ctx);
    assert.ok(moved.ok);
    assert.deepEqual(moved.events, [{ kind: 'edited', changes: { scheduledFor: '2030-01-05T12:00:00.000Z' } }]);
  });

  it('making a Space for later: the time and the per-host limit', () => {
    const code = (scheduledFor: string | undefined, upcoming: number) => {
      const o = decideCreate({ scheduledFor, now: NOW, limits: schedule, upcoming });
      return o.ok ? 'ok' : o.status;
    };
    assert.equal(code(undefined, 99), 'ok', 'starting now is not limited');
    assert.equal(code(AT, 9), 'ok');
    assert.equal(code(AT, 10), 409);
    assert.equal(code('2029-12-01T00:00:00Z', 0), 400);
    assert.equal(code('2030-02-01T00:00:00Z', 0), 400);
  });

  it('missed only after the grace period, only while still scheduled', () => {
    const s = inState('scheduled');
    const at = (min: number) => new Date(Date.parse(AT) + min * 60_000);
    const events = (state: RoomState, now: Date) => {
      const o = decideMissed(state, now, 60);
      return o.ok ? o.events : o.status;
    };
    assert.deepEqual(events(s, at(59)), []);
    assert.deepEqual(events(s, at(60)), [{ kind: 'missed', at: at(60).toISOString() }]);
    for (const status of ['live', 'cancelled', 'ended'] as const)
      assert.deepEqual(events(inState(status), at(600)), []);
  });

  it('what each change means for the notices', () => {
    const s = inState('scheduled');
    const moved = applyEvent(s, { kind: 'edited', changes: { scheduledFor: '2030-01-03T12:00:00.000Z' } });
    const retitled = applyEvent(s, { kind: 'edited', changes: { title: 'Other' } });
    assert.deepEqual(scheduleChange(null, s), { plan: true, drop: false, tell: null });
    assert.deepEqual(scheduleChange(s, moved), { plan: true, drop: false, tell: 'rescheduled' });
    assert.deepEqual(scheduleChange(s, retitled), { plan: false, drop: false, tell: null });
    assert.deepEqual(scheduleChange(s, inState('live')), { plan: false, drop: true, tell: 'started' });
    assert.deepEqual(scheduleChange(s, inState('cancelled')), { plan: false, drop: true, tell: 'cancelled' });
    assert.deepEqual(scheduleChange(s, inState('missed')), { plan: false, drop: true, tell: null });
    assert.deepEqual(scheduleChange(inState('live'), inState('ended')), { plan: false, drop: false, tell: null });
    assert.deepEqual(scheduleChange(null, inState('created')), { plan: false, drop: false, tell: null });
  });
});
