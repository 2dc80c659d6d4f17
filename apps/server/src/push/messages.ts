import { DEFAULT_LANGUAGE, type Language, translator } from '@earshot/i18n';
import type { Notification, PushKind, PushPayload } from '@earshot/protocol';
import type { TFunction } from 'i18next';

type Text = { title: string; body: string; url: string; tag?: string };

const field = (n: Notification, key: string) => (typeof n.data[key] === 'string' ? (n.data[key] as string) : '');
const spaceUrl = (n: Notification) =>
  field(n, 'spaceId') ? `/spaces/${encodeURIComponent(field(n, 'spaceId'))}` : '/';

/** Words for one notification in one language: its actor, its Space's title or a stand-in, its new time. */
function wordsFor(n: Notification, t: TFunction, language: Language) {
  return {
    t,
    who: n.actor?.displayName ?? t('push.someone'),
    quoted: (otherwise: string) => (field(n, 'title') ? t('push.quoted', { title: field(n, 'title') }) : otherwise),
    when: (iso: string) => when(iso, t, language),
  };
}
type Words = ReturnType<typeof wordsFor>;

type Kind = {
  text: (n: Notification, w: Words) => Text;
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
    text: (n, { t, who }) => ({
      title: who,
      body: field(n, 'text') || t('push.dm.body'),
      url: n.actor ? `/messages/${encodeURIComponent(n.actor.handle)}` : '/messages',
      // One conversation's pushes replace each other on the lock screen.
      tag: n.actor ? `dm:${n.actor.handle}` : undefined,
    }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
  space_invite: {
    text: (n, { t, who, quoted }) => ({
      title: n.data.role === 'cohost' ? t('push.invite.cohost', { who }) : t('push.invite.speak', { who }),
      body: quoted(t('push.aSpace')),
      url: spaceUrl(n),
    }),
    ttl: 15 * 60, // the Space may be over soon
    urgency: 'high',
  },
  recording_ready: {
    text: (n, { t, quoted }) => ({
      title: t('push.recordingReady'),
      body: quoted(t('push.yourSpace')),
      url: spaceUrl(n),
    }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
  space_started: {
    text: (n, { t, quoted }) => ({ title: t('push.liveNow'), body: quoted(t('push.remindedSpace')), url: spaceUrl(n) }),
    ttl: 30 * 60, // worth little once the Space is over
    urgency: 'high',
  },
  space_live: {
    text: (n, { t, who, quoted }) => ({
      title: t('push.isLive', { who }),
      body: quoted(t('push.capitalSpace')),
      url: spaceUrl(n),
    }),
    ttl: 30 * 60, // worth little once the Space is over
    urgency: 'high',
  },
  space_rescheduled: {
    text: (n, { t, quoted, when }) => ({
      title: t('push.moved.title'),
      body: t('push.moved.body', { space: quoted(t('push.remindedSpace')), when: when(field(n, 'scheduledFor')) }),
      url: spaceUrl(n),
    }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
  space_cancelled: {
    text: (n, { t, quoted }) => ({
      title: t('push.cancelled'),
      body: quoted(t('push.remindedSpace')),
      url: spaceUrl(n),
    }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
  space_starting_soon: {
    text: (n, { t, quoted, when }) => ({
      title: t('push.startsSoon'),
      body: `${quoted(t('push.yourSpace'))} ${when(field(n, 'scheduledFor'))}`,
      url: spaceUrl(n),
    }),
    ttl: 10 * 60,
    urgency: 'high',
  },
  ticket_refunded: {
    text: (n, { t, quoted }) => ({
      title: t('push.refunded'),
      body: quoted(t('push.ticketedSpace')),
      url: spaceUrl(n),
    }),
    ttl: 24 * 3600,
    urgency: 'normal',
  },
};

/** A scheduled time for a lock screen (UTC: the server does not know the reader's zone). */
function when(iso: string, t: TFunction, language: Language) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return t('push.atNewTime');
  // English keeps its ISO-like "2026-12-08 18:00"; the others read their own way.
  const at =
    language === 'en'
      ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
      : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms);
  return t('push.atTime', { at });
}

const kindOf = (kind: string): Kind | undefined => (kinds as Record<string, Kind | undefined>)[kind];
const MAX_BODY = 180;

/** The push for a notification in the reader's language, or null when its kind is not pushed. */
export function pushPayload(n: Notification, language: Language = DEFAULT_LANGUAGE): PushPayload | null {
  const kind = kindOf(n.kind);
  const text = kind?.text(n, wordsFor(n, translator(language), language));
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
