import type { PushKind } from '@earshot/protocol';

/** How each pushable kind is named in Settings (adding a kind to PushKind asks for its label here). */
export const pushKindLabels: Record<PushKind, { label: string; hint: string }> = {
  dm: { label: 'Direct messages', hint: 'When someone sends you a message.' },
  space_invite: { label: 'Invitations to speak', hint: 'When a host invites you on stage or to co-host.' },
  recording_ready: { label: 'Recordings ready', hint: 'When the recording of a Space you hosted can be played.' },
  space_started: { label: 'Reminders', hint: 'When a Space you set a reminder for goes live.' },
  space_live: { label: 'People you follow going live', hint: 'When someone you follow starts a Space.' },
  space_rescheduled: { label: 'Rescheduled Spaces', hint: 'When a Space you set a reminder for moves to a new time.' },
  space_cancelled: { label: 'Cancelled Spaces', hint: 'When a Space you set a reminder for is cancelled.' },
  space_starting_soon: { label: 'Your Spaces starting soon', hint: 'Before a Space you host or co-host begins.' },
  ticket_refunded: { label: 'Ticket refunds', hint: 'When a ticket you bought is refunded.' },
};
