import {
  type CommandArgsOf,
  type CommandName,
  ErrorCode,
  type Post,
  type Reaction,
  type RoomEvent,
  type RoomState,
  type UserSummary,
} from '@earshot/protocol';
import type { CommandContext, Effect, Outcome, Role } from './decision';
import { captionsEvents, decideSchedule, notLiveMessage, notStarted } from './schedule-rules';

/**
 * Who may do what in a Space, and what it changes. Pure: plain data in, events (and side effects
 * for the service to carry out) or a refusal out. Every command's authorization lives here.
 */

export type { CommandContext, Effect, Limits, Outcome, Role } from './decision';

/** What the tickets capability says of a viewer: is the Space ticketed, do they hold a valid ticket. */
export interface Admission {
  ticketed: boolean;
  holder: boolean;
}
export const FREE: Admission = { ticketed: false, holder: false };

/**
 * The viewer's role in a Space: the one place that also decides who a ticketed Space lets in
 * (its stage, the people invited onto it, and holders of a valid ticket), so the live socket,
 * its commands, WHEP (and HLS), the recording and the transcript all ask the same question.
 */
export function roleOf(state: RoomState, userId: string | null, blockedByHost: boolean, admission = FREE): Role {
  if (!userId) return admission.ticketed ? 'unticketed' : 'anonymous';
  if (userId === state.host.id) return 'host';
  if (blockedByHost) return 'blocked';
  if (state.removed.includes(userId)) return 'removed';
  const member = state.stage.find((m) => m.user.id === userId);
  if (member) return member.role as Role;
  const invited = state.invitations.some((i) => i.user.id === userId);
  return admission.ticketed && !admission.holder && !invited ? 'unticketed' : 'listener';
}

/** The refusal a ticketed Space gives everyone its rules do not let in. */
export const ticketRequired = (): Outcome =>
  no(403, 'ticket_required', 'this Space is ticketed: only ticket holders can join');

const ok = (events: RoomEvent[] = [], effects: Effect[] = []): Outcome => ({ ok: true, events, effects });
const no = (status: number, code: string, message: string): Outcome => ({ ok: false, status, code, message });
const forbidden = (message: string) => no(403, ErrorCode.forbidden, message);
const conflict = (message: string) => no(409, ErrorCode.conflict, message);

const MANAGERS: Role[] = ['host', 'cohost'];
const PRESENT: Role[] = ['host', 'cohost', 'speaker', 'listener'];

/** What can be set up before a Space goes live: co-hosts (invited, accepted) and captions. */
const BEFORE_START: CommandName[] = ['add-cohost', 'remove-cohost', 'accept-invite', 'decline-invite', 'set-captions'];

const count = (state: RoomState, role: 'cohost' | 'speaker') => state.stage.filter((m) => m.role === role).length;

