/**
 * Share cards: what a link preview (Open Graph, Twitter card) shows for a Space or a profile.
 * Pure functions from plain data to text in one language; routes.ts gathers the data and picks the
 * language (Accept-Language), renderer.ts draws the PNG.
 */
import { DEFAULT_LANGUAGE, type Language, translator } from '@earshot/i18n';

/** A Space as its card tells it. `scheduledFor` and `reminderCount` come with scheduled Spaces. */
export interface SpaceCardData {
  id: string;
  title: string;
  topics: string[];
  host: { displayName: string; handle: string };
  /** The Space's status: created, live, ended (and scheduled, cancelled, missed where they exist). */
  status: string;
  listenerCount: number;
  /** ISO 8601: when a scheduled Space is to start. */
  scheduledFor?: string | null;
  /** How many people set a reminder (shown for scheduled Spaces). */
  reminderCount?: number | null;
  /** A public replay of the recording can be played. */
  replay?: boolean;
}

export interface ProfileCardData {
  handle: string;
  displayName: string;
  bio: string;
  followers: number;
  following: number;
}

/** What the PNG shows: plain strings, so that equal pictures have equal keys (the cache). */
export type CardImage =
  | {
      kind: 'space';
      title: string;
      badge: string;
      live: boolean;
      detail: string;
      topics: string[];
      host: string;
      handle: string;
    }
  | { kind: 'profile'; displayName: string; handle: string; bio: string; detail: string };

/** The tags of one page: absolute `url` and `image`. */
export interface PageMeta {
  title: string;
  description: string;
  url: string;
  image: string;
  imageAlt: string;
  type: 'website' | 'profile';
  /** The language the texts are in: the page's <html lang> and og:locale. */
  language: Language;
}

const OG_LOCALE: Record<Language, string> = { en: 'en_US', nl: 'nl_NL', es: 'es_ES' };

/** "Tue, 8 Dec 2026, 18:00 UTC": a crawler has no time zone, so the card says which one. */
export function cardTime(iso: string, language: Language = DEFAULT_LANGUAGE): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const text = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : language, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }).format(d);
  return `${text} UTC`;
}

/** The Space's moment in words: the badge on the picture and the line under the title. */
type Moment = 'live' | 'ended' | 'cancelled' | 'scheduled' | 'soon';

/** The Space's moment in words: the badge on the picture, the state and the line under the title. */
function moment(s: SpaceCardData, language: Language) {
  const t = translator(language);
  const of = (m: Moment, detail: string) => ({
    badge: t(`card.badge.${m}`),
    state: t(`card.state.${m}`),
    live: m === 'live',
    detail,
  });
  if (s.status === 'live') return of('live', t('card.listeners', { count: s.listenerCount }));
  if (s.status === 'ended') return of('ended', s.replay ? t('card.replay') : t('card.ended'));
  if (s.status === 'cancelled') return of('cancelled', t('card.cancelled'));
  if (s.status === 'missed') return of('ended', t('card.missed'));
  if (s.scheduledFor) {
    const when = cardTime(s.scheduledFor, language);
    const reminders = s.reminderCount ? ` · ${t('card.reminders', { count: s.reminderCount })}` : '';
    return of('scheduled', `${when}${reminders}`);
  }
  return of('soon', t('card.notStarted'));
}

export function spaceMoment(
  s: SpaceCardData,
  language: Language = DEFAULT_LANGUAGE,
): { badge: string; live: boolean; detail: string } {
  const { badge, live, detail } = moment(s, language);
  return { badge, live, detail };
}

export function spaceImage(s: SpaceCardData, language: Language = DEFAULT_LANGUAGE): CardImage {
  return {
    kind: 'space',
    title: s.title,
    ...spaceMoment(s, language),
    topics: s.topics.slice(0, 3),
    host: s.host.displayName,
    handle: s.host.handle,
  };
}

export function spaceMeta(
  s: SpaceCardData,
  pageUrl: string,
  imageUrl: string,
  language: Language = DEFAULT_LANGUAGE,
): PageMeta {
  const t = translator(language);
  const { state, detail } = moment(s, language);
  const host = { name: s.host.displayName, handle: s.host.handle };
  return {
    title: `${s.title} · Earshot`,
    description: t('card.spaceDescription', { state, detail, ...host }),
    url: pageUrl,
    image: imageUrl,
    imageAlt: t('card.spaceAlt', { title: s.title, state, detail, ...host }),
    type: 'website',
    language,
  };
}

const counts = (p: ProfileCardData, language: Language) => {
  const t = translator(language);
  return `${t('card.followers', { count: p.followers })} · ${t('card.following', { count: p.following })}`;
};

export function profileImage(p: ProfileCardData, language: Language = DEFAULT_LANGUAGE): CardImage {
  return {
    kind: 'profile',
    displayName: p.displayName,
    handle: p.handle,
    bio: p.bio,
    detail: counts(p, language),
  };
}

export function profileMeta(
  p: ProfileCardData,
  pageUrl: string,
  imageUrl: string,
  language: Language = DEFAULT_LANGUAGE,
): PageMeta {
  const t = translator(language);
  const line = counts(p, language);
  return {
    title: `${p.displayName} (@${p.handle}) · Earshot`,
    description: p.bio ? `${p.bio} · ${line}` : t('card.profileDescription', { counts: line }),
    url: pageUrl,
    image: imageUrl,
    imageAlt: t('card.profileAlt', { name: p.displayName, handle: p.handle }),
    type: 'profile',
    language,
  };
}

/** Text made safe for HTML text and double- or single-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export function headTags(m: PageMeta): string {
  const tags: [string, string, string][] = [
    ['name', 'description', m.description],
    ['property', 'og:site_name', 'Earshot'],
    ['property', 'og:type', m.type],
    ['property', 'og:locale', OG_LOCALE[m.language]],
    ['property', 'og:title', m.title],
    ['property', 'og:description', m.description],
    ['property', 'og:url', m.url],
    ['property', 'og:image', m.image],
    ['property', 'og:image:type', 'image/png'],
    ['property', 'og:image:width', '1200'],
    ['property', 'og:image:height', '630'],
    ['property', 'og:image:alt', m.imageAlt],
    ['name', 'twitter:card', 'summary_large_image'],
    ['name', 'twitter:title', m.title],
    ['name', 'twitter:description', m.description],
    ['name', 'twitter:image', m.image],
    ['name', 'twitter:image:alt', m.imageAlt],
  ];
  const lines = tags.map(([attr, key, value]) => `<meta ${attr}="${key}" content="${escapeHtml(value)}" />`);
  lines.push(`<link rel="canonical" href="${escapeHtml(m.url)}" />`);
  return lines.join('\n    ');
}

/**
 * The SPA's index.html with this page's title and tags in its head (the app's own description
 * gives way). Replacements are functions: a `$&` in a title stays text.
 */
export function fillIndex(index: string, m: PageMeta): string {
  return index
    .replace(/<html lang="[^"]*"/, () => `<html lang="${m.language}"`)
    .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(m.title)}</title>`)
    .replace(/\s*<meta name="description"[^>]*>/, () => '')
    .replace('</head>', () => `  ${headTags(m)}\n  </head>`);
}
