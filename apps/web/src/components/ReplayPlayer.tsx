import type { Recording, SpeakerTurn, Transcript } from '@earshot/protocol';
import { type CSSProperties, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { transcriptUrl } from '../api';
import { avatarColor, clock, spokenDuration } from '../format';
import { intlLocale } from '../i18n';
import { segmentAt } from '../use-transcript';
import { Avatar } from './Avatar';
import { CaptionsToggle } from './CaptionsToggle';
import { PauseIcon, PlayIcon } from './Icons';

/** How far an arrow key moves the seek bar; Page Up/Down move further. */
const ARROW_MS = 5000;
const PAGE_MS = 30_000;

/**
 * "Who spoke when", one row per stretch: back-to-back turns of the same person (speaking changes
 * flicker with every pause for breath) become one, so the list stays short enough to tab through.
 */
export function mergeTurns(sorted: SpeakerTurn[]): SpeakerTurn[] {
  const rows: SpeakerTurn[] = [];
  for (const t of sorted) {
    const last = rows[rows.length - 1];
    if (last && last.user.id === t.user.id) last.endMs = Math.max(last.endMs, t.endMs);
    else rows.push({ ...t });
  }
  return rows;
}

function speakersAt(turns: SpeakerTurn[], ms: number): string[] {
  const names: string[] = [];
  for (const t of turns) {
    if (t.startMs <= ms && ms < t.endMs && !names.includes(t.user.displayName)) names.push(t.user.displayName);
  }
  return names;
}

function joined(names: string[]): string {
  return new Intl.ListFormat(intlLocale(), { type: 'conjunction' }).format(names);
}

/**
 * A recording's replay: an <audio> element behind our own controls (play/pause, a seek bar that
 * arrow keys move by 5 s, elapsed/total) and who spoke when, with whoever speaks now highlighted.
 * With a transcript, the line under the playhead shows as a caption (speaker and words).
 * `startMs` is where it starts, e.g. where a report was made.
 */
export function ReplayPlayer({
  recording,
  startMs = 0,
  transcript = null,
}: {
  recording: Recording;
  startMs?: number;
  transcript?: Transcript | null;
}) {
  const id = useId();
  const { t } = useTranslation();
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [at, setAt] = useState(startMs);
  const [mediaMs, setMediaMs] = useState<number | null>(null);
  const [problem, setProblem] = useState('');
  const started = useRef(false);

  const totalMs = Math.max(recording.durationMs ?? mediaMs ?? 0, 0);
  const turns = [...recording.turns].sort((a, b) => a.startMs - b.startMs);
  const now = speakersAt(turns, at);
  const rows = mergeTurns(turns);
  const segments = transcript?.segments ?? []; // in time order from the server
  // The server's WebVTT as the <audio>'s captions track.
  const vttUrl = segments.length > 0 ? transcriptUrl(recording.spaceId, 'vtt', false) : null;
  const [captionsOn, setCaptionsOn] = useState(true);
  const showCaptions = segments.length > 0 && captionsOn;
  const said = showCaptions ? segmentAt(segments, at) : null;

  // The track follows the same switch, for anything that reads the element's text tracks.
  useEffect(() => {
    const track = audio.current?.textTracks[0];
    if (track) track.mode = showCaptions ? 'showing' : 'hidden';
  }, [showCaptions, vttUrl]);

  const seek = (ms: number) => {
    const el = audio.current;
    const to = Math.max(0, totalMs > 0 ? Math.min(ms, totalMs) : ms);
    setAt(to);
    if (el) el.currentTime = to / 1000;
  };

  // Before the metadata is in, the element keeps this as where it starts.
  useEffect(() => {
    if (audio.current && startMs > 0) audio.current.currentTime = startMs / 1000;
  }, [startMs]);

  // The element's own events keep the UI in step; timeupdate fires ~4 times a second.
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    const onTime = () => setAt(el.currentTime * 1000);
    const onMeta = () => {
      if (Number.isFinite(el.duration)) setMediaMs(el.duration * 1000);
      if (!started.current && startMs > 0 && el.currentTime * 1000 < startMs - 500) el.currentTime = startMs / 1000;
      started.current = true;
    };
    const onPlay = () => setPlaying(true);
    const onPause = () => setPlaying(false);
    const onWaiting = () => setWaiting(true);
    const onPlaying = () => {
      setWaiting(false);
      setProblem('');
    };
    const onError = (event: Event) => {
      if (event.target instanceof HTMLTrackElement) return; // captions only; the sound plays on
      setPlaying(false);
      setWaiting(false);
      setProblem(t('replay.playFailed'));
    };
    el.addEventListener('timeupdate', onTime);
    el.addEventListener('seeked', onTime);
    el.addEventListener('loadedmetadata', onMeta);
    el.addEventListener('durationchange', onMeta);
    el.addEventListener('play', onPlay);
    el.addEventListener('pause', onPause);
    el.addEventListener('ended', onPause);
    el.addEventListener('waiting', onWaiting);
    el.addEventListener('playing', onPlaying);
    el.addEventListener('canplay', onPlaying);
    el.addEventListener('error', onError, true); // a <source> error does not bubble
    return () => {
      el.removeEventListener('timeupdate', onTime);
      el.removeEventListener('seeked', onTime);
      el.removeEventListener('loadedmetadata', onMeta);
      el.removeEventListener('durationchange', onMeta);
      el.removeEventListener('play', onPlay);
      el.removeEventListener('pause', onPause);
      el.removeEventListener('ended', onPause);
      el.removeEventListener('waiting', onWaiting);
      el.removeEventListener('playing', onPlaying);
      el.removeEventListener('canplay', onPlaying);
      el.removeEventListener('error', onError, true);
    };
  }, [startMs]);

  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (!el.paused) {
      el.pause();
      return;
    }
    if (problem) el.load(); // try the sources again
    setProblem('');
    if (el.ended || (totalMs > 0 && at >= totalMs - 250)) el.currentTime = 0;
    el.play().catch((e: unknown) => {
      if (e instanceof DOMException && e.name === 'AbortError') return;
      setProblem(t('replay.playFailed'));
    });
  };

  const onSeekKey = (event: KeyboardEvent<HTMLInputElement>) => {
    const moves: Record<string, number> = {
      ArrowLeft: -ARROW_MS,
      ArrowDown: -ARROW_MS,
      ArrowRight: ARROW_MS,
      ArrowUp: ARROW_MS,
      PageDown: -PAGE_MS,
      PageUp: PAGE_MS,
    };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      seek(at + move);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      seek(event.key === 'Home' ? 0 : totalMs);
    }
  };

  const audioUrls = recording.audio;
  const percent = (ms: number) => (totalMs > 0 ? Math.min(100, Math.max(0, (ms / totalMs) * 100)) : 0);

  return (
    <div className="replay" data-testid="replay" data-playing={playing}>
      <audio ref={audio} preload="metadata">
        {audioUrls && <source src={audioUrls.opus} type='audio/ogg; codecs="opus"' />}
        {audioUrls && <source src={audioUrls.m4a} type="audio/mp4" />}
        {/* Empty until the transcript is in (a track error is not the recording's: see onError). */}
        <track kind="captions" src={vttUrl ?? undefined} srcLang="en" label={t('captions.label')} default />
      </audio>
      <div className="replay-controls">
        <button
          type="button"
          className="button replay-play"
          onClick={toggle}
          aria-label={playing ? t('replay.pause') : t('replay.play')}
          data-testid="replay-play"
        >
          {playing ? <PauseIcon /> : <PlayIcon />}
        </button>
        <div className="replay-track">
          <label htmlFor={`${id}-seek`} className="visually-hidden">
            {t('replay.position')}
          </label>
          <div className="replay-bar">
            <div className="replay-turns" aria-hidden="true">
              {turns.map((turn) => (
                <span
                  key={`${turn.user.id}-${turn.startMs}`}
                  className="replay-turn-mark"
                  style={{
                    left: `${percent(turn.startMs)}%`,
                    width: `${Math.max(0.6, percent(turn.endMs) - percent(turn.startMs))}%`,
                    backgroundColor: avatarColor(turn.user.handle),
                  }}
                />
              ))}
            </div>
            <input
              id={`${id}-seek`}
              type="range"
              className="replay-seek"
              min={0}
              max={Math.max(totalMs / 1000, 0.001)}
              step="any"
              value={Math.min(at, totalMs || at) / 1000}
              onChange={(e) => seek(Number(e.target.value) * 1000)}
              onKeyDown={onSeekKey}
              aria-valuetext={t('replay.valueText', { at: spokenDuration(at), total: spokenDuration(totalMs) })}
              aria-describedby={`${id}-keys`}
              data-testid="replay-seek"
              style={{ '--progress': `${percent(at)}%` } as CSSProperties}
            />
          </div>
          <div className="replay-times">
            <span data-testid="replay-elapsed">{clock(at)}</span>
            {waiting && playing ? <span className="muted">{t('common.loading')}</span> : null}
            <span className="muted">{clock(totalMs)}</span>
          </div>
          <span id={`${id}-keys`} className="visually-hidden">
            {t('replay.keys')}
          </span>
        </div>
      </div>
      {problem && (
        <p className="error-note" role="alert">
          {problem}
        </p>
      )}
      {segments.length > 0 && (
        <div className="replay-captions">
          <CaptionsToggle on={captionsOn} setOn={setCaptionsOn} />
          {showCaptions && (
            <p
              className={said ? 'replay-caption' : 'replay-caption idle'}
              aria-live={playing ? 'polite' : 'off'}
              data-testid="replay-caption"
            >
              {said && (
                <>
                  <strong>{said.speaker.displayName}</strong> {said.text}
                </>
              )}
            </p>
          )}
        </div>
      )}
      <p className="replay-now" aria-live="polite" data-testid="now-speaking">
        {now.length > 0 ? (
          <>
            {t('replay.nowSpeaking')} <strong>{joined(now)}</strong>
          </>
        ) : (
          <span className="muted">{turns.length > 0 ? t('replay.nobodyNow') : ''}</span>
        )}
      </p>
      {turns.length > 0 ? (
        <>
          <h3 className="replay-turns-heading" id={`${id}-turns`}>
            {t('replay.whoSpokeWhen')}
          </h3>
          <ol className="turn-list" aria-labelledby={`${id}-turns`} data-testid="turn-list">
            {rows.map((turn) => {
              const current = turn.startMs <= at && at < turn.endMs;
              return (
                <li key={`${turn.user.id}-${turn.startMs}`}>
                  <button
                    type="button"
                    className={current ? 'turn current' : 'turn'}
                    aria-current={current ? 'true' : undefined}
                    onClick={() => seek(turn.startMs)}
                    data-testid="turn"
                  >
                    <Avatar
                      handle={turn.user.handle}
                      displayName={turn.user.displayName}
                      size="sm"
                      src={turn.user.avatarUrl}
                    />
                    <span className="turn-name">{turn.user.displayName}</span>
                    <span className="turn-time">
                      <span className="visually-hidden">{t('replay.from')} </span>
                      {clock(turn.startMs)}
                      <span aria-hidden="true">–</span>
                      <span className="visually-hidden"> {t('replay.to')} </span>
                      {clock(turn.endMs)}
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
        </>
      ) : (
        <p className="muted">{t('replay.nobodySpoke')}</p>
      )}
    </div>
  );
}
