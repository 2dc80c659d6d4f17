import { LANGUAGES } from '@earshot/i18n/codes';
import { z } from 'zod';

/** Handles: 3–15 of [A-Za-z0-9_], unique case-insensitively (the store enforces uniqueness). */
export const Handle = z.string().regex(/^[A-Za-z0-9_]{3,15}$/, 'a handle is 3–15 letters, digits or underscores');
// Bidi embeddings, overrides and isolates turn the text around them (a name that reads as another).
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// A character someone can see: not a space, control, format (zero-width), mark alone, or one of the
// letters that render as nothing (Hangul fillers, the blank Braille pattern).
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Z}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/u;

/** A name or title people read: refuses text with nothing visible in it, and bidi controls. */
export const visibleText = (schema: z.ZodString, what: string) =>
  schema
    .refine((s) => !BIDI_CONTROL.test(s), `${what} cannot hold bidirectional control characters`)
    .refine((s) => s === '' || VISIBLE.test(s), `${what} needs at least one visible character`);

export const DisplayName = visibleText(
  z.string().trim().min(1, 'a display name is required').max(50),
  'a display name',
);
export const Password = z.string().min(8, 'a password has at least 8 characters').max(200);
export const Bio = z.string().max(160);
export const PostText = z.string().trim().min(1, 'a post needs text').max(280, 'a post has at most 280 characters');
export const MessageText = z.string().trim().min(1, 'a message needs text').max(2000);

export const SignupBody = z.strictObject({ handle: Handle, displayName: DisplayName, password: Password });
export const LoginBody = z.strictObject({ handle: z.string().min(1).max(15), password: z.string().min(1).max(200) });
/** The language the app and the server's texts for this person (pushes) are in. */
export const LanguageCode = z.enum(LANGUAGES);
export const UpdateMeBody = z
  .strictObject({ displayName: DisplayName.optional(), bio: Bio.optional(), language: LanguageCode.optional() })
  .refine((b) => b.displayName !== undefined || b.bio !== undefined || b.language !== undefined, 'nothing to change');
export const CreateTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(50).optional(),
  /** Unset: the token lasts until revoked. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
/** A personal API token as its owner sees it (GET /api/tokens): never the secret. */
export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;
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
  /** Their picture (a versioned URL, cached for ever), when they uploaded one; initials otherwise. */
  avatarUrl: z.string().optional(),
});
export const User = UserSummary.extend({ bio: z.string(), createdAt: z.string() });
/** The signed-in account (GET /api/me): a moderator reviews reports; a suspended account may read and appeal only. */
export const Me = User.extend({
  moderator: z.boolean(),
  suspended: z.boolean(),
  /** Chosen in Settings; null until the app first tells the server the language it shows. */
  language: LanguageCode.nullable(),
});
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
  /** { spaceId, title }: to the host's followers (no block between them) when a Space goes live */
  'space_live',
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
