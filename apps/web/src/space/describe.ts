import type { RoomEvent, RoomState, UserSummary } from '@earshot/protocol';

/** Who a user id is, from anything the room knows. */
export function findUser(room: RoomState, listeners: UserSummary[], userId: string): UserSummary | undefined {
  return (
    room.stage.find((m) => m.user.id === userId)?.user ??
    room.raisedHands.find((u) => u.id === userId) ??
    room.invitations.find((i) => i.user.id === userId)?.user ??
    listeners.find((u) => u.id === userId) ??
    (room.host.id === userId ? room.host : undefined)
  );
}

/** A sentence for the live region about a change on stage, or null when it is not worth one. */
export function describe(
  event: RoomEvent,
  before: RoomState,
  listeners: UserSummary[],
  myId: string | null,
  manages: boolean,
): string | null {
  const name = (userId: string) =>
    userId === myId ? 'You' : (findUser(before, listeners, userId)?.displayName ?? 'Someone');
  switch (event.kind) {
    case 'started':
      return 'The Space is live';
    case 'ended':
      return null; // the banner says so, in its own status region
    case 'hand_raised':
      return manages && event.user.id !== myId ? `${event.user.displayName} requested to speak` : null;
    case 'hand_lowered':
      return event.reason === 'declined' && event.userId === myId ? 'Your request to speak was declined' : null;
    case 'joined_stage':
      return `${event.user.id === myId ? 'You are' : `${event.user.displayName} is`} now a ${event.role === 'cohost' ? 'co-host' : 'speaker'}`;
    case 'left_stage':
      return event.reason === 'left'
        ? `${name(event.userId)} left the stage`
        : `${name(event.userId)} ${event.userId === myId ? 'were' : 'was'} moved to the audience`;
    case 'role_changed':
      return `${name(event.userId)} ${event.userId === myId ? 'are' : 'is'} now a ${event.role === 'cohost' ? 'co-host' : 'speaker'}`;
    case 'invited':
      if (event.user.id === myId) return `You are invited to ${event.role === 'cohost' ? 'co-host' : 'speak'}`;
      return manages
        ? `${event.user.displayName} was invited to ${event.role === 'cohost' ? 'co-host' : 'speak'}`
        : null;
    case 'invitation_ended':
      return manages && !event.accepted ? `${name(event.userId)} declined the invitation` : null;
    case 'muted':
      if (event.userId === myId && event.by !== myId) return 'A host muted you';
      return null;
    case 'removed':
      return `${name(event.userId)} was removed`;
    case 'captions_set':
      return event.enabled ? 'Captions are on' : 'Captions are off';
    case 'pinned':
      return `A post by ${event.post.author.displayName} was pinned`;
    case 'unpinned':
      return 'A post was unpinned';
    default:
      return null;
  }
}
