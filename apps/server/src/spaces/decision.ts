import type { Post, Reaction, RoomEvent, RoomState, UserSummary } from '@earshot/protocol';

/**
 * The shapes of a Space's decisions: what the rules are given and what they answer. Apart from
 * rules.ts so that the rules of each part of a Space's life (schedule-rules.ts) share them.
 */

/** `unticketed`: signed in or not, someone without the ticket a ticketed Space asks of its audience. */
export type Role = 'host' | 'cohost' | 'speaker' | 'listener' | 'removed' | 'blocked' | 'anonymous' | 'unticketed';

export interface Limits {
  maxCohosts: number;
  maxSpeakers: number;
  maxPinnedPosts: number;
}

/** What the service looked up so the rules can decide without I/O. */
export interface CommandContext {
  state: RoomState;
  actor: UserSummary | null;
  role: Role;
  limits: Limits;
  /** For the "following" policy. */
  hostFollowsActor: boolean;
  /** The person a command names, if it names one, with their role here. */
  target?: { user: UserSummary; role: Role };
  /** The post `pin` names, if it exists. */
  post?: Post;
  /** Wall-clock time for the events' `at`. */
  now: string;
  /** The service clock (a manual one in tests): scheduling decisions judge times by it. */
  clockNow: Date;
  schedule: ScheduleLimits;
}

/** Work outside the room state that a command causes. */
export type Effect =
  | { kind: 'invite'; user: UserSummary; role: 'speaker' | 'cohost' }
  | { kind: 'block'; userId: string }
  | { kind: 'report'; userId?: string; reason: string }
  | { kind: 'react'; emoji: Reaction };

export type Outcome =
  | { ok: true; events: RoomEvent[]; effects: Effect[] }
  | { ok: false; status: number; code: string; message: string };

export interface ScheduleLimits {
  /** How far ahead a Space may be scheduled. */
  maxDays: number;
  /** How many upcoming (scheduled) Spaces one host may have. */
  maxPerHost: number;
  /** A scheduled Space not started this long after its time is missed. */
  graceMinutes: number;
}
