import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyEvent,
  type CommandName,
  commandNames,
  initialRoom,
  type Post,
  type RoomEvent,
  type RoomState,
  type SpeakerPolicy,
  type UserSummary,
} from '@earshot/protocol';
import fc from 'fast-check';
import {
  type CommandContext,
  captionable,
  decide,
  decideHostBlock,
  decideMedia,
  decideSpeaking,
  decideSuspension,
  type Limits,
  roleOf,
} from '../src/spaces/rules';

const person = (id: string): UserSummary => ({ id, handle: id, displayName: id.toUpperCase() });
const [H, C, S, L, O, R, B, X] = ['host', 'cohost', 'speaker', 'listener', 'other', 'removed', 'blocked', 'target'].map(
  person,
) as [UserSummary, UserSummary, UserSummary, UserSummary, UserSummary, UserSummary, UserSummary, UserSummary];
const limits: Limits = { maxCohosts: 2, maxSpeakers: 10, maxPinnedPosts: 5 };
const post: Post = { id: 'p1', author: H, text: 'agenda', createdAt: '2026-01-01T00:00:00.000Z' };
const NOW = '2026-11-21T12:00:00.000Z';
const schedule = { maxDays: 30, maxPerHost: 10, graceMinutes: 60 };

/** A live room with one of each role: the host, a co-host, a speaker; R removed; B on the host's block list. */
function room(policy: SpeakerPolicy): RoomState {
  const events: RoomEvent[] = [
    { kind: 'started', at: NOW },
    { kind: 'joined_stage', user: C, role: 'cohost' },
    { kind: 'joined_stage', user: S, role: 'speaker' },
    { kind: 'unmuted', userId: S.id },
    { kind: 'removed', userId: R.id, blocked: false },
  ];
  return events.reduce(applyEvent, initialRoom({ id: 's1', title: 'T', topics: [], speakerPolicy: policy, host: H }));
}

const actors = {
  host: H,
  cohost: C,
  speaker: S,
  listener: L,
  other: O,
  removed: R,
  blocked: B,
  anonymous: null,
} as const;
type Actor = keyof typeof actors;
type Expect = 'ok' | 401 | 403 | 409;

function context(state: RoomState, actor: UserSummary | null, targetUser?: UserSummary): CommandContext {
  const blocked = (u: UserSummary | null) => u?.id === B.id;
  return {
    state,
    actor,
    role: roleOf(state, actor?.id ?? null, blocked(actor)),
    limits,
    // The host follows L but not O.
    hostFollowsActor: actor?.id === L.id,
    target: targetUser && { user: targetUser, role: roleOf(state, targetUser.id, blocked(targetUser)) },
    post,
    now: NOW,
    clockNow: new Date(NOW),
    schedule,
  };
}

const denied = { removed: 403, blocked: 403, anonymous: 401 } as const;
const managers = (rest: Expect = 403) =>
  ({ host: 'ok', cohost: 'ok', speaker: rest, listener: rest, other: rest, ...denied }) as Record<Actor, Expect>;
const hostOnly = { host: 'ok', cohost: 403, speaker: 403, listener: 403, other: 403, ...denied } as Record<
  Actor,
  Expect
>;
const audience = (policy: SpeakerPolicy): Record<Actor, Expect> => ({
  host: 409,
  cohost: 409,
  speaker: 409,
  listener: policy === 'invited' ? 403 : 'ok',
  other: policy === 'everyone' ? 'ok' : 403,
  ...denied,
});

/** Per command: how to set the scene, whom it names, and who may do it. */
const matrix: Record<
  CommandName,
  {
    args: object;
    target?: UserSummary;
    prepare?: (s: RoomState, actor: UserSummary | null) => RoomState;
    expect: (p: SpeakerPolicy) => Record<Actor, Expect>;
  }