export function decide<N extends CommandName>(name: N, args: CommandArgsOf<N>, ctx: CommandContext): Outcome {
  const { state, actor, role, limits } = ctx;
  // Who is refused before anything else.
  if (role === 'anonymous' || !actor) return no(401, ErrorCode.unauthenticated, 'sign in to take part');
  if (name === 'report') {
    const a = args as CommandArgsOf<'report'>;
    return ok([], [{ kind: 'report', userId: a.userId, reason: a.reason }]);
  }
  if (role === 'removed') return forbidden('you were removed from this Space');
  if (role === 'blocked') return forbidden('the host has blocked you');
  if (role === 'unticketed') return ticketRequired();
  if (name === 'start' || name === 'cancel' || name === 'edit')
    return decideSchedule(name, args as CommandArgsOf<'edit'>, { ...ctx, actor });
  if (state.status !== 'live' && !(notStarted(state) && BEFORE_START.includes(name)))
    return conflict(notLiveMessage(state));
  const live = state.status === 'live';

  const target = ctx.target;
  const needTarget = (): Outcome | null => (target ? null : no(400, ErrorCode.invalidRequest, 'name a person'));
  const self = target?.user.id === actor.id;
  const hand = (id: string) => state.raisedHands.some((u) => u.id === id);
  const invitation = (id: string) => state.invitations.find((i) => i.user.id === id);

  switch (name) {
    case 'end':
      return role === 'host'
        ? ok([{ kind: 'ended', at: ctx.now, reason: 'host' }])
        : forbidden('only the host ends the Space');

    case 'request-speak':
      if (role !== 'listener') return conflict('you are already on stage');
      if (state.speakerPolicy === 'invited') return forbidden('in this Space only people the host invites can speak');
      if (state.speakerPolicy === 'following' && !ctx.hostFollowsActor)
        return forbidden('in this Space only people the host follows can request to speak');
      if (hand(actor.id)) return conflict('your hand is already raised');
      return ok([{ kind: 'hand_raised', user: actor }]);

    case 'cancel-request':
      if (!hand(actor.id)) return conflict('your hand is not raised');
      return ok([{ kind: 'hand_lowered', userId: actor.id, reason: 'cancelled' }]);

    case 'approve':
    case 'decline': {
      if (!MANAGERS.includes(role)) return forbidden('only the host and co-hosts answer requests');
      const missing = needTarget();
      if (missing || !target) return missing as Outcome;
      if (!hand(target.user.id)) return conflict('this person has not asked to speak');
      if (name === 'decline') return ok([{ kind: 'hand_lowered', userId: target.user.id, reason: 'declined' }]);
      if (count(state, 'speaker') >= limits.maxSpeakers)
        return conflict(`the stage is full (${limits.maxSpeakers} speakers)`);
      return ok([{ kind: 'joined_stage', user: target.user, role: 'speaker' }]);
    }

    case 'invite': {
      if (!MANAGERS.includes(role)) return forbidden('only the host and co-hosts invite speakers');
      const missing = needTarget();
      if (missing || !target) return missing as Outcome;
      if (target.role === 'blocked' || target.role === 'removed') return conflict('this person cannot join this Space');
      if (target.role !== 'listener') return conflict('this person is already on stage');
      if (invitation(target.user.id)) return conflict('this person is already invited');
      return ok(
        [{ kind: 'invited', user: target.user, role: 'speaker' }],
        [{ kind: 'invite', user: target.user, role: 'speaker' }],
      );
    }

    case 'accept-invite': {
      const inv = invitation(actor.id);
      if (!inv) return conflict('you have no invitation to this stage');
      if (inv.role === 'cohost') {
        if (count(state, 'cohost') >= limits.maxCohosts)
          return conflict(`there are already ${limits.maxCohosts} co-hosts`);
        if (role === 'speaker')
          return ok([
            { kind: 'invitation_ended', userId: actor.id, accepted: true },
            { kind: 'role_changed', userId: actor.id, role: 'cohost' },
          ]);
        return ok([{ kind: 'joined_stage', user: actor, role: 'cohost' }]);
      }
      if (role !== 'listener') return ok([{ kind: 'invitation_ended', userId: actor.id, accepted: true }]);
      if (count(state, 'speaker') >= limits.maxSpeakers)
        return conflict(`the stage is full (${limits.maxSpeakers} speakers)`);
      return ok([{ kind: 'joined_stage', user: actor, role: 'speaker' }]);
    }

    case 'decline-invite':
      if (!invitation(actor.id)) return conflict('you have no invitation to this stage');
      return ok([{ kind: 'invitation_ended', userId: actor.id, accepted: false }]);

    case 'demote': {
      if (!MANAGERS.includes(role)) return forbidden('only the host and co-hosts move speakers to the audience');
      const missing = needTarget();
      if (missing || !target) return missing as Outcome;
      if (target.role === 'host') return forbidden('the host cannot be moved off stage');
      if (target.role === 'cohost' && role !== 'host') return forbidden('only the host changes co-hosts');
      if (target.role !== 'speaker' && target.role !== 'cohost') return conflict('this person is not on stage');
      return ok([{ kind: 'left_stage', userId: target.user.id, reason: 'demoted' }]);
    }

    case 'leave-stage':
      if (role === 'host') return forbidden('the host cannot leave the stage; end the Space instead');
      if (role !== 'speaker' && role !== 'cohost') return conflict('you are not on stage');
      return ok([{ kind: 'left_stage', userId: actor.id, reason: 'left' }]);

    case 'add-cohost': {
      if (role !== 'host') return forbidden('only the host adds co-hosts');
      const missing = needTarget();
      if (missing || !target) return missing as Outcome;
      if (target.role === 'host' || target.role === 'cohost')
        return conflict('this person is already a host or co-host');
      if (target.role === 'blocked' || target.role === 'removed') return conflict('this person cannot join this Space');
      if (count(state, 'cohost') >= limits.maxCohosts)
        return conflict(`there are already ${limits.maxCohosts} co-hosts`);
      // A speaker is already on stage: promote. Anyone else is asked first.
      if (target.role === 'speaker') return ok([{ kind: 'role_changed', userId: target.user.id, role: 'cohost' }]);
      if (invitation(target.user.id)?.role === 'cohost') return conflict('this person is already invited');
      return ok(
        [{ kind: 'invited', user: target.user, role: 'cohost' }],
        [{ kind: 'invite', user: target.user, role: 'cohost' }],
      );
    }

    case 'remove-cohost': {
      if (role !== 'host') return forbidden('only the host removes co-hosts');
      const missing = needTarget();
      if (missing || !target) return missing as Outcome;
      if (target.role !== 'cohost') return conflict('this person is not a co-host');
      if (!live) return ok([{ kind: 'left_stage', userId: target.user.id, reason: 'demoted' }]);
      // Back to speaker if there is room, otherwise to the audience.
      if (count(state, 'speaker') >= limits.maxSpeakers)
        return ok([{ kind: 'left_stage', userId: target.user.id, reason: 'demoted' }]);
      return ok([{ kind: 'role_changed', userId: target.user.id, role: 'speaker' }]);
    }

    case 'mute':
    case 'unmute': {
      const missing = needTarget();
      if (missing || !target) return missing as Outcome;
      const member = state.stage.find((m) => m.user.id === target.user.id);
      if (!member) return conflict('this person is not on stage');
      if (name === 'unmute') {
        if (!self) return forbidden('only speakers unmute themselves');
        return member.muted ? ok([{ kind: 'unmuted', userId: actor.id }]) : ok();
      }
      if (!self) {
        if (!MANAGERS.includes(role)) return forbidden('only the host and co-hosts mute others');
        if (target.role === 'host') return forbidden('no one mutes the host');
      }
      return member.muted ? ok() : ok([{ kind: 'muted', userId: target.user.id, by: actor.id }]);
    }

    case 'remove':
    case 'block': {
      if (!MANAGERS.includes(role)) return forbidden(`only the host and co-hosts ${name} people`);
      const missing = needTarget();
      if (missing || !target) return missing as Outcome;
      if (self) return no(400, ErrorCode.invalidRequest, `you cannot ${name} yourself`);
      if (target.role === 'host') return forbidden(`the host cannot be ${name === 'remove' ? 'removed' : 'blocked'}`);
      if (target.role === 'cohost' && role !== 'host') return forbidden('only the host changes co-hosts');
      const gone = target.role === 'removed' || target.role === 'blocked';
      if (name === 'remove')
        return gone
          ? conflict('this person is already out')
          : ok([{ kind: 'removed', userId: target.user.id, blocked: false }]);
      const events: RoomEvent[] = gone ? [] : [{ kind: 'removed', userId: target.user.id, blocked: true }];
      return ok(events, [{ kind: 'block', userId: target.user.id }]);
    }

    case 'react':
      if (!PRESENT.includes(role)) return forbidden('join the Space to react');
      return ok([], [{ kind: 'react', emoji: (args as CommandArgsOf<'react'>).emoji }]);

    case 'set-captions': {
      if (!MANAGERS.includes(role)) return forbidden('only the host and co-hosts turn captions on or off');
      // Whoever turns captions on agrees to be captioned, as the host does by creating a Space with them.
      return ok(captionsEvents(state, actor, (args as CommandArgsOf<'set-captions'>).enabled));
    }

    case 'captions-consent': {
      const member = state.stage.find((m) => m.user.id === actor.id);
      if (!member) return conflict('you are not on stage');
      const { consent } = args as CommandArgsOf<'captions-consent'>;
      return member.captions === consent ? ok() : ok([{ kind: 'captions_consent', userId: actor.id, consent }]);
    }

    case 'pin':
    case 'unpin': {
      if (!MANAGERS.includes(role)) return forbidden('only the host and co-hosts pin posts');
      const postId = (args as CommandArgsOf<'pin'>).postId;
      const pinned = state.pinnedPosts.some((p) => p.id === postId);
      if (name === 'unpin')
        return pinned ? ok([{ kind: 'unpinned', postId }]) : no(404, ErrorCode.notFound, 'that post is not pinned');
      if (!ctx.post) return no(404, ErrorCode.notFound, 'post not found');
      if (pinned) return conflict('that post is already pinned');
      if (state.pinnedPosts.length >= limits.maxPinnedPosts)
        return conflict(`at most ${limits.maxPinnedPosts} pinned posts`);
      return ok([{ kind: 'pinned', post: ctx.post }]);
    }
  }
  return no(400, ErrorCode.invalidRequest, `unknown command ${name}`);
}

