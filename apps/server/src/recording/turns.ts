import type { RoomEvent } from '@earshot/protocol';

/** The only events `turnsFrom` reads: what an ended Space's event log keeps (spaces/service compacts it). */
export const TURN_EVENT_KINDS: readonly RoomEvent['kind'][] = ['speaking', 'muted', 'left_stage', 'removed'];

export interface Turn {
  userId: string;
  startMs: number;
  endMs: number;
}

/**
 * Who spoke when, from a Space's stored events: a turn runs from `speaking: true` to
 * `speaking: false` (or the speaker's mute, leaving the stage, removal, or the end).
 * Times are in ms from the Space's start, clamped to [0, duration].
 */
export function turnsFrom(events: { at: Date; event: RoomEvent }[], startedAt: Date, durationMs: number): Turn[] {
  const open = new Map<string, number>();
  const turns: Turn[] = [];
  const clamp = (ms: number) => Math.min(Math.max(ms, 0), durationMs);
  const finish = (userId: string, at: number) => {
    const start = open.get(userId);
    if (start === undefined) return;
    open.delete(userId);
    if (at > start) turns.push({ userId, startMs: start, endMs: at });
  };
  for (const { at, event } of events) {
    const ms = clamp(at.getTime() - startedAt.getTime());
    if (event.kind === 'speaking') {
      if (event.speaking && !open.has(event.userId)) open.set(event.userId, ms);
      else if (!event.speaking) finish(event.userId, ms);
    } else if (event.kind === 'muted' || event.kind === 'left_stage' || event.kind === 'removed')
      finish(event.userId, ms);
  }
  for (const userId of [...open.keys()]) finish(userId, durationMs);
  return turns.sort((a, b) => a.startMs - b.startMs);
}
