import type { Notification } from '@earshot/protocol';

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0] ?? '?'];
  return (
    letters
      .map((w) => [...(w ?? '')][0] ?? '')
      .join('')
      .toUpperCase() || '?'
  );
}

/** A stable hue per handle; dark enough for white text (WCAG AA). */
export function avatarColor(handle: string): string {
  let hash = 0;
  for (const ch of handle.toLowerCase()) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return `hsl(${hash % 360} 60% 36%)`;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (!Number.isFinite(seconds)) return '';
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

export function fullDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

function textOf(n: Notification): string {
  return typeof n.data.text === 'string' ? n.data.text : '';
}

/** "Ada followed you", "Ada sent you a message: …". */
export function notificationText(n: Notification): string {
  const who = n.actor?.displayName ?? 'Someone';
  switch (n.kind) {
    case 'follow':
      return `${who} followed you`;
    case 'dm': {
      const text = textOf(n);
      return text ? `${who} sent you a message: ${text}` : `${who} sent you a message`;
    }
    case 'space_invite': {
      const title = typeof n.data.title === 'string' ? n.data.title : '';
      const role = n.data.role === 'cohost' ? 'co-host' : 'speak in';
      return title ? `${who} invited you to ${role} “${title}”` : `${who} invited you to ${role} a Space`;
    }
    default:
      return `${who} did something`;
  }
}

/** Where a notification leads, if anywhere. */
export function notificationHref(n: Notification): string | null {
  if (n.kind === 'space_invite' && typeof n.data.spaceId === 'string') return `/spaces/${n.data.spaceId}`;
  if (!n.actor) return null;
  if (n.kind === 'dm') return `/messages/${n.actor.handle}`;
  return `/u/${n.actor.handle}`;
}
