import type { PushKind } from '@earshot/protocol';

/** How each pushable kind is named in Settings (adding a kind to PushKind asks for its label here). */
export const pushKindLabels: Record<PushKind, { label: string; hint: string }> = {
  dm: { label: 'Direct messages', hint: 'When someone sends you a message.' },
  space_invite: { label: 'Invitations to speak', hint: 'When a host invites you on stage or to co-host.' },
  recording_ready: { label: 'Recordings ready', hint: 'When the recording of a Space you hosted can be played.' },
};
