import type { Caption, Transcript, TranscriptFormat, TranscriptSegment } from '@earshot/protocol';
import { newId } from '../ids';
import { summary } from '../social/users-store';
import type { Db } from '../store/db';

export interface Segment {
  spaceId: string;
  caption: Caption;
  engine: string;
}

/** Stores final captions as segments of their Spaces' transcripts, in one insert. */
export async function saveSegments(db: Db, segments: Segment[]) {
  await db
    .insertInto('transcript_segments')
    .values(
      segments.map(({ spaceId, caption, engine }) => ({
        id: newId(),
        space_id: spaceId,
        user_id: caption.userId,
        start_ms: caption.startMs,
        end_ms: Math.max(caption.startMs, caption.endMs),
        text: caption.text,
        engine,
      })),
    )
    .execute();
}

/** The Space's transcript in time order, each segment with its speaker. */
export async function loadTranscript(
  db: Db,
  space: { id: string; title: string; startedAt: string | null },
): Promise<Transcript> {
  const rows = await db
    .selectFrom('transcript_segments as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id', 't.start_ms', 't.end_ms', 't.text', 't.engine', 'u.id as uid', 'u.handle', 'u.display_name'])
    .where('t.space_id', '=', space.id)
    .orderBy('t.start_ms')
    .orderBy('t.id')
    .execute();
  return {
    spaceId: space.id,
    title: space.title,
    startedAt: space.startedAt,
    engine: rows[0]?.engine ?? null,
    segments: rows.map((r) => ({
      id: r.id,
      speaker: summary({ id: r.uid, handle: r.handle, display_name: r.display_name }),
      startMs: r.start_ms,
      endMs: r.end_ms,
      text: r.text,
    })),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** 01:02:03.456 (WebVTT) or 01:02:03,456 (SRT). */
function timestamp(ms: number, separator: '.' | ',') {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(t % 1000, 3)}`;
}

/** A cue shows for at least a moment even if the engine timed it as an instant. */
const cueEnd = (s: TranscriptSegment) => Math.max(s.endMs, s.startMs + 500);
/** Cue text must not end the cue early (a blank line) or open a tag. */
const cueText = (text: string) =>
  text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/-->/g, '→')
    .replace(/</g, '‹')
    .replace(/>/g, '›');

export function formatTranscript(t: Transcript, format: Exclude<TranscriptFormat, 'json'>): string {
  if (format === 'vtt')
    return [
      'WEBVTT',
      '',
      ...t.segments.flatMap((s) => [
        `${timestamp(s.startMs, '.')} --> ${timestamp(cueEnd(s), '.')}`,
        `<v ${cueText(s.speaker.displayName)}>${cueText(s.text)}`,
        '',
      ]),
    ].join('\n');
  if (format === 'srt')
    return t.segments
      .flatMap((s, i) => [
        String(i + 1),
        `${timestamp(s.startMs, ',')} --> ${timestamp(cueEnd(s), ',')}`,
        `${cueText(s.speaker.displayName)}: ${cueText(s.text)}`,
        '',
      ])
      .join('\n');
  return t.segments.map((s) => `[${timestamp(s.startMs, '.')}] ${s.speaker.displayName}: ${s.text}`).join('\n');
}

/** Deletes a Space's transcript (retention, with its recording). */
export async function deleteTranscript(db: Db, spaceId: string) {
  await db.deleteFrom('transcript_segments').where('space_id', '=', spaceId).execute();
}
