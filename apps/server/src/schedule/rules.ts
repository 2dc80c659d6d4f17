import { ErrorCode, type RoomState } from '@earshot/protocol';
import type { Role } from '../spaces/rules';

/**
 * Reminders and the notices of a scheduled Space. Pure: who may set a reminder, which durable
 * jobs a Space's schedule calls for, and whom a change must tell.
 */

export type ReminderAction = 'set' | 'clear';
export type Verdict = { ok: true } | { ok: false; status: number; code: string; message: string };

const no = (status: number, code: string, message: string): Verdict => ({ ok: false, status, code, message });

/** Anyone who can see the Space sets or clears their own reminder; only an upcoming Space takes a new one. */
export function decideReminder(action: ReminderAction, state: RoomState, role: Role): Verdict {
  if (role === 'anonymous') return no(401, ErrorCode.unauthenticated, 'sign in to set a reminder');
  if (role === 'blocked') return no(403, ErrorCode.forbidden, 'the host has blocked you');
  if (role === 'removed') return no(403, ErrorCode.forbidden, 'you were removed from this Space');
  if (action === 'clear') return { ok: true };
  switch (state.status) {
    case 'scheduled':
      return { ok: true };
    case 'live':
      return no(409, ErrorCode.conflict, 'the Space is live: join it now');
    case 'created':
      return no(409, ErrorCode.conflict, 'the Space is about to start, not scheduled');
    case 'ended':
      return no(409, ErrorCode.conflict, 'the Space has ended');
    case 'cancelled':
      return no(409, ErrorCode.conflict, 'the Space was cancelled');
    case 'missed':
      return no(409, ErrorCode.conflict, 'the Space was missed: it did not start in time');
  }
}

/** The notices before a Space: to the host and co-hosts some minutes before, and at the time. */
export type HostNotice = 'soon' | 'due';
/** What people with a reminder are told. */
export type ReminderNews = 'started' | 'rescheduled' | 'cancelled';

export interface NoticeTimes {
  hostNoticeMinutes: number;
  graceMinutes: number;
}

/** Job keys of a Space's timed work: one of each waits at a time, and a reschedule replaces them. */
export const timedKeys = (spaceId: string) => ({
  soon: `schedule:${spaceId}:soon`,
  due: `schedule:${spaceId}:due`,
  missed: `schedule:${spaceId}:missed`,
});

/** When each timed job of a scheduled Space runs. */
export function timedJobs(scheduledFor: string, times: NoticeTimes) {
  const at = Date.parse(scheduledFor);
  return {
    soon: new Date(at - times.hostNoticeMinutes * 60_000),
    due: new Date(at),
    missed: new Date(at + times.graceMinutes * 60_000),
  };
}

/**
 * What a change to a Space means for its schedule: plan (or re-plan) its timed jobs, drop them,
 * and what to tell people with a reminder.
 */
export function scheduleChange(
  before: RoomState | null,
  after: RoomState,
): { plan: boolean; drop: boolean; tell: ReminderNews | null } {
  const wasScheduled = before?.status === 'scheduled';
  const isScheduled = after.status === 'scheduled';
  const moved = wasScheduled && isScheduled && before.scheduledFor !== after.scheduledFor;
  if (isScheduled) return { plan: !wasScheduled || moved, drop: false, tell: moved ? 'rescheduled' : null };
  if (!wasScheduled) return { plan: false, drop: false, tell: null };
  const tell = after.status === 'live' ? 'started' : after.status === 'cancelled' ? 'cancelled' : null;
  return { plan: false, drop: true, tell };
}

/** Whether a host notice made for `scheduledFor` still stands (the Space was not moved, started or cancelled since). */
export const noticeStands = (state: RoomState, scheduledFor: string) =>
  state.status === 'scheduled' && state.scheduledFor === scheduledFor;

/** Who gets the host notices: the host and the co-hosts on stage. */
export const hostsOf = (state: RoomState) =>
  state.stage.filter((m) => m.role === 'host' || m.role === 'cohost').map((m) => m.user.id);
