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

/** A day, e.g. "12 March 2025", for dates such as "Kept until …". */
export function dayDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleDateString(undefined, { dateStyle: 'long' });
}

/** A position in audio: "0:07", "12:30", "1:02:03". */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The same for screen readers: "1 minute 5 seconds". */
export function spokenDuration(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const parts: string[] = [];
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s || parts.length === 0) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** "820 KB", "12.4 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
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
  return title ? `“${title}”` : 'your Space';
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
    case 'recording_ready':
      return `The recording of ${spaceName(n)} is ready`;
    case 'report_decided': {
      if (field(n, 'verdict') !== 'violation') return `A moderator found no violation in ${spaceName(n)}`;
      const reason = field(n, 'reason');
      return `A moderator found a violation in ${spaceName(n)}${reason ? `: ${reason}` : ''}. You can appeal.`;
    }
    case 'appeal_decided':
      return field(n, 'verdict') === 'violation'
        ? `Your appeal about ${spaceName(n)} was turned down: the violation stands`
        : `Your appeal about ${spaceName(n)} was accepted: the violation is overturned`;
    case 'space_started':
      return `${who} started ${spaceName(n)}: join now`;
    case 'space_live':
      return `${who} is live: ${spaceName(n)}`;
    case 'space_rescheduled': {
      const at = field(n, 'scheduledFor');
      return `${who} moved ${spaceName(n)}${at ? ` to ${fullDate(at)}` : ''}`;
    }
    case 'space_cancelled':
      return `${who} cancelled ${spaceName(n)}`;
    case 'space_starting_soon':
      return `${spaceName(n)} starts soon: get ready to start it`;
    case 'space_due':
      return `It is time to start ${spaceName(n)}`;
    default:
      return `${who} did something`;
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
  return date.toLocaleString(undefined, {
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
