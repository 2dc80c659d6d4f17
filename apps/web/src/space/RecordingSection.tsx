import type { Recording, Transcript } from '@earshot/protocol';
import { useEffect, useState } from 'react';
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
  if (preparing(recording)) {
    return (
      <p className="recording-status preparing" data-testid="recording-status">
        <span className="dot" aria-hidden="true" /> Preparing the recording…
      </p>
    );
  }
  if (recording.status === 'failed') {
    return (
      <p className="recording-status failed" data-testid="recording-status">
        The recording could not be made.
      </p>
    );
  }
  return (
    <p className="recording-status ready" data-testid="recording-status">
      Recording ready
      {recording.durationMs !== null && <span className="muted"> · {clock(recording.durationMs)} long</span>}
    </p>
  );
}

function PublicSwitch({ recording, onChange }: { recording: Recording; onChange: (r: Recording) => void }) {
  // Shown switched at once; back to the server's answer when it comes (or fails).
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
      label="Public replay"
      checked={on}
      disabled={busy}
      onChange={(value) => void toggle(value)}
      hint={
        on
          ? 'On: anyone who opens this Space can play the recording.'
          : 'Off: only you (and moderators, for reports) can play it.'
      }
    >
      <ErrorNote error={error} />
    </SwitchField>
  );
}

function Downloads({ recording }: { recording: Recording }) {
  if (!recording.canDownload || !recording.audio || recording.status !== 'ready') return null;
  const { audio, sizes } = recording;
  return (
    <div className="actions recording-downloads">
      <a className="button secondary small" href={downloadUrl(audio.opus)} download data-testid="download-opus">
        <DownloadIcon /> Download Opus (.ogg)
        {sizes && <span className="size">{fileSize(sizes.opus)}</span>}
      </a>
      <a className="button secondary small" href={downloadUrl(audio.m4a)} download data-testid="download-m4a">
        <DownloadIcon /> Download M4A
        {sizes && <span className="size">{fileSize(sizes.m4a)}</span>}
      </a>
    </div>
  );
}

function TranscriptDownloads({ spaceId, transcript }: { spaceId: string; transcript: Transcript | null }) {
  if (!transcript?.segments.length) return null;
  const files = [
    ['vtt', 'WebVTT'],
    ['srt', 'SRT'],
    ['txt', 'Text'],
  ] as const;
  return (
    <p className="transcript-downloads" data-testid="transcript-downloads">
      <DownloadIcon />
      <span className="muted">Transcript:</span>
      {files.map(([format, label], i) => (
        <span key={format} className="transcript-file">
          {i > 0 && (
            <span aria-hidden="true" className="muted">
              ·
            </span>
          )}
          <a href={transcriptUrl(spaceId, format)} download data-testid={`transcript-${format}`}>
            {label}
            <span className="visually-hidden"> transcript</span>
          </a>
        </span>
      ))}
    </p>
  );
}

/** The ended Space's recording: the host's status, downloads and public switch; a replay for who may hear it. */
export function RecordingSection({ spaceId, viewerId }: { spaceId: string; viewerId: string | null }) {
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
      Recording
    </h2>
  );

  if (info.state === 'loading') {
    return (
      <section className="card recording" aria-labelledby="recording-heading">
        {heading}
        <Loading label="Looking for a recording…" />
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
              <span className="dot" aria-hidden="true" /> Preparing the recording…
            </p>
            <p className="muted">The replay will be here when it is ready.</p>
          </div>
        </section>
      );
    return (
      <section className="card recording" aria-labelledby="recording-heading" data-testid="no-recording">
        {heading}
        {status === 404 || status === 401 ? (
          <>
            <p className="recording-none">No recording</p>
            <p className="muted">
              {status === 401
                ? 'There is no public replay of this Space. If you hosted it, log in to hear it.'
                : 'The host has not shared a replay of this Space.'}
            </p>
            <p className="actions">
              {status === 401 && (
                <Link href="/login" className="button secondary small">
                  Log in
                </Link>
              )}
              <Link href="/" className="button small">
                Find live Spaces
              </Link>
            </p>
          </>
        ) : (
          <ErrorNote error={info.error}>
            <button type="button" className="button secondary small" onClick={() => void reload()}>
              Try again
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
        {!owner && r.public && preparing(r) && <p className="muted">The replay will be here when it is ready.</p>}
      </div>
      {owner && (
        <div className={playable ? 'recording-owner above-player' : 'recording-owner'}>
          <Downloads recording={r} />
          {r.canReadTranscript && <TranscriptDownloads spaceId={spaceId} transcript={transcript} />}
          {r.retainUntil && (
            <p className="muted recording-kept" data-testid="kept-until">
              Kept until {dayDate(r.retainUntil)}, then deleted.
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