/**
 * The host blocked `userId` from their profile: out of each of the host's live Spaces at once,
 * as an in-room block does (their sockets and media close on the `removed` event).
 */
export function decideHostBlock(state: RoomState, userId: string): Outcome {
  if (state.status !== 'live' || userId === state.host.id || state.removed.includes(userId)) return ok();
  return ok([{ kind: 'removed', userId, blocked: true }]);
}

/**
 * A moderator suspended `userId`: the Space they host ends (nobody else may end it); on anyone
 * else's stage they go back to the audience (a suspended account may listen, not speak), and
 * their raised hand and invitations lapse.
 */
export function decideSuspension(state: RoomState, userId: string, now: string): Outcome {
  if (state.status !== 'live') return ok();
  if (state.host.id === userId) return ok([{ kind: 'ended', at: now, reason: 'suspended' }]);
  const events: RoomEvent[] = [];
  if (state.stage.some((m) => m.user.id === userId)) events.push({ kind: 'left_stage', userId, reason: 'demoted' });
  if (state.raisedHands.some((u) => u.id === userId)) events.push({ kind: 'hand_lowered', userId, reason: 'declined' });
  if (state.invitations.some((i) => i.user.id === userId))
    events.push({ kind: 'invitation_ended', userId, accepted: false });
  return ok(events);
}