> = {
  start: { args: {}, prepare: (s) => ({ ...s, status: 'created', startedAt: null }), expect: () => hostOnly },
  // A live Space is ended, not cancelled; its details are set (before the start: schedule-rules.test.ts).
  cancel: { args: {}, expect: () => ({ ...hostOnly, host: 409 }) },
  edit: { args: { title: 'New' }, expect: () => ({ ...managers(), host: 409, cohost: 409 }) },
  end: { args: {}, expect: () => hostOnly },
  'request-speak': { args: {}, expect: audience },
  'cancel-request': {
    args: {},
    prepare: (s) => ({ ...s, raisedHands: [L, O] }),
    expect: () => ({ host: 409, cohost: 409, speaker: 409, listener: 'ok', other: 'ok', ...denied }),
  },
  approve: {
    args: { userId: X.id },
    target: X,
    prepare: (s) => ({ ...s, raisedHands: [X] }),
    expect: () => managers(),
  },
  decline: {
    args: { userId: X.id },
    target: X,
    prepare: (s) => ({ ...s, raisedHands: [X] }),
    expect: () => managers(),
  },
  invite: { args: { userId: X.id }, target: X, expect: () => managers() },
  'accept-invite': {
    args: {},
    prepare: (s, a) =>
      a && (a.id === L.id || a.id === O.id) ? { ...s, invitations: [{ user: a, role: 'speaker' }] } : s,
    expect: () => ({ host: 409, cohost: 409, speaker: 409, listener: 'ok', other: 'ok', ...denied }),
  },
  'decline-invite': {
    args: {},
    prepare: (s, a) =>
      a && (a.id === L.id || a.id === O.id) ? { ...s, invitations: [{ user: a, role: 'speaker' }] } : s,
    expect: () => ({ host: 409, cohost: 409, speaker: 409, listener: 'ok', other: 'ok', ...denied }),
  },
  demote: { args: { userId: S.id }, target: S, expect: () => managers() },
  'leave-stage': {
    args: {},
    expect: () => ({ host: 403, cohost: 'ok', speaker: 'ok', listener: 409, other: 409, ...denied }),
  },
  'add-cohost': { args: { userId: S.id }, target: S, expect: () => hostOnly },
  'remove-cohost': { args: { userId: C.id }, target: C, expect: () => hostOnly },
  mute: {
    args: { userId: S.id },
    target: S,
    expect: () => ({ host: 'ok', cohost: 'ok', speaker: 'ok', listener: 403, other: 403, ...denied }),
  },
  unmute: {
    args: { userId: S.id },
    target: S,
    prepare: (s) => applyEvent(s, { kind: 'muted', userId: S.id, by: H.id }),
    expect: () => ({ host: 403, cohost: 403, speaker: 'ok', listener: 403, other: 403, ...denied }),
  },
  remove: { args: { userId: X.id }, target: X, expect: () => managers() },
  block: { args: { userId: X.id }, target: X, expect: () => managers() },
  report: {
    args: { reason: 'spam' },
    expect: () => ({
      host: 'ok',
      cohost: 'ok',
      speaker: 'ok',
      listener: 'ok',
      other: 'ok',
      removed: 'ok',
      blocked: 'ok',
      anonymous: 401,
    }),
  },
  react: {
    args: { emoji: '🔥' },
    expect: () => ({ host: 'ok', cohost: 'ok', speaker: 'ok', listener: 'ok', other: 'ok', ...denied }),
  },
  pin: { args: { postId: post.id }, expect: () => managers() },
  unpin: { args: { postId: post.id }, prepare: (s) => ({ ...s, pinnedPosts: [post] }), expect: () => managers() },
  'set-captions': { args: { enabled: true }, expect: () => managers() },
  'captions-consent': {
    args: { consent: true },
    expect: () => ({ host: 'ok', cohost: 'ok', speaker: 'ok', listener: 409, other: 409, ...denied }),
  },
};

