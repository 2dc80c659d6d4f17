import type { Recording, Transcript } from '@earshot/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError, api, downloadUrl, transcriptUrl } from '../api';
import { DownloadIcon } from '../components/Icons';
import { ReplayPlayer } from '../components/ReplayPlayer';
import { ErrorNote, Loading } from '../components/Status';
import { SwitchField } from '../components/SwitchField';
import { clock, dayDate, fileSize } from '../format';
import { useServerMessages } from '../realtime';
import { useLoad } from '../use-load';
import { useTranscript } from '../use-transcript';

/** While the mixdown is made, the page asks again this often (and at once on "recording_ready"). */
const POLL_MS = 3000;

const preparing = (r: Recording) => r.status === 'recording' || r.status === 'processing';

function StatusLine({ recording }: { recording: Recording }) {
  const { t } = useTranslation();
  if (preparing(recording)) {
    return (
      <p className="recording-status preparing" data-testid="recording-status">
        <span className="dot" aria-hidden="true" /> {t('room.recording.preparing')}
      </p>
    );
  }
  if (recording.status === 'failed') {
    return (
      <p className="recording-status failed" data-testid="recording-status">
        {t('reports.recording.failed')}
      </p>
    );
  }
  return (
    <p className="recording-status ready" data-testid="recording-status">
      {t('room.recording.ready')}
      {recording.durationMs !== null && (
        <span className="muted"> · {t('room.recording.long', { duration: clock(recording.durationMs) })}</span>
      )}
    </p>
  );
}

function PublicSwitch({ recording, onChange }: { recording: Recording; onChange: (r: Recording) => void }) {
  // Shown switched at once; back to the server's answer when it comes (or fails).
  const { t } = useTranslation();
  const [pending, setPending] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  const busy = pending !== null;
  const on = pending ?? recording.public;
  const toggle = async (value: boolean) => {
    setPending(value);
    setError(null);
    try {
      onChange(await api.setRecordingPublic(recording.spaceId, value));
    } catch (e) {
      setError(e);
    } finally {
      setPending(null);
    }
  };
  return (
    <SwitchField
      label={t('room.recording.public')}
      checked={on}
      disabled={busy}
      onChange={(value) => void toggle(value)}
      hint={on ? t('room.recording.publicOn') : t('room.recording.publicOff')}
    >
      <ErrorNote error={error} />
    </SwitchField>
  );
}

function Downloads({ recording }: { recording: Recording }) {
  const { t } = useTranslation();
  if (!recording.canDownload || !recording.audio || recording.status !== 'ready') return null;
  const { audio, sizes } = recording;
  return (
    <div className="actions recording-downloads">
      <a className="button secondary small" href={downloadUrl(audio.opus)} download data-testid="download-opus">
        <DownloadIcon /> {t('room.recording.downloadOpus')}
        {sizes && <span className="size">{fileSize(sizes.opus)}</span>}
      </a>
      <a className="button secondary small" href={downloadUrl(audio.m4a)} download data-testid="download-m4a">
        <DownloadIcon /> {t('room.recording.downloadM4a')}
        {sizes && <span className="size">{fileSize(sizes.m4a)}</span>}
      </a>
    </div>
  );
}

function TranscriptDownloads({ spaceId, transcript }: { spaceId: string; transcript: Transcript | null }) {
  const { t } = useTranslation();
  if (!transcript?.segments.length) return null;
  const files = [
    ['vtt', 'WebVTT'],
    ['srt', 'SRT'],
    ['txt', t('room.recording.text')],
  ] as const;
  return (
    <p className="transcript-downloads" data-testid="transcript-downloads">
      <DownloadIcon />
      <span className="muted">{t('room.recording.transcript')}</span>
      {files.map(([format, label], i) => (
        <span key={format} className="transcript-file">
          {i > 0 && (
            <span aria-hidden="true" className="muted">
              ·
            </span>
          )}
          <a href={transcriptUrl(spaceId, format)} download data-testid={`transcript-${format}`}>
            {label}
            <span className="visually-hidden"> {t('room.recording.transcriptWord')}</span>
          </a>
        </span>
      ))}
    </p>
  );
}

