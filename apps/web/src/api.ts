import type { Language } from '@earshot/i18n';
import type {
  ApiToken,
  CaptionsInfo,
  CommandArgsOf,
  CommandName,
  Conversation,
  Earnings,
  Eligibility,
  ErrorBody,
  LedgerStatement,
  Me,
  Message,
  Notification,
  Page,
  Post,
  Profile,
  Recording,
  Report,
  RoomState,
  SpaceSummary,
  SpeakerPolicy,
  Ticket,
  TicketingInput,
  TicketingView,
  Transcript,
  TranscriptFormat,
  User,
  UserSummary,
  Verdict,
} from '@earshot/protocol';
import { i18n } from './i18n';

/** GET /api/spaces/:id and the live socket's snapshot. */
export type SpaceView = {
  seq: number;
  space: RoomState;
  ticketing: TicketingView | null;
  listenerCount: number;
  listeners: UserSummary[];
  reminderCount: number;
  youHaveReminder: boolean;
};
export type NewSpace = {
  title: string;
  topics: string[];
  speakerPolicy: SpeakerPolicy;
  captions: boolean;
  ticketing?: TicketingInput;
  /** ISO 8601: makes it a scheduled Space. */
  scheduledFor?: string;
};
export type SpaceEdit = Partial<Omit<NewSpace, 'scheduledFor' | 'ticketing'>> & { scheduledFor?: string };
export type Reminders = { reminderCount: number; youHaveReminder: boolean };

/** Every failed API call throws this; `message` is written for people and safe to show. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/**
 * Codes whose meaning is the whole message: these are shown in the app's language. Other errors
 * carry the server's own (English) words, which say more than a code could.
 */
const SAID_BY_CODE = [
  'invalid_credentials',
  'handle_taken',
  'rate_limited',
  'suspended',
  'unauthenticated',
  'body_too_large',
  'internal',
] as const;
const saidByCode = (code: string): code is (typeof SAID_BY_CODE)[number] =>
  (SAID_BY_CODE as readonly string[]).includes(code);

function messageOf(status: number, statusText: string, error: Partial<ErrorBody['error']> | undefined): string {
  const code = error?.code ?? '';
  if (saidByCode(code)) {
    const text = i18n.t(`errors.code.${code}`);
    return error?.retryAfter ? `${text} ${i18n.t('errors.retryIn', { count: error.retryAfter })}` : text;
  }
  return error?.message ?? i18n.t('errors.http', { status: `${status} ${statusText}`.trim() });
}