describe('Space authorization matrix: every command × every role × every policy', () => {
  it('covers every command', () => assert.deepEqual(Object.keys(matrix).sort(), [...commandNames].sort()));
  for (const policy of ['everyone', 'following', 'invited'] as const) {
    for (const name of commandNames) {
      const c = matrix[name];
      it(`${policy}: ${name}`, () => {
        for (const [role, actor] of Object.entries(actors) as Array<[Actor, UserSummary | null]>) {
          const state = c.prepare ? c.prepare(room(policy), actor) : room(policy);
          const outcome = decide(name, c.args as never, context(state, actor, c.target));
          const expected = c.expect(policy)[role];
          const got = outcome.ok ? 'ok' : outcome.status;
          assert.equal(got, expected, `${policy} ${name} by ${role}: ${outcome.ok ? 'ok' : outcome.message}`);
        }
      });
    }
  }

  it('co-hosts cannot act on the host or on other co-hosts', () => {
    const C2 = person('cohost2');
    const state = applyEvent(room('everyone'), { kind: 'joined_stage', user: C2, role: 'cohost' });
    for (const [name, target] of [
      ['mute', H],
      ['remove', H],
      ['block', H],
      ['demote', C2],
      ['remove', C2],
    ] as const) {
      const o = decide(name, { userId: target.id }, context(state, C, target));
      assert.equal(o.ok ? 'ok' : o.status, 403, `${name} ${target.id}`);
    }
  });

  it('limits: the stage holds at most maxSpeakers speakers and maxCohosts co-hosts', () => {
    let state = room('everyone');
    for (let i = 0; i < 9; i++)
      state = applyEvent(state, { kind: 'joined_stage', user: person(`s${i}`), role: 'speaker' });
    state = { ...state, raisedHands: [X] };
    const full = decide('approve', { userId: X.id }, context(state, H, X));
    assert.equal(full.ok ? 'ok' : full.status, 409);
    state = applyEvent(state, { kind: 'joined_stage', user: person('c2'), role: 'cohost' });
    const cohost = decide('add-cohost', { userId: S.id }, context(state, H, S));
    assert.equal(cohost.ok ? 'ok' : cohost.status, 409);
  });
});

describe('media authorization matrix: publish and listen × every role × Space status', () => {
  const expected: Record<'publish' | 'listen', Record<Actor, Expect>> = {
    publish: { host: 'ok', cohost: 'ok', speaker: 'ok', listener: 403, other: 403, ...denied },
    listen: {
      host: 'ok',
      cohost: 'ok',
      speaker: 'ok',
      listener: 'ok',
      other: 'ok',
      removed: 403,
      blocked: 403,
      anonymous: 'ok',
    },
  };
  for (const action of ['publish', 'listen'] as const)
    it(`${action}: live, not started and ended`, () => {
      const live = room('everyone');
      const ended = applyEvent(live, { kind: 'ended', at: NOW });
      const created = initialRoom({ id: 's2', title: 'T', topics: [], speakerPolicy: 'everyone', host: H });
      for (const [name, actor] of Object.entries(actors) as Array<[Actor, UserSummary | null]>) {
        const role = context(live, actor).role;
        const verdict = decideMedia(action, live, role);
        assert.equal(verdict.ok ? 'ok' : verdict.status, expected[action][name], `${action} by ${name}`);
        // Nothing flows before the start or after the end; removed and blocked hear 403 first.
        for (const state of [ended, created]) {
          const v = decideMedia(action, state, context(state, actor).role);
          const want = name === 'removed' || name === 'blocked' ? 403 : 409;
          if (name === 'removed' && state === created) continue; // not removed from a Space that never started
          assert.equal(v.ok ? 'ok' : v.status, want, `${action} by ${name} when ${state.status}`);
        }
      }
    });

  it('speaking: only a live, unmuted stage member starts speaking, and only changes make events', () => {
    const live = room('everyone');
    assert.deepEqual(decideSpeaking(live, S.id, true), {
      ok: true,
      events: [{ kind: 'speaking', userId: S.id, speaking: true }],
      effects: [],
    });
    const speaking = applyEvent(live, { kind: 'speaking', userId: S.id, speaking: true });
    for (const [state, userId, value] of [
      [speaking, S.id, true], // no change
      [live, S.id, false], // no change
      [live, H.id, true], // the host is muted
      [live, L.id, true], // not on stage
      [applyEvent(live, { kind: 'ended', at: NOW }), S.id, true],
    ] as const)
      assert.deepEqual(decideSpeaking(state, userId, value).ok && decideSpeaking(state, userId, value), {
        ok: true,
        events: [],
        effects: [],
      });
  });
});

