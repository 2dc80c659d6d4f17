import { z } from 'zod';
import { Caption } from './captions';
import { ErrorBody } from './errors';
import { Reaction, RoomEvent, RoomState, SpeakerPolicy } from './room';
import { Handle, UserSummary, visibleText } from './social';
import { TicketingInput, TicketingView } from './tickets';

export const Topic = visibleText(z.string().trim().min(1).max(30), 'a topic');
const Title = visibleText(
  z.string().trim().min(1, 'a Space needs a title').max(70, 'a title has at most 70 characters'),
  'a title',
);
const Topics = z.array(Topic).max(3, 'at most 3 topics');
/** A moment as ISO 8601 with a zone (`2026-12-24T18:00:00Z`, `…+01:00`); the server keeps it in UTC. */
export const ScheduledFor = z.iso.datetime({
  offset: true,
  error: 'scheduledFor is an ISO 8601 date and time with a zone, e.g. 2026-12-24T18:00:00Z',
});
export const CreateSpaceBody = z.strictObject({
  title: Title,
  topics: Topics.default([]),
  speakerPolicy: SpeakerPolicy.default('everyone'),
  captions: z.boolean().default(false),
  /** A ticketed Space: only ticket holders (and the stage) get in. */
  ticketing: TicketingInput.optional(),
  /** Schedules the Space for later instead of making it to start now. */
  scheduledFor: ScheduledFor.optional(),
});
/** PATCH /api/spaces/:id (the `edit` command): details of a Space not yet started; a new time reschedules. */
export const EditSpaceBody = z
  .strictObject({
    title: Title.optional(),
    topics: Topics.optional(),
    speakerPolicy: SpeakerPolicy.optional(),
    captions: z.boolean().optional(),
    scheduledFor: ScheduledFor.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'nothing to change');
export type EditSpaceBody = z.infer<typeof EditSpaceBody>;

const UserTarget = z.strictObject({ userId: z.string().min(1).max(64) });
const Empty = z.strictObject({});

/** Every command on a Space, by name, with its arguments. Sent as POST /api/spaces/:id/<name> or over the socket. */
export const CommandArgs = {
  /** Host: a created or scheduled Space goes live (early or on time). */
  start: Empty,
  /** Host: a scheduled Space will not happen; people with a reminder are told. */
  cancel: Empty,
  /** Host and co-hosts, before the start: title, topics, speaker policy, captions, time (PATCH /api/spaces/:id). */
  edit: EditSpaceBody,
  end: Empty,
  'request-speak': Empty,
  'cancel-request': Empty,
  approve: UserTarget,
  decline: UserTarget,
  invite: z.union([UserTarget, z.strictObject({ handle: Handle })]),
  'accept-invite': Empty,
  'decline-invite': Empty,
  demote: UserTarget,
  'leave-stage': Empty,
  'add-cohost': z.union([UserTarget, z.strictObject({ handle: Handle })]),
  'remove-cohost': UserTarget,
  mute: UserTarget,
  unmute: UserTarget,
  remove: UserTarget,
  block: UserTarget,
  report: z.strictObject({ userId: z.string().min(1).max(64).optional(), reason: z.string().trim().min(1).max(500) }),
  react: z.strictObject({ emoji: Reaction }),
  pin: z.strictObject({ postId: z.string().min(1).max(64) }),
  /** Host and co-hosts: captions on or off for the Space. */
  'set-captions': z.strictObject({ enabled: z.boolean() }),
  /** Anyone on stage: may what I say be captioned? */
  'captions-consent': z.strictObject({ consent: z.boolean() }),
  unpin: z.strictObject({ postId: z.string().min(1).max(64) }),
} as const;
export type CommandName = keyof typeof CommandArgs;
export const commandNames = Object.keys(CommandArgs) as CommandName[];
export const CommandName = z.enum(commandNames as [CommandName, ...CommandName[]]);
export type CommandArgsOf<N extends CommandName> = z.infer<(typeof CommandArgs)[N]>;
export const CommandResult = z.object({ seq: z.number().int() });

/** A Space in lists (discovery, bubbles, search). */
export const SpaceSummary = RoomState.pick({
  id: true,
  title: true,
  topics: true,
  speakerPolicy: true,
  status: true,
  host: true,
  startedAt: true,
  scheduledFor: true,
}).extend({
  /** Everyone on stage, host first. */
  stage: z.array(UserSummary),
  listenerCount: z.number().int(),
  /** Bubbles only: how many people you follow are hosting or speaking. */
  followedOnStage: z.number().int().optional(),
  /** Ticketed Spaces only: price, seats left, whether you hold a ticket. */
  ticketing: TicketingView.nullable().optional(),
  /** Upcoming Spaces: how many people set a reminder, and whether you did. */
  reminderCount: z.number().int().optional(),
  youHaveReminder: z.boolean().optional(),
  /** Upcoming Spaces: the host is someone you follow (they come first). */
  youFollowHost: z.boolean().optional(),
});
export type SpaceSummary = z.infer<typeof SpaceSummary>;
export const SpaceListQuery = z.strictObject({
  /** live: on air now, biggest audience first; scheduled: upcoming, people you follow first, then soonest. */
  state: z.enum(['live', 'scheduled']).default('live'),
  q: z.string().trim().max(100).optional(),
  /** Only this person's Spaces (a profile's upcoming ones). */
  host: Handle.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export const Presence = z.object({ listenerCount: z.number().int(), listeners: z.array(UserSummary) });
/** Reminders of a Space (scheduled or not): how many, and the viewer's own. */
export const Reminders = z.object({ reminderCount: z.number().int(), youHaveReminder: z.boolean() });
export type Reminders = z.infer<typeof Reminders>;
export const SpaceView = z
  .object({
    seq: z.number().int(),
    space: RoomState,
    ticketing: TicketingView.nullable(),
    /** Live Spaces: the LL-HLS playlist of the room mix (any HLS player; the web app's fallback). */
    hlsUrl: z.string().nullable(),
  })
  .extend(Presence.shape)
  .extend(Reminders.shape);

/** Messages the server sends on GET /api/spaces/:id/live. */
export const SpaceServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), seq: z.number().int(), space: RoomState }).extend(Presence.shape),
  z.object({ type: z.literal('event'), seq: z.number().int(), event: RoomEvent }),
  /** Not sequenced: who is here changes too often to be history. */
  z.object({ type: z.literal('presence') }).extend(Presence.shape),
  z.object({ type: z.literal('reaction'), user: UserSummary, emoji: Reaction }),
  /** Live captions (partial, then final), sent only while the Space has captions on. */
  z.object({ type: z.literal('caption'), caption: Caption }),
  /**
   * These media sessions ended because the server process carrying them stopped: their clients
   * reconnect now instead of waiting for ICE to notice. Session ids are capabilities (DELETE ends
   * one), so the room only sees `mediaSessionTag`s of them.
   */
  z.object({ type: z.literal('media_lost'), sessions: z.array(z.string()) }),
  z.object({ type: z.literal('ack'), id: z.string(), seq: z.number().int() }),
  z.object({ type: z.literal('error'), id: z.string().optional() }).extend(ErrorBody.shape),
  z.object({ type: z.literal('pong') }),
]);
export type SpaceServerMessage = z.infer<typeof SpaceServerMessage>;

export const SpaceClientMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('command'),
    id: z.string().max(64),
    name: CommandName,
    args: z.unknown().optional(),
  }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type SpaceClientMessage = z.infer<typeof SpaceClientMessage>;

/** GET /api/media: how this server's web app listens. */
export const MediaInfo = z.object({
  /** From this many listeners, listen to the room mix (one WHEP section) instead of a track per slot. */
  mixListenersFrom: z.number().int().min(0),
});
export type MediaInfo = z.infer<typeof MediaInfo>;

/**
 * The tag of a WHIP/WHEP session id in `media_lost`: SHA-256 of the id, base64url, first 16
 * characters. `digest` is SHA-256 (node:crypto on the server, SubtleCrypto in browsers).
 */
export async function mediaSessionTag(
  sessionId: string,
  digest: (data: Uint8Array<ArrayBuffer>) => Promise<ArrayBuffer | Uint8Array>,
): Promise<string> {
  const bytes = new Uint8Array(await digest(new TextEncoder().encode(sessionId)));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '').slice(0, 16);
}
