/**
 * Share cards: what a link preview (Open Graph, Twitter card) shows for a Space or a profile.
 * Pure functions from plain data to text; routes.ts gathers the data, renderer.ts draws the PNG.
 */

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
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "Tue, 8 Dec 2026, 18:00 UTC": a crawler has no time zone, so the card says which one. */
export function cardTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const text = new Intl.DateTimeFormat('en-GB', {
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
export function spaceMoment(s: SpaceCardData): { badge: string; live: boolean; detail: string } {
  if (s.status === 'live') return { badge: 'LIVE', live: true, detail: `${plural(s.listenerCount, 'listener')}` };
  if (s.status === 'ended')
    return { badge: 'ENDED', live: false, detail: s.replay ? 'Replay available' : 'This Space has ended' };
  if (s.status === 'cancelled') return { badge: 'CANCELLED', live: false, detail: 'This Space was cancelled' };
  if (s.status === 'missed') return { badge: 'ENDED', live: false, detail: 'This Space did not start' };
  if (s.scheduledFor) {
    const when = cardTime(s.scheduledFor);
    const reminders = s.reminderCount ? ` · ${plural(s.reminderCount, 'reminder')} set` : '';
    return { badge: 'SCHEDULED', live: false, detail: `${when}${reminders}` };
  }
  return { badge: 'STARTING SOON', live: false, detail: 'Not started yet' };
}

export function spaceImage(s: SpaceCardData): CardImage {
  return {
    kind: 'space',
    title: s.title,
    ...spaceMoment(s),
    topics: s.topics.slice(0, 3),
    host: s.host.displayName,
    handle: s.host.handle,
  };
}

export function spaceMeta(s: SpaceCardData, pageUrl: string, imageUrl: string): PageMeta {
  const { badge, detail } = spaceMoment(s);
  const state = badge === 'LIVE' ? 'Live now' : badge.charAt(0) + badge.slice(1).toLowerCase();
  return {
    title: `${s.title} · Earshot`,
    description: `${state} · hosted by ${s.host.displayName} (@${s.host.handle}) · ${detail}`,
    url: pageUrl,
    image: imageUrl,
    imageAlt: `${s.title}: a Space hosted by ${s.host.displayName}. ${state}, ${detail}.`,
    type: 'website',
  };
}

export function profileImage(p: ProfileCardData): CardImage {
  return {
    kind: 'profile',
    displayName: p.displayName,
    handle: p.handle,
    bio: p.bio,
    detail: `${plural(p.followers, 'follower')} · ${p.following.toLocaleString('en-US')} following`,
  };
}

export function profileMeta(p: ProfileCardData, pageUrl: string, imageUrl: string): PageMeta {
  const counts = `${plural(p.followers, 'follower')} · ${p.following.toLocaleString('en-US')} following`;
  return {
    title: `${p.displayName} (@${p.handle}) · Earshot`,
    description: p.bio ? `${p.bio} · ${counts}` : `Live audio Spaces on Earshot · ${counts}`,
    url: pageUrl,
    image: imageUrl,
    imageAlt: `${p.displayName} (@${p.handle}) on Earshot`,
    type: 'profile',
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
    .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(m.title)}</title>`)
    .replace(/\s*<meta name="description"[^>]*>/, () => '')
    .replace('</head>', () => `  ${headTags(m)}\n  </head>`);
}