describe('who is captioned', () => {
  it('only a consenting, unmuted stage member of a live Space with captions on', () => {
    const on = applyEvent(room('everyone'), { kind: 'captions_set', enabled: true });
    const consented = applyEvent(on, { kind: 'captions_consent', userId: S.id, consent: true });
    assert.equal(captionable(on, S.id), false, 'no consent yet');
    assert.equal(captionable(consented, S.id), true);
    assert.equal(captionable(consented, C.id), false, 'someone else consenting is not consent');
    assert.equal(captionable(consented, L.id), false, 'listeners are not captioned');
    assert.equal(captionable(applyEvent(consented, { kind: 'muted', userId: S.id, by: H.id }), S.id), false);
    assert.equal(captionable(applyEvent(consented, { kind: 'captions_set', enabled: false }), S.id), false);
    assert.equal(captionable(applyEvent(consented, { kind: 'left_stage', userId: S.id, reason: 'left' }), S.id), false);
    assert.equal(captionable(applyEvent(consented, { kind: 'ended', at: NOW }), S.id), false);
    // Consent is per stay on stage: back on stage, asked again.
    const back = [
      { kind: 'left_stage', userId: S.id, reason: 'left' },
      { kind: 'joined_stage', user: S, role: 'speaker' },
      { kind: 'unmuted', userId: S.id },
    ] as RoomEvent[];
    assert.equal(captionable(back.reduce(applyEvent, consented), S.id), false);
  });

  it('whoever turns captions on consents for themselves, nobody else', () => {
    const ctx = context(room('everyone'), C);
    const outcome = decide('set-captions', { enabled: true }, ctx);
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.events, [
      { kind: 'captions_set', enabled: true },
      { kind: 'captions_consent', userId: C.id, consent: true },
    ]);
  });
});

describe('Space rules under random command sequences (fast-check)', () => {
  // Few people and small limits, so that random sequences reach the limits often.
  const people = [H, ...Array.from({ length: 6 }, (_, i) => person(`u${i}`))];
  const small: Limits = { maxCohosts: 1, maxSpeakers: 3, maxPinnedPosts: 2 };
  const argsFor = (name: CommandName, target: UserSummary): object =>
    name === 'report'
      ? { reason: 'r' }
      : name === 'react'
        ? { emoji: '👏' }
        : name === 'pin' || name === 'unpin'
          ? { postId: post.id }
          : name === 'set-captions'
            ? { enabled: target.id.endsWith('1') }
            : name === 'captions-consent'
              ? { consent: target.id !== H.id }
              : { userId: target.id };

  it('never exceeds role limits, removed people are never present, exactly one host, seq strictly increases, replay equals state', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SpeakerPolicy>('everyone', 'following', 'invited'),
        // Weighted towards the commands that fill the stage, so the limits are actually reached.
        fc.array(
          fc.tuple(
            // The host acts a third of the time: most commands are theirs.
            fc.oneof(
              { arbitrary: fc.constant(0), weight: 1 },
              { arbitrary: fc.integer({ min: 0, max: 6 }), weight: 2 },
            ),
            fc.oneof(
              {
                arbitrary: fc.constantFrom<CommandName>(
                  'request-speak',
                  'approve',
                  'invite',
                  'accept-invite',
                  'add-cohost',
                ),
                weight: 4,
              },
              { arbitrary: fc.constantFrom(...commandNames), weight: 1 },
            ),
            fc.integer({ min: 0, max: 6 }),
          ),
          { minLength: 40, maxLength: 200 },
        ),
        fc.integer({ min: 0, max: 200 }),
        (policy, commands, snapshotAt) => {
          const initial = applyEvent(initialRoom({ id: 's', title: 'T', topics: [], speakerPolicy: policy, host: H }), {
            kind: 'started',
            at: NOW,
          });
          let state = initial;
          const log: Array<{ seq: number; event: RoomEvent }> = [];
          let snapshot = { seq: 0, state: initial };
          for (const [a, name, t] of commands) {
            const actor = people[a] as UserSummary;
            const target = people[t] as UserSummary;
            const ctx: CommandContext = {
              state,
              actor,
              role: roleOf(state, actor.id, false),
              limits: small,
              hostFollowsActor: a % 2 === 0,
              target: { user: target, role: roleOf(state, target.id, false) },
              post,
              now: NOW,
              clockNow: new Date(NOW),
              schedule,
            };
            const outcome = decide(name, argsFor(name, target) as never, ctx);
            if (!outcome.ok) continue;
            for (const event of outcome.events) {
              // Events cross the wire as JSON.
              const wire = JSON.parse(JSON.stringify(event)) as RoomEvent;
              const seq = log.length + 1;
              assert.ok(seq > (log.at(-1)?.seq ?? 0));
              log.push({ seq, event: wire });
              state = applyEvent(state, event);
              if (seq === snapshotAt) snapshot = { seq, state: JSON.parse(JSON.stringify(state)) };
            }
            if (state.status === 'ended') break;
            const roles = state.stage.map((m) => m.role);
            assert.equal(roles.filter((r) => r === 'host').length, 1);
            assert.equal(state.stage.find((m) => m.role === 'host')?.user.id, H.id);
            assert.ok(roles.filter((r) => r === 'cohost').length <= small.maxCohosts);
            assert.ok(roles.filter((r) => r === 'speaker').length <= small.maxSpeakers);
            // Each stage member holds an audio slot of their own, within the stage's size.
            const slots = state.stage.map((m) => m.slot);
            assert.equal(new Set(slots).size, slots.length);
            assert.ok(slots.every((slot) => slot < 1 + small.maxCohosts + small.maxSpeakers));
            for (const id of state.removed) {
              assert.ok(!state.stage.some((m) => m.user.id === id));
              assert.ok(!state.raisedHands.some((u) => u.id === id));
              assert.ok(!state.invitations.some((i) => i.user.id === id));
            }
            assert.equal(new Set(state.stage.map((m) => m.user.id)).size, state.stage.length);
          }
          // A client that took a snapshot at any point and replays the rest holds the same state.
          const replayed = log
            .filter((l) => l.seq > snapshot.seq)
            .reduce((s, l) => applyEvent(s, l.event), snapshot.state);
          assert.deepEqual(replayed, state);
        },
      ),
      { numRuns: 300, endOnFailure: true },
    );
  });
});

