import type { RoomState, StageMember, UserSummary } from '@earshot/protocol';
import type { MenuItem } from '../components/Menu';
import type { Run } from './types';

export type PersonMenuContext = {
  room: RoomState;
  myId: string | null;
  isHost: boolean;
  /** Host or co-host. */
  manages: boolean;
  ended: boolean;
  run: Run;
  report: (target?: UserSummary) => void;
};

/**
 * What the viewer may do to someone in the room, as menu items. The server's rules decide in the
 * end; this only hides what would be refused.
 */
export function personMenu(ctx: PersonMenuContext, target: UserSummary, member: StageMember | null): MenuItem[] {
  const { room, myId, isHost, manages, ended, run } = ctx;
  if (!myId || target.id === myId) return [];
  const items: MenuItem[] = [];
  const userId = target.id;
  const name = target.displayName;
  if (manages && !ended && target.id !== room.host.id) {
    if (!member) {
      if (room.raisedHands.some((u) => u.id === userId)) {
        items.push({ label: 'Make speaker', onSelect: () => void run('approve', { userId }) });
      } else if (!room.invitations.some((i) => i.user.id === userId)) {
        items.push({ label: 'Invite to speak', onSelect: () => void run('invite', { userId }, `Invited ${name}`) });
      }
      if (isHost) items.push({ label: 'Make co-host', onSelect: () => void run('add-cohost', { userId }) });
    } else if (member.role === 'speaker') {
      if (isHost) items.push({ label: 'Make co-host', onSelect: () => void run('add-cohost', { userId }) });
      items.push({ label: 'Move to audience', onSelect: () => void run('demote', { userId }) });
    } else if (isHost) {
      items.push({ label: 'Remove co-host', onSelect: () => void run('remove-cohost', { userId }) });
      items.push({ label: 'Move to audience', onSelect: () => void run('demote', { userId }) });
    }
    if (member && !member.muted) items.push({ label: 'Mute', onSelect: () => void run('mute', { userId }) });
    if (isHost || member?.role !== 'cohost') {
      items.push({
        label: 'Remove',
        danger: true,
        onSelect: () => {
          if (window.confirm(`Remove ${name} from this Space? They will not be able to rejoin it.`)) {
            void run('remove', { userId }, `${name} was removed`);
          }
        },
      });
      items.push({
        label: 'Block',
        danger: true,
        onSelect: () => {
          if (window.confirm(`Block ${name}? They will not be able to join any of the host's Spaces.`)) {
            void run('block', { userId }, `${name} was blocked`);
          }
        },
      });
    }
  }
  items.push({ label: 'Report', onSelect: () => ctx.report(target) });
  return items;
}