/**
 * The absence sweep: a live Space whose hosts and co-hosts were last seen (or, never seen, which
 * started) before `cutoff` ends for everyone, with that reason. One seen since carries on.
 */
export function decideHostsAbsent(state: RoomState, lastSeen: Date | null, cutoff: Date, now: Date): Outcome {
  if (state.status !== 'live' || (lastSeen && lastSeen >= cutoff)) return ok();
  return ok([{ kind: 'ended', at: now.toISOString(), reason: 'hosts_absent' }]);
}

/** Whether on-stage roles differ between two states (discovery keeps a copy of the stage). */
export const stageChanged = (a: RoomState, b: RoomState) =>
  a.stage.length !== b.stage.length ||
  a.stage.some((m, i) => m.user.id !== b.stage[i]?.user.id || m.role !== b.stage[i]?.role);

/** Media actions: publish (WHIP, the microphone) and listen (WHEP). */
export type MediaAction = 'publish' | 'listen';

/**
 * Who may send or hear audio. Publishing needs a place on stage; listening is open to anyone,
 * signed in or not, while the Space is live, except removed and blocked people and, in a
 * ticketed Space, everyone without a ticket (role `unticketed`). HLS asks the same `listen`.
 */
export function decideMedia(action: MediaAction, state: RoomState, role: Role): { ok: true } | Outcome {
  if (role === 'removed') return forbidden('you were removed from this Space');
  if (role === 'blocked') return forbidden('the host has blocked you');
  if (role === 'unticketed') return ticketRequired();
  if (state.status !== 'live') return conflict(notLiveMessage(state));
  if (action === 'listen') return { ok: true };
  if (role === 'anonymous') return no(401, ErrorCode.unauthenticated, 'sign in to speak');
  if (role === 'listener') return forbidden('only the host, co-hosts and speakers can publish audio');
  return { ok: true };
}

/**
 * LL-HLS follows WHEP's rule (`listen`). Once the Space ends, a stream still held stays readable by
 * whoever could listen, so players get its last parts and `EXT-X-ENDLIST`.
 */
export function decideHls(state: RoomState, role: Role, endedStreamHeld: boolean): { ok: true } | Outcome {
  if (state.status === 'ended' && endedStreamHeld) return decideMedia('listen', { ...state, status: 'live' }, role);
  return decideMedia('listen', state, role);
}

/** Whether what `userId` says is captioned now: the Space has captions on and they consented. */
export const captionable = (state: RoomState, userId: string) =>
  state.status === 'live' &&
  state.captions.enabled &&
  state.stage.some((m) => m.user.id === userId && m.captions && !m.muted);

/** The media plane heard `userId` start or stop speaking: an event, if it changes anything. */
export function decideSpeaking(state: RoomState, userId: string, speaking: boolean): Outcome {
  const member = state.stage.find((m) => m.user.id === userId);
  if (state.status !== 'live' || !member || member.speaking === speaking || (speaking && member.muted)) return ok();
  return ok([{ kind: 'speaking', userId, speaking }]);
}