describe('blocks from a profile and suspensions, in a live room', () => {
  // Everyone in one room: the host, a co-host, a speaker, a raised hand (L), an invitation (O), R removed.
  const state = [
    { kind: 'hand_raised', user: L },
    { kind: 'invited', user: O, role: 'speaker' },
  ].reduce((s, e) => applyEvent(s, e as RoomEvent), room('everyone'));
  const kinds = (o: ReturnType<typeof decideHostBlock>) => (o.ok ? o.events.map((e) => e.kind) : o.status);
  const matrix: Record<string, { block: unknown; suspension: unknown }> = {
    host: { block: [], suspension: ['ended'] },
    cohost: { block: ['removed'], suspension: ['left_stage'] },
    speaker: { block: ['removed'], suspension: ['left_stage'] },
    listener: { block: ['removed'], suspension: ['hand_lowered'] },
    other: { block: ['removed'], suspension: ['invitation_ended'] },
    removed: { block: [], suspension: [] },
    target: { block: ['removed'], suspension: [] },
  };
  for (const [who, want] of Object.entries(matrix))
    it(`${who}: block ${JSON.stringify(want.block)}, suspension ${JSON.stringify(want.suspension)}`, () => {
      const id = who === 'target' ? X.id : (actors[who as Actor] as UserSummary).id;
      assert.deepEqual(kinds(decideHostBlock(state, id)), want.block);
      assert.deepEqual(kinds(decideSuspension(state, id, NOW)), want.suspension);
      // Applied, the person holds no place in the room any more.
      const out = (decideSuspension(state, id, NOW) as { events: RoomEvent[] }).events.reduce(applyEvent, state);
      if (who !== 'host') {
        assert.ok(!out.stage.some((m) => m.user.id === id));
        assert.ok(!out.raisedHands.some((u) => u.id === id));
        assert.ok(!out.invitations.some((i) => i.user.id === id));
      }
    });
  it('a Space that is not live is left alone', () => {
    const ended = applyEvent(state, { kind: 'ended', at: NOW });
    assert.deepEqual(kinds(decideHostBlock(ended, S.id)), []);
    assert.deepEqual(kinds(decideSuspension(ended, H.id, NOW)), []);
  });
});
