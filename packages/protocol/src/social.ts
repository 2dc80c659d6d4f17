import { z } from 'zod';

/** Handles: 3–15 of [A-Za-z0-9_], unique case-insensitively (the store enforces uniqueness). */
export const Handle = z.string().regex(/^[A-Za-z0-9_]{3,15}$/, 'a handle is 3–15 letters, digits or underscores');
export const DisplayName = z.string().trim().min(1, 'a display name is required').max(50);
export const Password = z.string().min(8, 'a password has at least 8 characters').max(200);
export const Bio = z.string().max(160);
export const PostText = z.string().trim().min(1, 'a post needs text').max(280, 'a post has at most 280 characters');
export const MessageText = z.string().trim().min(1, 'a message needs text').max(2000);

export const SignupBody = z.strictObject({ handle: Handle, displayName: DisplayName, password: Password });
export const LoginBody = z.strictObject({ handle: z.string().min(1).max(15), password: z.string().min(1).max(200) });
export const UpdateMeBody = z
  .strictObject({ displayName: DisplayName.optional(), bio: Bio.optional() })
  .refine((b) => b.displayName !== undefined || b.bio !== undefined, 'nothing to change');
export const CreateTokenBody = z.strictObject({ name: z.string().trim().min(1).max(50).optional() });
export const CreatePostBody = z.strictObject({ text: PostText });
export const SendMessageBody = z.strictObject({ text: MessageText });
export const PageQuery = z.strictObject({
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

/** The public face of an account: never a password, token or session. */
export const UserSummary = z.object({
  id: z.string(),
  handle: z.string(),
  displayName: z.string(),
});
export const User = UserSummary.extend({ bio: z.string(), createdAt: z.string() });
/** The signed-in account (GET /api/me): a moderator reviews reports; a suspended account may read and appeal only. */
export const Me = User.extend({ moderator: z.boolean(), suspended: z.boolean() });
export const Profile = User.extend({
  followers: z.number().int(),
  following: z.number().int(),
  /** Relations to the viewer; all false for an anonymous viewer or one's own profile. */
  youFollow: z.boolean(),
  followsYou: z.boolean(),
  /** The viewer has blocked this user. */
  blocked: z.boolean(),
  /** This user has blocked the viewer. */
  blocksYou: z.boolean(),
});
export const Post = z.object({ id: z.string(), author: UserSummary, text: z.string(), createdAt: z.string() });
/** Something a message lets its reader do, e.g. accept an invitation to speak. */
export const MessageAction = z.object({
  kind: z.literal('space_invite'),
  spaceId: z.string(),
  role: z.enum(['speaker', 'cohost']),
});
export const Message = z.object({
  id: z.string(),
  from: UserSummary,
  to: UserSummary,
  text: z.string(),
  action: MessageAction.nullable(),
  createdAt: z.string(),
});
export const Conversation = z.object({ with: UserSummary, lastMessage: Message, unread: z.number().int() });
export const NotificationKind = z.enum([
  'follow',
  'dm',
  'space_invite',
  /** { spaceId, title } */
  'recording_ready',
  /** { reportId, spaceId, title, verdict, reason, appealUntil } to the accountable person (and the host) */
  'report_decided',
  /** { reportId, spaceId, title, verdict, reason } */
  'appeal_decided',
  /** { spaceId, title, ticketId, amountMinor, currency, reason } */
  'ticket_refunded',
  /** Scheduled Spaces, { spaceId, title, scheduledFor }: to people with a reminder, when it goes live */
  'space_started',
  /** … when the host moves it ({ previousFor } too) */
  'space_rescheduled',
  /** … when the host cancels it */
  'space_cancelled',
  /** To the host and co-hosts, SCHEDULE_HOST_NOTICE_MINUTES before the time */
  'space_starting_soon',
  /** To the host and co-hosts at the time, while it has not started */
  'space_due',
]);
export const Notification = z.object({
  id: z.string(),
  kind: NotificationKind,
  actor: UserSummary.nullable(),
  /** Kind-specific details: { text, messageId } for a DM, { spaceId, title, role } for a Space invitation. */
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  read: z.boolean(),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export type UserSummary = z.infer<typeof UserSummary>;
export type User = z.infer<typeof User>;
export type Me = z.infer<typeof Me>;
export type Profile = z.infer<typeof Profile>;
export type Post = z.infer<typeof Post>;
export type Message = z.infer<typeof Message>;
export type MessageAction = z.infer<typeof MessageAction>;
export type Conversation = z.infer<typeof Conversation>;
export type Notification = z.infer<typeof Notification>;
export type NotificationKind = z.infer<typeof NotificationKind>;
export type Page<T> = { items: T[]; nextCursor: string | null };
