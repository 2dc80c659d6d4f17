import type { RoomEvent, RoomState, UserSummary } from '@earshot/protocol';
import { i18n } from '../i18n';

const t = i18n.t;

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
    userId === myId
      ? t('room.announce.you')
      : (findUser(before, listeners, userId)?.displayName ?? t('room.announce.someone'));
  switch (event.kind) {
    case 'started':
      return t('room.announce.started');
    case 'ended':
      return null; // the banner says so, in its own status region
    case 'hand_raised':
      return manages && event.user.id !== myId ? t('room.announce.handRaised', { name: event.user.displayName }) : null;
    case 'hand_lowered':
      return event.reason === 'declined' && event.userId === myId ? t('room.announce.declined') : null;
    case 'joined_stage':
      return event.user.id === myId
        ? t(`room.announce.youAreNow.${event.role}`)
        : t(`room.announce.isNow.${event.role}`, { name: event.user.displayName });
    case 'left_stage':
      if (event.userId === myId)
        return event.reason === 'left' ? t('room.announce.youLeft') : t('room.announce.youMoved');
      return event.reason === 'left'
        ? t('room.announce.left', { name: name(event.userId) })
        : t('room.announce.moved', { name: name(event.userId) });
    case 'role_changed':
      return event.userId === myId
        ? t(`room.announce.youAreNow.${event.role}`)
        : t(`room.announce.isNow.${event.role}`, { name: name(event.userId) });
    case 'invited':
      if (event.user.id === myId) return t(`room.announce.youInvited.${event.role}`);
      return manages ? t(`room.announce.invited.${event.role}`, { name: event.user.displayName }) : null;
    case 'invitation_ended':
      return manages && !event.accepted ? t('room.announce.declinedInvitation', { name: name(event.userId) }) : null;
    case 'muted':
      if (event.userId === myId && event.by !== myId) return t('room.announce.mutedYou');
      return null;
    case 'removed':
      return t('room.announce.removed', { name: name(event.userId) });
    case 'captions_set':
      return event.enabled ? t('room.announce.captionsOn') : t('room.announce.captionsOff');
    case 'pinned':
      return t('room.announce.pinned', { name: event.post.author.displayName });
    case 'unpinned':
      return t('room.announce.unpinned');
    default:
      return null;
  }
}
