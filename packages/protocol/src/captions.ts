import { z } from 'zod';
import { UserSummary } from './social';

/**
 * One utterance of one speaker, live. Partials (`final: false`) are replaced by later ones with the
 * same `id`, and finally by the final text. Times are milliseconds since the Space started.
 * Sent on GET /api/spaces/:id/live as `{ type: 'caption', caption }`; not sequenced, not replayed.
 */
export const Caption = z.object({
  id: z.string(),
  userId: z.string(),
  text: z.string(),
  final: z.boolean(),
  startMs: z.number().int(),
  endMs: z.number().int(),
});
export type Caption = z.infer<typeof Caption>;

/** A final caption as stored: the Space's transcript. */
export const TranscriptSegment = z.object({
  id: z.string(),
  speaker: UserSummary,
  startMs: z.number().int(),
  endMs: z.number().int(),
  text: z.string(),
});
export type TranscriptSegment = z.infer<typeof TranscriptSegment>;

/** GET /api/spaces/:id/transcript (format=json): the host's, and everyone's once the replay is public. */
export const Transcript = z.object({
  spaceId: z.string(),
  title: z.string(),
  startedAt: z.string().nullable(),
  /** Which speech engine made it (e.g. "pocketsphinx", "sherpa-onnx"); null if none ran. */
  engine: z.string().nullable(),
  segments: z.array(TranscriptSegment),
});
export type Transcript = z.infer<typeof Transcript>;

export const TranscriptFormat = z.enum(['json', 'vtt', 'srt', 'txt']);
export type TranscriptFormat = z.infer<typeof TranscriptFormat>;
export const TranscriptQuery = z.strictObject({
  format: TranscriptFormat.default('json'),
  /** 1 = sent as an attachment (a download). */
  download: z.enum(['0', '1']).optional(),
});

/** GET /api/captions: whether this server can caption at all, and with what. */
export const CaptionsInfo = z.object({
  /** The running engine, or null when captions are off or unavailable on this server. */
  engine: z.string().nullable(),
  /** Why there is no engine (e.g. "install pocketsphinx …"), for hosts who turn captions on. */
  problem: z.string().nullable(),
});
export type CaptionsInfo = z.infer<typeof CaptionsInfo>;
