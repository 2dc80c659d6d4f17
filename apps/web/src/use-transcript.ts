import type { Transcript, TranscriptSegment } from '@earshot/protocol';
import { api } from './api';
import { useLoad } from './use-load';

/**
 * A Space's transcript when the viewer may read it, else null (no transcript, not allowed, or an
 * error: captions are extra, never in the way of the replay). `when` = a key to fetch under, or
 * null to wait (e.g. until the recording is there).
 */
export function useTranscript(spaceId: string, when: string | null): Transcript | null {
  const load = useLoad(`${spaceId}:${when}`, () => (when === null ? Promise.resolve(null) : api.transcript(spaceId)));
  return load.state === 'ready' ? load.data : null;
}

/** The segment being said at `ms` (held a moment after its end, so that short gaps do not blink). */
export function segmentAt(segments: TranscriptSegment[], ms: number, holdMs = 800): TranscriptSegment | null {
  let found: TranscriptSegment | null = null;
  for (const s of segments) {
    if (s.startMs > ms) break;
    if (ms < s.endMs + holdMs) found = s;
  }
  return found;
}
