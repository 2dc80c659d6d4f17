import type { Transcript, TranscriptSegment } from '@earshot/protocol';
import { useEffect, useState } from 'react';
import { api } from './api';

/**
 * A Space's transcript when the viewer may read it, else null (no transcript, not allowed, or an
 * error: captions are extra, never in the way of the replay). `when` = a key to fetch under, or
 * null to wait (e.g. until the recording is there).
 */
export function useTranscript(spaceId: string, when: string | null): Transcript | null {
  const [transcript, setTranscript] = useState<Transcript | null>(null);
  useEffect(() => {
    setTranscript(null);
    if (when === null) return;
    let stale = false;
    api.transcript(spaceId).then(
      (t) => stale || setTranscript(t),
      () => stale || setTranscript(null),
    );
    return () => {
      stale = true;
    };
  }, [spaceId, when]);
  return transcript;
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