/** The ended Space's recording: the host's status, downloads and public switch; a replay for who may hear it. */
export function RecordingSection({ spaceId, viewerId }: { spaceId: string; viewerId: string | null }) {
  const { t } = useTranslation();
  const info = useLoad(`recording:${spaceId}:${viewerId ?? ''}`, () => api.recording(spaceId));
  const recording = info.state === 'ready' ? info.data : null;
  // A public recording others may not see yet (403) is still being prepared: the replay comes.
  const hidden = info.state === 'error' && info.error instanceof ApiError && info.error.status === 403;
  const waiting = (!!recording && preparing(recording)) || hidden;
  const { reload } = info;
  // The transcript has the recording's visibility; asked again once the recording is ready.
  const transcript = useTranscript(spaceId, recording ? `${viewerId ?? ''}:${recording.status}` : null);

  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => void reload(true), POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, reload]);

  useServerMessages((message) => {
    if (
      message.type === 'notification' &&
      message.notification.kind === 'recording_ready' &&
      message.notification.data.spaceId === spaceId
    ) {
      void reload(true);
    }
  });

  const heading = (
    <h2 id="recording-heading" className="recording-heading">
      {t('room.recording.heading')}
    </h2>
  );

  if (info.state === 'loading') {
    return (
      <section className="card recording" aria-labelledby="recording-heading">
        {heading}
        <Loading label={t('room.recording.looking')} />
      </section>
    );
  }
  if (info.state === 'error') {
    const status = info.error instanceof ApiError ? info.error.status : 0;
    if (status === 403)
      return (
        <section className="card recording" aria-labelledby="recording-heading" data-testid="recording">
          {heading}
          <div role="status">
            <p className="recording-status preparing" data-testid="recording-status">
              <span className="dot" aria-hidden="true" /> {t('room.recording.preparing')}
            </p>
            <p className="muted">{t('room.recording.comes')}</p>
          </div>
        </section>
      );
    return (
      <section className="card recording" aria-labelledby="recording-heading" data-testid="no-recording">
        {heading}
        {status === 404 || status === 401 ? (
          <>
            <p className="recording-none">{t('room.recording.none')}</p>
            <p className="muted">{status === 401 ? t('room.recording.noPublic') : t('room.recording.notShared')}</p>
            <p className="actions">
              {status === 401 && (
                <Link href="/login" className="button secondary small">
                  {t('auth.logIn')}
                </Link>
              )}
              <Link href="/" className="button small">
                {t('room.recording.findLive')}
              </Link>
            </p>
          </>
        ) : (
          <ErrorNote error={info.error}>
            <button type="button" className="button secondary small" onClick={() => void reload()}>
              {t('common.tryAgain')}
            </button>
          </ErrorNote>
        )}
      </section>
    );
  }

  const r = info.data;
  const owner = r.canPublish || r.canDownload;
  // Speakers who are not the host read (and download) the transcript, not the audio.
  const speakerOnly = !owner && r.canReadTranscript && !r.public;
  const playable = r.status === 'ready' && !!r.audio;
  return (
    <section className="card recording" aria-labelledby="recording-heading" data-testid="recording">
      {heading}
      <div role="status">
        {owner || !playable ? <StatusLine recording={r} /> : null}
        {!owner && r.public && preparing(r) && <p className="muted">{t('room.recording.comes')}</p>}
      </div>
      {owner && (
        <div className={playable ? 'recording-owner above-player' : 'recording-owner'}>
          <Downloads recording={r} />
          {r.canReadTranscript && <TranscriptDownloads spaceId={spaceId} transcript={transcript} />}
          {r.retainUntil && (
            <p className="muted recording-kept" data-testid="kept-until">
              {t('room.recording.kept', { date: dayDate(r.retainUntil) })}
            </p>
          )}
          {r.canPublish && <PublicSwitch recording={r} onChange={(next) => info.setData(() => next)} />}
        </div>
      )}
      {speakerOnly && (
        <div className="recording-owner">
          <TranscriptDownloads spaceId={spaceId} transcript={transcript} />
        </div>
      )}
      {playable && <ReplayPlayer recording={r} transcript={transcript} />}
    </section>
  );
}
