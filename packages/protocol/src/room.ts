import { z } from 'zod';
import { Post, UserSummary } from './social';

/**
 * A live Space's room state and the events that change it. `applyEvent` is the one reducer:
 * the server computes the next state with it and clients replay events with it, so a client that
 * applies every event in sequence holds exactly the server's state.
 */

export const SpeakerPolicy = z.enum(['everyone', 'following', 'invited']);
export type SpeakerPolicy = z.infer<typeof SpeakerPolicy>;
/**
 * created → live → ended, or scheduled (for later) → live → ended; a scheduled Space the host
 * cancels is cancelled, one not started within the grace period after its time is missed.
 */
export const SpaceStatus = z.enum(['created', 'scheduled', 'live', 'ended', 'cancelled', 'missed']);
export type SpaceStatus = z.infer<typeof SpaceStatus>;
/**
 * Why a Space ended: its host ended it, no host or co-host was connected for the absence window
 * (HOST_ABSENT_END_MINUTES), or a moderator suspended the host.
 */
export const EndReason = z.enum(['host', 'hosts_absent', 'suspended']);
export type EndReason = z.infer<typeof EndReason>;
export const StageRole = z.enum(['host', 'cohost', 'speaker']);
export type StageRole = z.infer<typeof StageRole>;
export const InviteRole = z.enum(['speaker', 'cohost']);
export const Reaction = z.enum(['👏', '😂', '❤️', '🔥', '💯', '🙌', '😮', '👍']);
export type Reaction = z.infer<typeof Reaction>;

export const StageMember = z.object({
  user: UserSummary,
  role: StageRole,
  /** Muted by themselves or by a host; only they can unmute. The media plane forwards nothing while muted. */
  muted: z.boolean(),
  /** From the media plane's audio levels. */
  speaking: z.boolean(),
  /**
   * Which audio track carries this member: a listener's WHEP offer has `stageSize` audio sections
   * and section `slot` plays this member. Held for as long as they are on stage.
   */
  slot: z.number().int().min(0),
  /**
   * They agreed to have what they say captioned (asked when they join the stage; the host's
   * consent is turning captions on). Nothing they say is transcribed without it.
   */
  captions: z.boolean().default(false),
});
export type StageMember = z.infer<typeof StageMember>;

export const RoomState = z.object({
  id: z.string(),
  title: z.string(),
  topics: z.array(z.string()),
  speakerPolicy: SpeakerPolicy,
  status: SpaceStatus,
  host: UserSummary,
  /** Host first, then co-hosts, then speakers, each in the order they came up. */
  stage: z.array(StageMember),
  /** Most people the stage can hold (host + co-hosts + speakers): the number of audio slots. */
  stageSize: z.number().int().min(1),
  raisedHands: z.array(UserSummary),
  invitations: z.array(z.object({ user: UserSummary, role: InviteRole })),
  /** Ids of people removed from this Space; they cannot rejoin. */
  removed: z.array(z.string()),
  pinnedPosts: z.array(Post),
  /** The host's setting: live captions of the speakers who consent. */
  captions: z.object({ enabled: z.boolean() }),
  /** Ticketed Spaces arrive later; null = free and open. */
  tickets: z.null(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Why it ended (null while not ended, and for Spaces that ended before reasons were kept). */
  endReason: EndReason.nullable().default(null),
  /** When a scheduled Space is meant to start (ISO 8601); null for one started at once. */
  scheduledFor: z.string().nullable().default(null),
});
export type RoomState = z.infer<typeof RoomState>;

export const RoomEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started'), at: z.string() }),
  z.object({ kind: z.literal('ended'), at: z.string(), reason: EndReason.optional() }),
  /** A Space not yet started: new details (a new `scheduledFor` is a reschedule). */
  z.object({
    kind: z.literal('edited'),
    changes: z.object({
      title: z.string().optional(),
      topics: z.array(z.string()).optional(),
      speakerPolicy: SpeakerPolicy.optional(),
      scheduledFor: z.string().optional(),
    }),
  }),
  z.object({ kind: z.literal('cancelled'), at: z.string() }),
  /** Not started within the grace period after its time. */
  z.object({ kind: z.literal('missed'), at: z.string() }),
  z.object({ kind: z.literal('hand_raised'), user: UserSummary }),
  z.object({ kind: z.literal('hand_lowered'), userId: z.string(), reason: z.enum(['cancelled', 'declined']) }),
  z.object({ kind: z.literal('joined_stage'), user: UserSummary, role: z.enum(['cohost', 'speaker']) }),
  z.object({ kind: z.literal('left_stage'), userId: z.string(), reason: z.enum(['left', 'demoted']) }),
  z.object({ kind: z.literal('role_changed'), userId: z.string(), role: z.enum(['cohost', 'speaker']) }),
  z.object({ kind: z.literal('invited'), user: UserSummary, role: InviteRole }),
  z.object({ kind: z.literal('invitation_ended'), userId: z.string(), accepted: z.boolean() }),
  z.object({ kind: z.literal('muted'), userId: z.string(), by: z.string() }),
  z.object({ kind: z.literal('unmuted'), userId: z.string() }),
  z.object({ kind: z.literal('speaking'), userId: z.string(), speaking: z.boolean() }),
  z.object({ kind: z.literal('removed'), userId: z.string(), blocked: z.boolean() }),
  z.object({ kind: z.literal('captions_set'), enabled: z.boolean() }),
  z.object({ kind: z.literal('captions_consent'), userId: z.string(), consent: z.boolean() }),
  z.object({ kind: z.literal('pinned'), post: Post }),
  z.object({ kind: z.literal('unpinned'), postId: z.string() }),
]);
export type RoomEvent = z.infer<typeof RoomEvent>;

