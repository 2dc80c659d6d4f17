import type { Notification } from '@earshot/protocol';
import { i18n, intlLocale } from './i18n';

const t = i18n.t;

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
  // Dark enough for white initials on every hue (at least 4.5:1, yellow included).
  return `hsl(${hash % 360} 60% 28%)`;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];
// Every date and number below is written for the app's language (intlLocale), not the system's.

export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (!Number.isFinite(seconds)) return '';
  const relative = new Intl.RelativeTimeFormat(intlLocale(), { numeric: 'auto', style: 'short' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return t('time.justNow');
}

export function fullDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(intlLocale());
}

/** A day, e.g. "12 March 2025", for dates such as "Kept until …". */
export function dayDate(iso: string, style: 'long' | 'medium' = 'long'): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleDateString(intlLocale(), { dateStyle: style });
}

/** A number as the reader writes it: "1,234" or "1.234". */
export const number = (n: number, options?: Intl.NumberFormatOptions) =>
  new Intl.NumberFormat(intlLocale(), options).format(n);

/** A position in audio: "0:07", "12:30", "1:02:03". */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The same for screen readers: "1 minute 5 seconds", "1 uur, 5 minuten". */
export function spokenDuration(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const parts: string[] = [];
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const unit = (value: number, name: 'hour' | 'minute' | 'second') =>
    number(value, { style: 'unit', unit: name, unitDisplay: 'long' });
  if (h) parts.push(unit(h, 'hour'));
  if (m) parts.push(unit(m, 'minute'));
  if (s || parts.length === 0) parts.push(unit(s, 'second'));
  return new Intl.ListFormat(intlLocale(), { style: 'narrow', type: 'unit' }).format(parts);
}

/** "820 KB", "12.4 MB" ("12,4 MB" in Dutch and Spanish). */
export function fileSize(bytes: number): string {
  const fixed = (n: number, digits: number) =>
    number(n, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (bytes < 1000) return `${number(bytes)} B`;
  if (bytes < 1_000_000) return `${number(Math.round(bytes / 1000))} KB`;
  if (bytes < 1_000_000_000) return `${fixed(bytes / 1_000_000, 1)} MB`;
  return `${fixed(bytes / 1_000_000_000, 2)} GB`;
}

function textOf(n: Notification): string {
  return typeof n.data.text === 'string' ? n.data.text : '';
}

function field(n: Notification, key: string): string {
  const value = n.data[key];
  return typeof value === 'string' ? value : '';
}

/** “Title” or "your Space" when the notification lacks it. */
function spaceName(n: Notification): string {
  const title = field(n, 'title');
  return title ? t('notification.quoted', { title }) : t('notification.yourSpace');
}

/** "Ada followed you", "Ada sent you a message: …", in the app's language. */
export function notificationText(n: Notification): string {
  const who = n.actor?.displayName ?? t('notification.someone');
  const space = spaceName(n);
  switch (n.kind) {
    case 'follow':
      return t('notification.follow', { who });
    case 'dm': {
      const text = textOf(n);
      return text ? t('notification.dmText', { who, text }) : t('notification.dm', { who });
    }
    case 'space_invite': {
      const title = field(n, 'title');
      const cohost = n.data.role === 'cohost';
      if (!title)
        return cohost ? t('notification.inviteCohostSpace', { who }) : t('notification.inviteSpeakSpace', { who });
      return cohost ? t('notification.inviteCohost', { who, title }) : t('notification.inviteSpeak', { who, title });
    }
    case 'recording_ready':
      return t('notification.recordingReady', { space });
    case 'report_decided': {
      if (field(n, 'verdict') !== 'violation') return t('notification.noViolation', { space });
      const reason = field(n, 'reason');
      return reason ? t('notification.violationReason', { space, reason }) : t('notification.violation', { space });
    }
    case 'appeal_decided':
      return field(n, 'verdict') === 'violation'
        ? t('notification.appealDenied', { space })
        : t('notification.appealAccepted', { space });
    case 'space_started':
      return t('notification.started', { who, space });
    case 'space_live':
      return t('notification.live', { who, space });
    case 'space_rescheduled': {
      const at = field(n, 'scheduledFor');
      return at ? t('notification.movedTo', { who, space, at: fullDate(at) }) : t('notification.moved', { who, space });
    }
    case 'space_cancelled':
      return t('notification.cancelled', { who, space });
    case 'space_starting_soon':
      return t('notification.startingSoon', { space });
    case 'space_due':
      return t('notification.due', { space });
    default:
      return t('notification.other', { who });
  }
}

const SPACE_KINDS = new Set<Notification['kind']>([
  'space_invite',
  'recording_ready',
  'space_started',
  'space_live',
  'space_rescheduled',
  'space_cancelled',
  'space_starting_soon',
  'space_due',
]);

/** Where a notification leads, if anywhere. */
export function notificationHref(n: Notification): string | null {
  if (SPACE_KINDS.has(n.kind) && field(n, 'spaceId')) return `/spaces/${field(n, 'spaceId')}`;
  if (n.kind === 'report_decided')
    return field(n, 'verdict') === 'violation' || !field(n, 'spaceId') ? '/reports' : `/spaces/${field(n, 'spaceId')}`;
  if (n.kind === 'appeal_decided') return '/reports';
  if (!n.actor) return null;
  if (n.kind === 'dm') return `/messages/${n.actor.handle}`;
  return `/u/${n.actor.handle}`;
}

/** When a scheduled Space starts, e.g. "Tue, 9 Dec, 18:00", in the reader's zone. */
export function scheduleDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleString(intlLocale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A Date as the value of an <input type="datetime-local"> (local time, to the minute). */
export function localInputValue(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** An <input type="datetime-local"> value (local time) as ISO 8601 in UTC; '' when empty or invalid. */
export function fromLocalInput(value: string): string {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
}
