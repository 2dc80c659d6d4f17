import { z } from 'zod';
import { NotificationKind } from './social';

/**
 * The notification kinds that also go out as Web Push (each person can switch any of them off).
 * To push another kind: add it here, give it a text in the server's push/messages.ts and a label
 * in the web app's pwa/push-kinds.ts.
 */
export const PushKind = NotificationKind.extract([
  'dm',
  'space_invite',
  'recording_ready',
  'space_started',
  'space_live',
  'space_rescheduled',
  'space_cancelled',
  'space_starting_soon',
  'ticket_refunded',
]);
export type PushKind = z.infer<typeof PushKind>;
export const pushKinds = PushKind.options;

/** base64url of exactly `bytes` bytes (the browser's subscription keys); no Buffer here, the web app shares it. */
const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+=*$/, `${what} is base64url`)
    .refine((v) => Math.floor((v.replace(/=+$/, '').length * 3) / 4) === bytes, `${what} is ${bytes} bytes`);

/** `PushSubscription.toJSON()` as a browser gives it. */
export const PushSubscriptionBody = z.strictObject({
  endpoint: z
    .url({ protocol: /^https$/, error: 'endpoint: an https URL of a push service' })
    .max(2048, 'endpoint: at most 2048 characters'),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    /** The browser's P-256 public key, uncompressed (65 bytes). */
    p256dh: base64url(65, 'keys.p256dh'),
    /** The browser's 16-byte authentication secret. */
    auth: base64url(16, 'keys.auth'),
  }),
});
export const PushEndpointBody = z.strictObject({ endpoint: z.string().min(1).max(2048) });

export const PushSubscriptionView = z.object({ endpoint: z.string(), createdAt: z.string() });
export const PushKeyView = z.object({ publicKey: z.string() });

export const PushPreferences = z.object({
  kinds: z.array(z.object({ kind: PushKind, enabled: z.boolean() })),
});
export const PushPreferencesPatch = z.strictObject({
  kinds: z.partialRecord(PushKind, z.boolean()),
});

/** What a push carries (encrypted end to end) for the service worker to show. */
export const PushPayload = z.object({
  title: z.string(),
  body: z.string(),
  /** The page to open on click, relative to the app's origin. */
  url: z.string(),
  /** Replaces an earlier push with the same tag (a second reminder of one Space). */
  tag: z.string(),
  kind: z.string(),
  notificationId: z.string(),
});

export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>;
export type PushSubscriptionView = z.infer<typeof PushSubscriptionView>;
export type PushPreferences = z.infer<typeof PushPreferences>;
export type PushPreferencesPatch = z.infer<typeof PushPreferencesPatch>;
export type PushPayload = z.infer<typeof PushPayload>;
