import type { Notification, PushKind, PushPayload } from '@earshot/protocol';

type Text = { title: string; body: string; url: string; tag?: string };

const field = (n: Notification, key: string) => (typeof n.data[key] === 'string' ? (n.data[key] as string) : '');
const who = (n: Notification) => n.actor?.displayName ?? 'Someone';
const spaceUrl = (n: Notification) =>
  field(n, 'spaceId') ? `/spaces/${encodeURIComponent(field(n, 'spaceId'))}` : '/';
const quoted = (n: Notification, otherwise: string) => (field(n, 'title') ? `“${field(n, 'title')}”` : otherwise);

/**
 * What each pushable kind says on the lock screen and where a click leads. Adding a kind to
 * `PushKind` (protocol) makes the compiler ask for its entry here.
 */
const texts: Record<PushKind, (n: Notification) => Text> = {
  dm: (n) => ({
    title: who(n),
    body: field(n, 'text') || 'sent you a message',
    url: n.actor ? `/messages/${encodeURIComponent(n.actor.handle)}` : '/messages',
    // One conversation's pushes replace each other on the lock screen.
    tag: n.actor ? `dm:${n.actor.handle}` : undefined,
  }),
  space_invite: (n) => ({
    title: `${who(n)} invited you to ${n.data.role === 'cohost' ? 'co-host' : 'speak'}`,
    body: quoted(n, 'a Space'),
    url: spaceUrl(n),
  }),
  recording_ready: (n) => ({
    title: 'Your recording is ready',
    body: quoted(n, 'Your Space'),
    url: spaceUrl(n),
  }),
};

const MAX_BODY = 180;

/** The push for a notification, or null when its kind is not pushed. */
export function pushPayload(n: Notification): PushPayload | null {
  const text = (texts as Record<string, ((n: Notification) => Text) | undefined>)[n.kind]?.(n);
  if (!text) return null;
  const body = text.body.length > MAX_BODY ? `${text.body.slice(0, MAX_BODY - 1)}…` : text.body;
  return {
    ...text,
    body,
    tag: text.tag ?? `${n.kind}:${field(n, 'spaceId') || n.id}`,
    kind: n.kind,
    notificationId: n.id,
  };
}

/** How soon a push matters: past its TTL the push service drops it; urgency lets a phone wake for it. */
export function deliveryOf(kind: string): { TTL: number; urgency: 'normal' | 'high' } {
  if (kind === 'space_invite') return { TTL: 15 * 60, urgency: 'high' };
  return { TTL: 24 * 3600, urgency: 'normal' };
}