/** The message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return i18n.t('errors.unknown');
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | undefined>;

export async function request<T>(method: Method, path: string, body?: unknown, query?: Query): Promise<T> {
  let url = `/api${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      // A file (a profile picture) goes as itself, with its own type.
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': body instanceof Blob ? body.type : 'application/json' },
      body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = (data as Partial<ErrorBody> | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      messageOf(response.status, response.statusText, error),
    );
  }
  return data as T;
}

const enc = encodeURIComponent;
export type PageParams = { cursor?: string | undefined; limit?: number | undefined };

export const api = {
  // Accounts
  signup: (body: { handle: string; displayName: string; password: string }) =>
    request<{ user: User }>('POST', '/auth/signup', body),
  login: (body: { handle: string; password: string }) => request<{ user: User }>('POST', '/auth/login', body),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<{ user: Me }>('GET', '/me'),
  updateMe: (body: { displayName?: string; bio?: string; language?: Language }) =>
    request<{ user: User }>('PATCH', '/me', body),
  createToken: (body: { name?: string; expiresInDays?: number }) =>
    request<{ token: string; id: string; name: string; expiresAt: string | null }>('POST', '/tokens', body),
  tokens: () => request<{ items: ApiToken[] }>('GET', '/tokens'),
  revokeToken: (id: string) => request<void>('DELETE', `/tokens/${enc(id)}`),

  // Social graph
  profile: (handle: string) => request<Profile>('GET', `/users/${enc(handle)}`),
  setFollow: (handle: string, follow: boolean) =>
    request<Profile>(follow ? 'PUT' : 'DELETE', `/users/${enc(handle)}/follow`),
  setBlock: (handle: string, block: boolean) =>
    request<Profile>(block ? 'PUT' : 'DELETE', `/users/${enc(handle)}/block`),
  followers: (handle: string, page: PageParams = {}) =>
    request<Page<UserSummary>>('GET', `/users/${enc(handle)}/followers`, undefined, page),
  following: (handle: string, page: PageParams = {}) =>
    request<Page<UserSummary>>('GET', `/users/${enc(handle)}/following`, undefined, page),

  // Posts
  createPost: (text: string) => request<{ post: Post }>('POST', '/posts', { text }),
  post: (id: string) => request<{ post: Post }>('GET', `/posts/${enc(id)}`),
  uploadAvatar: (file: Blob) => request<{ user: User }>('PUT', '/me/avatar', file),
  removeAvatar: () => request<{ user: User }>('DELETE', '/me/avatar'),
  timeline: (page: PageParams = {}) => request<Page<Post>>('GET', '/timeline', undefined, page),
  userPosts: (handle: string, page: PageParams = {}) =>
    request<Page<Post>>('GET', `/users/${enc(handle)}/posts`, undefined, page),

  // Direct messages
  conversations: () => request<{ items: Conversation[] }>('GET', '/dms'),
  /** Newest first; also marks the conversation read. */
  messages: (handle: string, page: PageParams = {}) =>
    request<Page<Message>>('GET', `/dms/${enc(handle)}`, undefined, page),
  sendMessage: (handle: string, text: string) => request<{ message: Message }>('POST', `/dms/${enc(handle)}`, { text }),

  // Notifications
  notifications: (page: PageParams = {}) =>
    request<Page<Notification> & { unread: number }>('GET', '/notifications', undefined, page),
  markNotificationsRead: () => request<void>('POST', '/notifications/read'),

  // Spaces
  liveSpaces: (q?: string) =>
    request<{ items: SpaceSummary[] }>('GET', '/spaces', undefined, { state: 'live', q: q || undefined }),
  /** Scheduled Spaces: people I follow first, then the soonest; `host` = one person's. */
  upcomingSpaces: (q?: string, host?: string) =>
    request<{ items: SpaceSummary[] }>('GET', '/spaces', undefined, {
      state: 'scheduled',
      q: q || undefined,
      host: host || undefined,
    }),
  /** PATCH: details of a Space not started yet; a new scheduledFor reschedules it. */
  editSpace: (id: string, body: SpaceEdit) => request<{ seq: number }>('PATCH', `/spaces/${enc(id)}`, body),
  setReminder: (id: string, on: boolean) => request<Reminders>(on ? 'PUT' : 'DELETE', `/spaces/${enc(id)}/reminder`),
  /** Live Spaces that people I follow host or speak in; signed-in only. */
  bubbles: () => request<{ items: SpaceSummary[] }>('GET', '/spaces/bubbles'),
  space: (id: string) => request<SpaceView>('GET', `/spaces/${enc(id)}`),
  createSpace: (body: NewSpace) => request<{ space: SpaceSummary; seq: number }>('POST', '/spaces', body),
  /** Any command on a Space: POST /api/spaces/:id/<name> with its arguments. */
  spaceCommand: <N extends CommandName>(id: string, name: N, args: CommandArgsOf<N>) =>
    request<{ seq: number }>('POST', `/spaces/${enc(id)}/${name}`, args),

  // Tickets
  /** Ledger: `{ticket}` at once; Stripe: `{checkoutUrl}` to go and pay. */
  buyTicket: (spaceId: string) =>
    request<{ ticket: Ticket } | { checkoutUrl: string }>('POST', `/spaces/${enc(spaceId)}/tickets`),
  myTickets: () => request<{ items: Ticket[] }>('GET', '/me/tickets'),
  earnings: () => request<Earnings>('GET', '/me/earnings'),
  ledger: () => request<LedgerStatement>('GET', '/me/ledger'),
  eligibility: () => request<Eligibility>('GET', '/me/ticketing'),

  // Recordings
  recording: (spaceId: string) => request<Recording>('GET', `/spaces/${enc(spaceId)}/recording/info`),
  setRecordingPublic: (spaceId: string, isPublic: boolean) =>
    request<Recording>('PATCH', `/spaces/${enc(spaceId)}/recording`, { public: isPublic }),

  // Captions
  /** Whether this server can caption at all (engine null: `problem` says why). */
  captionsInfo: () => request<CaptionsInfo>('GET', '/captions'),
  /** The Space's stored transcript (404/401 when the viewer may not read it, like the recording). */
  transcript: (spaceId: string) =>
    request<Transcript>('GET', `/spaces/${enc(spaceId)}/transcript`, undefined, { format: 'json' }),

  // Safety: moderators' queue, and the accountable person's side
  moderationReports: (status: ReportQueue, page: PageParams = {}) =>
    request<Page<Report>>('GET', '/moderation/reports', undefined, { status, ...page }),
  moderationReport: (id: string) => request<ReportBody>('GET', `/moderation/reports/${enc(id)}`).then(asReport),
  decide: (id: string, body: { verdict: Verdict; reason: string; suspend: boolean }) =>
    request<ReportBody>('POST', `/moderation/reports/${enc(id)}/decision`, body).then(asReport),
  myReports: () => request<{ items: Report[] }>('GET', '/me/reports'),
  appeal: (id: string, statement: string) =>
    request<ReportBody>('POST', `/reports/${enc(id)}/appeal`, { statement }).then(asReport),
};

export type ReportQueue = 'open' | 'appealed' | 'decided' | 'all';

/** One report comes bare or as `{ report }`; both are taken. */
type ReportBody = Report | { report: Report };
const asReport = (body: ReportBody): Report => ('report' in body ? body.report : body);

/** A recording's audio URL made to come as an attachment (a download) instead of for playing. */
export function downloadUrl(audioUrl: string): string {
  return `${audioUrl}${audioUrl.includes('?') ? '&' : '?'}download=1`;
}

/** A transcript file as a download (WebVTT, SRT or plain text). */
/** The Space's calendar entry (.ics), as a download. */
export const calendarUrl = (spaceId: string) => `/api/spaces/${enc(spaceId)}/calendar.ics`;

export function transcriptUrl(spaceId: string, format: Exclude<TranscriptFormat, 'json'>, download = true): string {
  return `/api/spaces/${enc(spaceId)}/transcript?format=${format}${download ? '&download=1' : ''}`;
}

export const sameHandle = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
