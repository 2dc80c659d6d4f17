import { ErrorCode } from '@earshot/protocol';
import type { Role } from '../spaces/rules';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Copies are kept this long after the Space ends, or longer after an upheld report (so it can be appealed). */
export const RETAIN_DAYS = 30;
export const RETAIN_DAYS_AFTER_VIOLATION = 90;

/** The day a recording is deleted: end + 30 days, or end + 90 days while a violation stands. */
export function retainUntil(endedAt: Date, violation: boolean): Date {
  return new Date(endedAt.getTime() + (violation ? RETAIN_DAYS_AFTER_VIOLATION : RETAIN_DAYS) * DAY_MS);
}

/**
 * info: see the recording (status, turns); download: fetch the audio as a file; play: stream it;
 * publish: make it public; transcript: read the captions' transcript (the host's even while live).
 */
export type RecordingAction = 'info' | 'play' | 'download' | 'publish' | 'transcript';

export interface RecordingContext {
  /** The viewer's role in the Space (as its room state ended), from spaces/rules `roleOf`. */
  role: Role;
  moderator: boolean;
  /** The viewer was on stage and recorded (a track of theirs): they may read the transcript and its status. */
  spoke: boolean;
  recording: { status: string; public: boolean; retainUntil: Date | null } | null;
  now: Date;
}

export type RecordingVerdict = { ok: true } | { ok: false; status: number; code: string; message: string };

const no = (status: number, code: string, message: string): RecordingVerdict => ({ ok: false, status, code, message });

/** Who may see, play, download or publish a Space's recording. The one place this is decided. */
export function decideRecording(action: RecordingAction, ctx: RecordingContext): RecordingVerdict {
  const { role, moderator, spoke, recording, now } = ctx;
  // Expired recordings are gone for everyone, as if never made.
  if (!recording || (recording.retainUntil && recording.retainUntil <= now))
    return no(404, ErrorCode.notFound, 'this Space has no recording');
  const owner = role === 'host';
  // A ticketed Space's replay is for the people its rules let in (spaces/rules roleOf).
  if (role === 'unticketed' && !moderator && recording.public)
    return no(403, 'ticket_required', 'this Space was ticketed: only ticket holders can hear its recording');
  const isPublic = recording.public && recording.status === 'ready' && role !== 'blocked' && role !== 'unticketed';
  // Everyone who spoke reads what was said while it is kept (not if the host removed or blocked them since).
  const participant =
    spoke && role !== 'removed' && role !== 'blocked' && (action === 'info' || action === 'transcript');
  const mayHear =
    owner ||
    moderator ||
    participant ||
    ((action === 'info' || action === 'play' || action === 'transcript') && isPublic);
  if (action === 'publish' ? !owner : !mayHear) {
    if (role === 'anonymous') return no(401, ErrorCode.unauthenticated, 'sign in to reach this recording');
    // Not public and not yours: say it does not exist rather than that it is hidden.
    if (action !== 'publish' && !recording.public) return no(404, ErrorCode.notFound, 'this Space has no recording');
    return no(
      403,
      ErrorCode.forbidden,
      action === 'publish'
        ? 'only the host can publish the recording'
        : action === 'transcript'
          ? 'only the host and the speakers can read the transcript'
          : 'only the host can download the recording',
    );
  }
  if (action !== 'info' && action !== 'transcript' && recording.status !== 'ready')
    return no(
      409,
      ErrorCode.conflict,
      recording.status === 'failed' ? 'the recording could not be made' : 'the recording is not ready yet',
    );
  return { ok: true };
}
