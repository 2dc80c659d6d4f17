import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Recording, RoomEvent, RoomState } from '@earshot/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { deleteTranscript } from '../captions/transcript';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Viewer } from '../http/auth';
import { AppError } from '../http/errors';
import { enqueue, type JobHandler, type JobRunner } from '../jobs/jobs';
import { hasStandingViolation } from '../safety/store';
import type { Notifier } from '../social/notifications';
import { summary } from '../social/users-store';
import { type Admission, roleOf } from '../spaces/rules';
import { blockedByHost, loadRoom } from '../spaces/store';
import type { Db } from '../store/db';
import { mixdown } from './mixdown';
import type { Recorder } from './recorder';
import { decideRecording, type RecordingAction, retainUntil } from './rules';
import { turnsFrom } from './turns';

const HOUR_MS = 60 * 60_000;

export const MIXDOWN_JOB = 'mixdown';
export const RETENTION_JOB = 'retention';

/** The mixdown's files, in the Space's folder beside its tracks. */
export const mixFile = (dir: string, spaceId: string, format: 'opus' | 'm4a') =>
  path.join(dir, spaceId, format === 'opus' ? 'recording.ogg' : 'recording.m4a');

/**
 * A Space's recording from start to deletion: a row when it goes live, a mixdown job when it
 * ends (in the same transaction as the end, so a crash cannot lose it), "recording ready", who
 * may see or download it, and the retention sweep that deletes expired ones, files and rows.
 */
export interface RecordingDeps {
  /** What tickets/ says of a viewer of a ticketed Space (spaces/rules roleOf places them with it). */
  admission: (exec: Db, spaceId: string, userId: string | null) => Promise<Admission>;
  db: Db;
  config: Config;
  clock: Clock;
  notifier: Notifier;
  recorder: Recorder;
  log: FastifyBaseLogger;
  /** Where this capability registers its job kinds. */
  jobs: Pick<JobRunner, 'register'>;
}

