import type { Notification, PushKind, PushPayload } from '@earshot/protocol';

type Text = { title: string; body: string; url: string; tag?: string };

const field = (n: Notification, key: string) => (typeof n.data[key] === 'string' ? (n.data[key] as string) : '');
const who = (n: Notification) => n.actor?.displayName ?? 'Someone';
const spaceUrl = (n: Notification) =>
  field(n, 'spaceId') ? `/spaces/${encodeURIComponent(field(n, 'spaceId'))}` : '/';
const quoted = (n: Notification, otherwise: string) => (field(n, 'title') ? `“${field(n, 'title')}”` : otherwise);

type Kind = {
  text: (n: Notification) => Text;
  /** Seconds the push service keeps it for a browser that is offline; after that it is dropped. */
  ttl: number;
  /** `high` lets a phone wake for it (RFC 8030 §5.3). */
  urgency: 'normal' | 'high';
};

/**
 * What each pushable kind says on the lock screen, where a click leads, and how soon it matters.
 * Adding a kind to `PushKind` (protocol) makes the compiler ask for its entry here.
 */
const kinds: Record<PushKind, Kind> = {
  dm: {
    text: (n) => ({
      title: who(n),
      body: field(n, 'text') || 'sent you a message',
      url: n.actor ? `/messages/${encodeURIComponent(n.actor.handle)}` : '/messages',
      // One conversation's pushes replace each other on the lock screen.
      tag: n.actor ? `dm:${n.actor.handle}` : undefined,
    }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
  space_invite: {
    text: (n) => ({
      title: `${who(n)} invited you to ${n.data.role === 'cohost' ? 'co-host' : 'speak'}`,
      body: quoted(n, 'a Space'),
      url: spaceUrl(n),
    }),
    ttl: 15 * 60, // the Space may be over soon
    urgency: 'high',
  },
  recording_ready: {
    text: (n) => ({ title: 'Your recording is ready', body: quoted(n, 'Your Space'), url: spaceUrl(n) }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
  space_started: {
    text: (n) => ({ title: 'Live now', body: quoted(n, 'A Space you set a reminder for'), url: spaceUrl(n) }),
    ttl: 30 * 60, // worth little once the Space is over
    urgency: 'high',
  },
  space_live: {
    text: (n) => ({ title: `${who(n)} is live`, body: quoted(n, 'A Space'), url: spaceUrl(n) }),
    ttl: 30 * 60, // worth little once the Space is over
    urgency: 'high',
  },
  space_rescheduled: {
    text: (n) => ({
      title: 'A Space was moved',
      body: `${quoted(n, 'A Space you set a reminder for')} now starts ${when(field(n, 'scheduledFor'))}`,
      url: spaceUrl(n),
    }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
  space_cancelled: {
    text: (n) => ({
      title: 'A Space was cancelled',
      body: quoted(n, 'A Space you set a reminder for'),
      url: spaceUrl(n),
    }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
  space_starting_soon: {
    text: (n) => ({
      title: 'Your Space starts soon',
      body: `${quoted(n, 'Your Space')} ${when(field(n, 'scheduledFor'))}`,
      url: spaceUrl(n),
    }),
    ttl: 10 * 60,
    urgency: 'high',
  },
  ticket_refunded: {
    text: (n) => ({ title: 'Your ticket was refunded', body: quoted(n, 'A ticketed Space'), url: spaceUrl(n) }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
};

/** A scheduled time for a lock screen (UTC: the server does not know the reader's zone). */
const when = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 'at a new time' : `at ${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

const kindOf = (kind: string): Kind | undefined => (kinds as Record<string, Kind | undefined>)[kind];
const MAX_BODY = 180;

/** The push for a notification, or null when its kind is not pushed. */
export function pushPayload(n: Notification): PushPayload | null {
  const text = kindOf(n.kind)?.text(n);
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

export function deliveryOf(kind: string): { TTL: number; urgency: 'normal' | 'high' } {
  const k = kindOf(kind);
  return { TTL: k?.ttl ?? 3600, urgency: k?.urgency ?? 'normal' };
}
