import type { RoomState } from '@earshot/protocol';
import { createEvent } from 'ics';

/** How long a calendar entry says a Space lasts (Spaces have no planned end). */
const DURATION = { hours: 1 };

/**
 * One Space as an iCalendar file (RFC 5545) with its link. The UID never changes and SEQUENCE is
 * the Space's event sequence, so a calendar that imports it again replaces the entry it has.
 */
export function spaceCalendar(input: { state: RoomState; seq: number; link: string; host: string }): string {
  const { state, seq, link } = input;
  const at = state.scheduledFor ?? state.startedAt;
  if (!at) throw new Error('a Space with no time has no calendar entry');
  const over = state.status === 'cancelled' || state.status === 'missed';
  const { error, value } = createEvent({
    productId: 'earshot/spaces',
    method: 'PUBLISH',
    uid: `space-${state.id}@earshot`,
    sequence: seq,
    start: Date.parse(at),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: DURATION,
    title: state.title,
    description: `${input.host} hosts “${state.title}” on Earshot${state.topics.length ? ` (${state.topics.join(', ')})` : ''}. Listen at ${link}`,
    url: link,
    location: link,
    status: over ? 'CANCELLED' : 'CONFIRMED',
  });
  if (error || !value) throw error ?? new Error('the calendar entry could not be made');
  return value;
}