export function createRecordingService({ db, config, clock, notifier, recorder, admission, log, jobs }: RecordingDeps) {
  const dir = recorder.dir;

  /** Called by the Space's command path, inside its transaction, when the status changes. */
  async function statusChanged(tx: Db, spaceId: string, status: RoomState['status']) {
    if (status === 'live')
      await tx
        .insertInto('recordings')
        .values({ space_id: spaceId, status: 'recording' })
        .onConflict((oc) => oc.column('space_id').doNothing())
        .execute();
    if (status === 'ended') {
      await tx
        .insertInto('recordings')
        .values({ space_id: spaceId, status: 'processing' })
        .onConflict((oc) => oc.column('space_id').doUpdateSet({ status: 'processing' }))
        .execute();
      await enqueue(tx, { kind: MIXDOWN_JOB, key: `mixdown:${spaceId}`, payload: { spaceId }, runAt: clock.now() });
    }
  }

  const mixdownJob: JobHandler = {
    leaseMs: 10 * 60_000,
    async run(payload) {
      const { spaceId } = payload as { spaceId: string };
      // The tracks this node wrote must be complete first (the room closes on the end event).
      await recorder.settled(spaceId);
      const space = await db
        .selectFrom('spaces')
        .select(['title', 'host_id', 'started_at', 'ended_at'])
        .where('id', '=', spaceId)
        .executeTakeFirst();
      if (!space?.ended_at) return undefined; // deleted since
      const endedAt = space.ended_at;
      const startedAt = space.started_at ?? endedAt;
      const durationMs = Math.max(0, endedAt.getTime() - startedAt.getTime());
      const tracks = await db
        .selectFrom('recording_tracks')
        .select(['file', 'offset_ms'])
        .where('space_id', '=', spaceId)
        .orderBy('offset_ms')
        .execute();
      const started = performance.now();
      const sizes = await mixdown({
        tracks: tracks.map((t) => ({ file: path.join(dir, t.file), offsetMs: t.offset_ms })),
        durationMs,
        opusFile: mixFile(dir, spaceId, 'opus'),
        m4aFile: mixFile(dir, spaceId, 'm4a'),
        ffmpeg: config.FFMPEG_PATH,
      });
      // Under the recording's row lock, so a decision landing now cannot be overwritten.
      await db.transaction().execute(async (tx) => {
        await tx.selectFrom('recordings').select('space_id').where('space_id', '=', spaceId).forUpdate().execute();
        await tx
          .updateTable('recordings')
          .set({
            status: 'ready',
            duration_ms: durationMs,
            opus_bytes: sizes.opusBytes,
            m4a_bytes: sizes.m4aBytes,
            retain_until: retainUntil(endedAt, await hasStandingViolation(tx, spaceId)),
            ready_at: clock.now(),
            error: null,
          })
          .where('space_id', '=', spaceId)
          .execute();
      });
      log.info(
        { spaceId, tracks: tracks.length, durationMs, ms: Math.round(performance.now() - started) },
        'recording ready',
      );
      await notifier.notify({
        userId: space.host_id,
        kind: 'recording_ready',
        actorId: null,
        data: { spaceId, title: space.title },
      });
      return undefined;
    },
    async gaveUp(payload, error) {
      const { spaceId } = payload as { spaceId: string };
      const space = await db.selectFrom('spaces').select('ended_at').where('id', '=', spaceId).executeTakeFirst();
      const violation = await hasStandingViolation(db, spaceId);
      await db
        .updateTable('recordings')
        .set({ status: 'failed', error, retain_until: retainUntil(space?.ended_at ?? clock.now(), violation) })
        .where('space_id', '=', spaceId)
        .execute();
    },
  };

  /** Deletes every recording (and transcript) whose retention has passed, files first, then rows; runs hourly. */
  const retentionJob: JobHandler = {
    async run() {
      const now = clock.now();
      const expired = await db.selectFrom('recordings').select('space_id').where('retain_until', '<=', now).execute();
      for (const { space_id } of expired) {
        await rm(path.join(dir, space_id), { recursive: true, force: true });
        await db.transaction().execute(async (tx) => {
          await tx.deleteFrom('recording_tracks').where('space_id', '=', space_id).execute();
          await deleteTranscript(tx, space_id);
          await tx.deleteFrom('recordings').where('space_id', '=', space_id).execute();
        });
        log.info({ spaceId: space_id }, 'expired recording deleted');
      }
      return { runAgainAt: new Date(now.getTime() + HOUR_MS) };
    },
  };

  /** Makes sure the hourly sweep is scheduled (once, whatever the number of nodes). */
  async function scheduleRetention() {
    await enqueue(db, { kind: RETENTION_JOB, key: 'retention', payload: {}, runAt: clock.now() });
  }

  /**
   * Loads the Space, its recording and the viewer's standing once; `may(action)` asks the rules,
   * `authorize(action)` throws their refusal.
   */
  async function load(spaceId: string, viewer: Viewer | null) {
    const viewerId = viewer?.id ?? null;
    const { state, hostId } = await loadRoom(db, spaceId);
    const recording = await db.selectFrom('recordings').selectAll().where('space_id', '=', spaceId).executeTakeFirst();
    const blocked = viewerId ? (await blockedByHost(db, hostId, [viewerId])).has(viewerId) : false;
    const track = viewerId
      ? await db
          .selectFrom('recording_tracks')
          .select('id')
          .where('space_id', '=', spaceId)
          .where('user_id', '=', viewerId)
          .limit(1)
          .executeTakeFirst()
      : undefined;
    const context = {
      role: roleOf(state, viewerId, blocked, await admission(db, spaceId, viewerId)),
      moderator: viewer?.moderator ?? false,
      spoke: Boolean(track),
      recording: recording
        ? { status: recording.status, public: recording.public, retainUntil: recording.retain_until }
        : null,
      now: clock.now(),
    };
    const may = (action: RecordingAction) => decideRecording(action, context).ok;
    const authorize = (action: RecordingAction) => {
      const verdict = decideRecording(action, context);
      if (!verdict.ok) throw new AppError(verdict.status, verdict.code, verdict.message);
      return recording as NonNullable<typeof recording>;
    };
    return { state, may, authorize };
  }

  async function info(spaceId: string, viewer: Viewer | null): Promise<Recording> {
    const { state, may, authorize } = await load(spaceId, viewer);
    const recording = authorize('info');
    const ready = recording.status === 'ready';
    const audioUrl = (format: string) => `/api/spaces/${encodeURIComponent(spaceId)}/recording?format=${format}`;
    return {
      spaceId,
      title: state.title,
      host: state.host,
      status: recording.status as Recording['status'],
      durationMs: recording.duration_ms,
      public: recording.public,
      retainUntil: recording.retain_until?.toISOString() ?? null,
      audio: ready ? { opus: audioUrl('opus'), m4a: audioUrl('m4a') } : null,
      sizes: ready ? { opus: Number(recording.opus_bytes), m4a: Number(recording.m4a_bytes) } : null,
      turns:
        ready && state.startedAt ? await turns(spaceId, new Date(state.startedAt), recording.duration_ms ?? 0) : [],
      canDownload: ready && may('download'),
      canReadTranscript: may('transcript'),
      canPublish: may('publish'),
    };
  }

  async function turns(spaceId: string, startedAt: Date, durationMs: number) {
    const rows = await db
      .selectFrom('space_events')
      .select(['event', 'created_at'])
      .where('space_id', '=', spaceId)
      .orderBy('seq')
      .execute();
    const list = turnsFrom(
      rows.map((r) => ({ at: r.created_at, event: r.event as RoomEvent })),
      startedAt,
      durationMs,
    );
    const ids = [...new Set(list.map((t) => t.userId))];
    const users =
      ids.length === 0
        ? []
        : await db
            .selectFrom('users')
            .select(['id', 'handle', 'display_name', 'avatar'])
            .where('id', 'in', ids)
            .execute();
    const byId = new Map(users.map((u) => [u.id, summary(u)]));
    return list.flatMap((t) => {
      const user = byId.get(t.userId);
      return user ? [{ user, startMs: t.startMs, endMs: t.endMs }] : [];
    });
  }

  async function setPublic(spaceId: string, viewer: Viewer | null, isPublic: boolean) {
    (await load(spaceId, viewer)).authorize('publish');
    await db.updateTable('recordings').set({ public: isPublic }).where('space_id', '=', spaceId).execute();
    return info(spaceId, viewer);
  }

  /** The file to send for `play` or `download`, once authorized. */
  async function audioFile(spaceId: string, viewer: Viewer | null, format: 'opus' | 'm4a', download: boolean) {
    (await load(spaceId, viewer)).authorize(download ? 'download' : 'play');
    return mixFile(dir, spaceId, format);
  }

  jobs.register(MIXDOWN_JOB, mixdownJob);
  jobs.register(RETENTION_JOB, retentionJob);

  return {
    statusChanged,
    load,
    info,
    setPublic,
    audioFile,
    scheduleRetention,
  };
}

export type RecordingService = ReturnType<typeof createRecordingService>;
