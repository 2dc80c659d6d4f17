import { z } from 'zod';
import { UserSummary } from './social';

/** recording: the Space is live and being recorded; processing: the mixdown is being made. */
export const RecordingStatus = z.enum(['recording', 'processing', 'ready', 'failed']);
export const RecordingFormat = z.enum(['opus', 'm4a']);

/** Someone on stage talking, from `startMs` to `endMs` into the recording. */
export const SpeakerTurn = z.object({ user: UserSummary, startMs: z.number().int(), endMs: z.number().int() });

/** GET /api/spaces/:id/recording/info */
export const Recording = z.object({
  spaceId: z.string(),
  title: z.string(),
  host: UserSummary,
  status: RecordingStatus,
  /** Length of the Space (its mixdown), once ended. */
  durationMs: z.number().int().nullable(),
  /** Anyone may play it (the host's choice). */
  public: z.boolean(),
  /** The day it is deleted; end + 30 days, or + 90 after an upheld report. Null while live. */
  retainUntil: z.string().nullable(),
  /** Audio URLs by format once ready: `/api/spaces/:id/recording?format=opus|m4a` (Range supported). */
  audio: z.object({ opus: z.string(), m4a: z.string() }).nullable(),
  /** Byte size of each file once ready. */
  sizes: z.object({ opus: z.number().int(), m4a: z.number().int() }).nullable(),
  turns: z.array(SpeakerTurn),
  /** What the viewer may do: download (host, moderators) and make public (host). */
  canDownload: z.boolean(),
  /** The host, moderators and everyone who spoke (or anyone, once the replay is public). */
  canReadTranscript: z.boolean(),
  canPublish: z.boolean(),
});

export const RecordingQuery = z.strictObject({
  format: RecordingFormat.default('opus'),
  /** 1 = sent as an attachment (a download) rather than for playing. */
  download: z.enum(['0', '1']).optional(),
});
export const UpdateRecordingBody = z.strictObject({ public: z.boolean() });

export type RecordingStatus = z.infer<typeof RecordingStatus>;
export type RecordingFormat = z.infer<typeof RecordingFormat>;
export type SpeakerTurn = z.infer<typeof SpeakerTurn>;
export type Recording = z.infer<typeof Recording>;
