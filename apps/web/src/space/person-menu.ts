import type { RoomState, StageMember, UserSummary } from '@earshot/protocol';
import type { Confirmation } from '../components/ConfirmDialog';
import type { MenuItem } from '../components/Menu';
import { i18n } from '../i18n';
import type { Run } from './types';

const t = i18n.t;

export type PersonMenuContext = {
  room: RoomState;
  myId: string | null;
  isHost: boolean;
  /** Host or co-host. */
  manages: boolean;
  ended: boolean;
  run: Run;
  report: (target?: UserSummary) => void;
  /** Asks before a step that cannot be undone (the room's confirm dialog). */
  confirm: (question: Confirmation) => void;
};

/**
 * What the viewer may do to someone in the room, as menu items. The server's rules decide in the
 * end; this only hides what would be refused.
 */
export function personMenu(ctx: PersonMenuContext, target: UserSummary, member: StageMember | null): MenuItem[] {
  const { room, myId, isHost, manages, ended, run, confirm } = ctx;
  if (!myId || target.id === myId) return [];
  const items: MenuItem[] = [];
  const userId = target.id;
  const name = target.displayName;
  if (manages && !ended && target.id !== room.host.id) {
    if (!member) {
      if (room.raisedHands.some((u) => u.id === userId)) {
        items.push({ label: t('room.person.makeSpeaker'), onSelect: () => void run('approve', { userId }) });
      } else if (!room.invitations.some((i) => i.user.id === userId)) {
        items.push({
          label: t('room.person.invite'),
          onSelect: () => void run('invite', { userId }, t('room.person.invited', { name })),
        });
      }
      if (isHost)
        items.push({ label: t('room.person.makeCohost'), onSelect: () => void run('add-cohost', { userId }) });
    } else if (member.role === 'speaker') {
      if (isHost)
        items.push({ label: t('room.person.makeCohost'), onSelect: () => void run('add-cohost', { userId }) });
      items.push({ label: t('room.person.moveToAudience'), onSelect: () => void run('demote', { userId }) });
    } else if (isHost) {
      items.push({ label: t('room.person.removeCohost'), onSelect: () => void run('remove-cohost', { userId }) });
      items.push({ label: t('room.person.moveToAudience'), onSelect: () => void run('demote', { userId }) });
    }
    if (member && !member.muted)
      items.push({ label: t('room.person.mute'), onSelect: () => void run('mute', { userId }) });
    if (isHost || member?.role !== 'cohost') {
      items.push({
        label: t('room.person.remove'),
        danger: true,
        onSelect: () =>
          confirm({
            title: t('room.person.removeConfirm', { name }),
            detail: t('room.person.removeDetail'),
            confirmLabel: t('room.person.remove'),
            onConfirm: () => void run('remove', { userId }, t('room.announce.removed', { name })),
          }),
      });
      items.push({
        label: t('room.person.block'),
        danger: true,
        onSelect: () =>
          confirm({
            title: t('room.person.blockConfirm', { name }),
            detail: t('room.person.blockDetail'),
            confirmLabel: t('room.person.block'),
            onConfirm: () => void run('block', { userId }, t('room.person.blocked', { name })),
          }),
      });
    }
  }
  items.push({ label: t('room.person.report'), onSelect: () => ctx.report(target) });
  return items;
}