const without = <T>(list: T[], keep: (item: T) => boolean) => list.filter(keep);

/** The one reducer of room state. Pure: returns a new state, never changes its input. */
export function applyEvent(state: RoomState, event: RoomEvent): RoomState {
  switch (event.kind) {
    case 'started':
      return { ...state, status: 'live', startedAt: event.at };
    case 'ended':
      return {
        ...state,
        status: 'ended',
        endedAt: event.at,
        endReason: event.reason ?? null,
        raisedHands: [],
        invitations: [],
      };
    case 'edited':
      return { ...state, ...event.changes };
    case 'cancelled':
    case 'missed':
      return { ...state, status: event.kind, raisedHands: [], invitations: [] };
    case 'hand_raised':
      return { ...state, raisedHands: [...state.raisedHands, event.user] };
    case 'hand_lowered':
      return { ...state, raisedHands: without(state.raisedHands, (u) => u.id !== event.userId) };
    case 'joined_stage':
      return {
        ...state,
        raisedHands: without(state.raisedHands, (u) => u.id !== event.user.id),
        invitations: without(state.invitations, (i) => i.user.id !== event.user.id),
        stage: sortStage([
          ...state.stage,
          {
            user: event.user,
            role: event.role,
            muted: true,
            speaking: false,
            slot: freeSlot(state.stage),
            captions: false,
          },
        ]),
      };
    case 'left_stage':
      return { ...state, stage: without(state.stage, (m) => m.user.id !== event.userId) };
    case 'role_changed':
      return {
        ...state,
        stage: sortStage(state.stage.map((m) => (m.user.id === event.userId ? { ...m, role: event.role } : m))),
      };
    case 'invited':
      return {
        ...state,
        invitations: [
          ...without(state.invitations, (i) => i.user.id !== event.user.id),
          { user: event.user, role: event.role },
        ],
      };
    case 'invitation_ended':
      return { ...state, invitations: without(state.invitations, (i) => i.user.id !== event.userId) };
    case 'muted':
    case 'unmuted': {
      const muted = event.kind === 'muted';
      return {
        ...state,
        stage: state.stage.map((m) =>
          m.user.id === event.userId ? { ...m, muted, speaking: muted ? false : m.speaking } : m,
        ),
      };
    }
    case 'speaking':
      return {
        ...state,
        stage: state.stage.map((m) => (m.user.id === event.userId ? { ...m, speaking: event.speaking } : m)),
      };
    case 'removed':
      return {
        ...state,
        stage: without(state.stage, (m) => m.user.id !== event.userId),
        raisedHands: without(state.raisedHands, (u) => u.id !== event.userId),
        invitations: without(state.invitations, (i) => i.user.id !== event.userId),
        removed: [...state.removed, event.userId],
      };
    case 'captions_set':
      return { ...state, captions: { enabled: event.enabled } };
    case 'captions_consent':
      return {
        ...state,
        stage: state.stage.map((m) => (m.user.id === event.userId ? { ...m, captions: event.consent } : m)),
      };
    case 'pinned':
      return { ...state, pinnedPosts: [event.post, ...without(state.pinnedPosts, (p) => p.id !== event.post.id)] };
    case 'unpinned':
      return { ...state, pinnedPosts: without(state.pinnedPosts, (p) => p.id !== event.postId) };
  }
}

const rank: Record<StageRole, number> = { host: 0, cohost: 1, speaker: 2 };
/** Stable: keeps arrival order within a role. */
const sortStage = (stage: StageMember[]) => [...stage].sort((a, b) => rank[a.role] - rank[b.role]);

/** The lowest slot no stage member holds. */
function freeSlot(stage: StageMember[]): number {
  const taken = new Set(stage.map((m) => m.slot));
  let slot = 0;
  while (taken.has(slot)) slot++;
  return slot;
}

/** Host, co-hosts and speakers the defaults allow (1 + 2 + 10). */
export const DEFAULT_STAGE_SIZE = 13;

/** A new Space's state before it starts. */
export function initialRoom(input: {
  id: string;
  title: string;
  topics: string[];
  speakerPolicy: SpeakerPolicy;
  host: UserSummary;
  captions?: boolean;
  stageSize?: number;
  /** Makes it a scheduled Space. */
  scheduledFor?: string | null;
}): RoomState {
  return {
    id: input.id,
    title: input.title,
    topics: input.topics,
    speakerPolicy: input.speakerPolicy,
    status: input.scheduledFor ? 'scheduled' : 'created',
    host: input.host,
    stage: [
      { user: input.host, role: 'host', muted: true, speaking: false, slot: 0, captions: input.captions ?? false },
    ],
    stageSize: input.stageSize ?? DEFAULT_STAGE_SIZE,
    raisedHands: [],
    invitations: [],
    removed: [],
    pinnedPosts: [],
    captions: { enabled: input.captions ?? false },
    tickets: null,
    startedAt: null,
    endedAt: null,
    endReason: null,
    scheduledFor: input.scheduledFor ?? null,
  };
}
