import type { Caption } from '@earshot/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';

/** A final line stays this long after its last update, then fades (the fade is the last second). */
export const FINAL_MS = 6000;
/** A partial nothing replaced for this long is stale (its final was lost, or the speaker left). */
const PARTIAL_MS = 10_000;
/** Screen readers get finals in batches at most this often, so that a busy stage does not flood them. */
const ANNOUNCE_EVERY_MS = 2500;

export type CaptionLine = { caption: Caption; updated: number };
export type LiveCaptions = {
  /** Each speaker's current line. */
  byUser: Record<string, CaptionLine>;
  /** The two newest utterances, oldest first (for the subtitle strip). */
  recent: CaptionLine[];
};

const expiry = (line: CaptionLine) => line.updated + (line.caption.final ? FINAL_MS : PARTIAL_MS);

function prune(state: LiveCaptions, now: number): LiveCaptions {
  const byUser = Object.fromEntries(Object.entries(state.byUser).filter(([, line]) => expiry(line) > now));
  return { byUser, recent: state.recent.filter((line) => expiry(line) > now) };
}

function withCaption(state: LiveCaptions, caption: Caption, now: number): LiveCaptions {
  const line = { caption, updated: now };
  const current = state.byUser[caption.userId];
  // A late partial of an utterance whose final is already here changes nothing.
  if (current?.caption.id === caption.id && current.caption.final && !caption.final) return state;
  const known = state.recent.some((l) => l.caption.id === caption.id);
  const recent = known
    ? state.recent.map((l) => (l.caption.id === caption.id ? line : l))
    : [...state.recent, line].slice(-2);
  return { byUser: { ...state.byUser, [caption.userId]: line }, recent };
}

const empty: LiveCaptions = { byUser: {}, recent: [] };

/** The live captions of a Space's stage, each line replaced by newer ones and dropped when old. */
export function useLiveCaptions() {
  const [captions, setCaptions] = useState<LiveCaptions>(empty);
  const add = useCallback((caption: Caption) => setCaptions((s) => withCaption(s, caption, Date.now())), []);

  // One timer, for the next line to go.
  useEffect(() => {
    const lines = [...Object.values(captions.byUser), ...captions.recent];
    if (lines.length === 0) return;
    const next = Math.min(...lines.map(expiry));
    const timer = setTimeout(() => setCaptions((s) => prune(s, Date.now())), Math.max(0, next - Date.now()) + 20);
    return () => clearTimeout(timer);
  }, [captions]);

  return { captions, add };
}

/**
 * Final captions for a polite live region: "Ada: hello there". Lines that come close together are
 * read as one batch, and what waits is capped, so a screen reader is never far behind the room.
 */
export function useCaptionAnnouncer() {
  const [text, setText] = useState('');
  const queue = useRef<string[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastAt = useRef(0);

  const flush = useCallback(() => {
    timer.current = undefined;
    if (queue.current.length === 0) return;
    lastAt.current = Date.now();
    setText(queue.current.join(' '));
    queue.current = [];
  }, []);

  const announce = useCallback(
    (line: string) => {
      queue.current = [...queue.current, line].slice(-3);
      if (timer.current) return;
      const wait = Math.max(0, lastAt.current + ANNOUNCE_EVERY_MS - Date.now());
      timer.current = setTimeout(flush, wait);
    },
    [flush],
  );

  useEffect(() => () => clearTimeout(timer.current), []);
  return { text, announce };
}
