import { type CommandArgsOf, ErrorCode, type RoomEvent, type RoomState, type UserSummary } from '@earshot/protocol';
import type { CommandContext, Outcome, ScheduleLimits } from './decision';

export type { ScheduleLimits } from './decision';

/**
 * The rules of a Space before it goes live: scheduling, rescheduling and editing, cancelling,
 * starting (early or on time) and being marked missed. Pure, like the rest of the Space's rules.
 */

const DAY_MS = 24 * 60 * 60_000;
const ok = (events: RoomEvent[] = []): Outcome => ({ ok: true, events, effects: [] });
const no = (status: number, code: string, message: string): Outcome => ({ ok: false, status, code, message });
const bad = (message: string) => no(400, ErrorCode.invalidRequest, message);
const conflict = (message: string) => no(409, ErrorCode.conflict, message);
const forbidden = (message: string) => no(403, ErrorCode.forbidden, message);

/** Created (about to start) or scheduled: not live yet, not over. */
export const notStarted = (state: RoomState) => state.status === 'created' || state.status === 'scheduled';

/** Why a command that needs a live Space cannot run in this one. */
export function notLiveMessage(state: RoomState): string {
  switch (state.status) {
    case 'ended':
      return 'the Space has ended';
    case 'cancelled':
      return 'the Space was cancelled';
    case 'missed':
      return 'the Space was missed: it did not start in time';
    case 'live':
      return 'the Space is live';
    default:
      return 'the Space has not started';
  }
}

/** A time a Space may be scheduled for, judged at `now`; null when it is fine. */
export function checkScheduledFor(at: string, now: Date, maxDays: number): Outcome | null {
  const time = Date.parse(at);
  if (!Number.isFinite(time)) return bad('scheduledFor is not a date and time');
  if (time <= now.getTime()) return bad('scheduledFor is in the past: pick a time to come');
  if (time > now.getTime() + maxDays * DAY_MS) return bad(`a Space can be scheduled at most ${maxDays} days ahead`);
  return null;
}

/** Making a Space: for later needs a time within the limit and room in the host's upcoming list. */
export function decideCreate(input: {
  scheduledFor?: string;
  now: Date;
  limits: ScheduleLimits;
  /** The host's scheduled Spaces now. */
  upcoming: number;
}): Outcome {
  if (!input.scheduledFor) return ok();
  const problem = checkScheduledFor(input.scheduledFor, input.now, input.limits.maxDays);
  if (problem) return problem;
  if (input.upcoming >= input.limits.maxPerHost)
    return conflict(`you already have ${input.upcoming} upcoming Spaces (at most ${input.limits.maxPerHost})`);
  return ok();
}

/** Turning captions on is also the consent of whoever does it (as with set-captions). */
export function captionsEvents(state: RoomState, actor: UserSummary, enabled: boolean): RoomEvent[] {
  if (state.captions.enabled === enabled) return [];
  const me = state.stage.find((m) => m.user.id === actor.id);
  const consent: RoomEvent[] =
    enabled && me && !me.captions ? [{ kind: 'captions_consent', userId: actor.id, consent: true }] : [];
  return [{ kind: 'captions_set', enabled }, ...consent];
}

/** start, cancel and edit: who may, and in which states. `ctx.role` is neither anonymous, removed nor blocked. */
export function decideSchedule(
  name: 'start' | 'cancel' | 'edit',
  args: CommandArgsOf<'edit'> | Record<string, never>,
  ctx: CommandContext & { actor: UserSummary },
): Outcome {
  const { state, role, actor } = ctx;
  switch (name) {
    case 'start':
      if (role !== 'host') return forbidden('only the host starts the Space');
      if (!notStarted(state))
        return conflict(state.status === 'live' ? 'the Space is already live' : notLiveMessage(state));
      return ok([{ kind: 'started', at: ctx.now }]);

    case 'cancel':
      if (role !== 'host') return forbidden('only the host cancels the Space');
      if (state.status === 'live') return conflict('a live Space cannot be cancelled: end it instead');
      if (!notStarted(state)) return conflict(notLiveMessage(state));
      return ok([{ kind: 'cancelled', at: ctx.now }]);

    case 'edit': {
      if (role !== 'host' && role !== 'cohost') return forbidden('only the host and co-hosts edit the Space');
      if (state.status === 'live') return conflict('the Space is live: its details are set');
      if (!notStarted(state)) return conflict(notLiveMessage(state));
      const a = args as CommandArgsOf<'edit'>;
      const changes: Extract<RoomEvent, { kind: 'edited' }>['changes'] = {};
      if (a.scheduledFor !== undefined) {
        if (state.status !== 'scheduled') return conflict('this Space starts now, not later: it has no time to move');
        const problem = checkScheduledFor(a.scheduledFor, ctx.clockNow, ctx.schedule.maxDays);
        if (problem) return problem;
        const at = new Date(a.scheduledFor).toISOString();
        if (at !== state.scheduledFor) changes.scheduledFor = at;
      }
      if (a.title !== undefined && a.title !== state.title) changes.title = a.title;
      if (a.topics !== undefined && a.topics.join('\n') !== state.topics.join('\n')) changes.topics = a.topics;
      if (a.speakerPolicy !== undefined && a.speakerPolicy !== state.speakerPolicy)
        changes.speakerPolicy = a.speakerPolicy;
      const events: RoomEvent[] = Object.keys(changes).length > 0 ? [{ kind: 'edited', changes }] : [];
      if (a.captions !== undefined) events.push(...captionsEvents(state, actor, a.captions));
      return ok(events);
    }
  }
}

/** The missed-check job at the end of the grace period: missed, if it still has not started. */
export function decideMissed(state: RoomState, now: Date, graceMinutes: number): Outcome {
  if (state.status !== 'scheduled' || !state.scheduledFor) return ok();
  if (now.getTime() < Date.parse(state.scheduledFor) + graceMinutes * 60_000) return ok();
  return ok([{ kind: 'missed', at: now.toISOString() }]);
}
