import type { ReactNode } from 'react';
import { HeadphonesIcon, VolumeOffIcon } from '../components/Icons';
import type { TierState } from '../media/use-hls-tier';
import type { MicState } from '../media/use-publisher';

export type ListenControl = { state: TierState; error: Error | null; start: () => void; stop: () => void };
export type MicControl = { state: MicState; problem: string | null; refusal: Error | null; retry: () => void };

function ListenPart({ listen }: { listen: ListenControl }) {
  const { state } = listen;
  if (state === 'off' || state === 'blocked') {
    return (
      <button type="button" className="button listen-button" onClick={listen.start}>
        <HeadphonesIcon /> {state === 'blocked' ? 'Tap to listen' : 'Listen'}
      </button>
    );
  }
  if (state === 'refused') {
    return (
      <span className="audio-problem" role="alert">
        <span>{listen.error?.message ?? 'Could not play this Space.'}</span>
        <button type="button" className="button secondary small" onClick={listen.start}>
          Try again
        </button>
      </span>
    );
  }
  return (
    <button type="button" className="button ghost small stop-listening" onClick={listen.stop} title="Stop listening">
      <VolumeOffIcon /> <span className="stop-label">Stop listening</span>
    </button>
  );
}

/** `delayed`: the HLS tier says it itself (HlsTier). */
function listenText(state: TierState, serverDown: boolean): string {
  // The media connection may look fine for a few seconds after the server went away: don't claim it.
  if (serverDown && state !== 'off' && state !== 'refused') return 'Reconnecting…';
  switch (state) {
    case 'connecting':
      return 'Connecting audio…';
    case 'connected':
      return 'Listening';
    case 'reconnecting':
      return 'Reconnecting audio…';
    case 'blocked':
      return 'Your browser paused the sound';
    default:
      return '';
  }
}

function micText(mic: MicControl, muted: boolean, hostMuted: boolean): { text: string; tone: string } {
  switch (mic.state) {
    case 'asking':
      return { text: 'Starting your microphone…', tone: 'waiting' };
    case 'connecting':
      return { text: 'Connecting your microphone…', tone: 'waiting' };
    case 'reconnecting':
      return { text: 'Reconnecting your microphone…', tone: 'waiting' };
    case 'connected':
      if (!muted) return { text: "You're live", tone: 'live' };
      return { text: hostMuted ? 'A host muted you' : "You're muted", tone: 'muted' };
    default:
      return { text: '', tone: '' };
  }
}

/**
 * What the viewer hears and sends, in words: the "Listen" button (sound needs a tap), listening /
 * reconnecting, and for speakers "You're live", muted, or what is wrong with the microphone.
 */
export function AudioBar({
  listen,
  mic,
  onStage,
  muted,
  hostMuted,
  serverDown,
  elsewhere,
  useThisTab,
}: {
  listen: ListenControl;
  mic: MicControl;
  onStage: boolean;
  muted: boolean;
  hostMuted: boolean;
  /** The room's socket is reconnecting: the server may be down. */
  serverDown: boolean;
  /** This person's microphone is live in another tab of this browser. */
  elsewhere: boolean;
  useThisTab: () => void;
}) {
  const heard = listenText(listen.state, serverDown);
  const sent = !onStage
    ? { text: '', tone: '' }
    : elsewhere
      ? { text: "You're live in another tab", tone: 'muted' }
      : serverDown && mic.state !== 'off'
        ? { text: 'Reconnecting your microphone…', tone: 'waiting' }
        : micText(mic, muted, hostMuted);
  const micProblem: ReactNode =
    onStage && (mic.state === 'blocked' || mic.state === 'no-mic' || mic.state === 'mic-error') ? (
      <span className="audio-problem" role="alert" data-testid="mic-problem">
        <span>{mic.problem}</span>
        <button type="button" className="button secondary small" onClick={mic.retry}>
          Try again
        </button>
      </span>
    ) : onStage && mic.state === 'refused' ? (
      <span className="audio-problem" role="alert" data-testid="mic-problem">
        <span>{mic.refusal?.message ?? 'The server did not take your microphone.'}</span>
        <button type="button" className="button secondary small" onClick={mic.retry}>
          Try again
        </button>
      </span>
    ) : null;

  return (
    <div
      className="audio-bar"
      data-testid="audio-bar"
      data-listen-state={listen.state}
      data-mic-state={elsewhere ? 'elsewhere' : mic.state}
    >
      {/* Stays mounted so that each change of wording is announced. */}
      <span className="audio-status" role="status">
        {heard && (
          <span
            className={`audio-pill listen-${serverDown ? 'reconnecting' : listen.state}`}
            data-testid="listen-status"
          >
            {(listen.state !== 'connected' || serverDown) && <span className="dot" aria-hidden="true" />}
            {heard}
          </span>
        )}
        {sent.text && (
          <span className={`audio-pill mic-${sent.tone}`} data-testid="mic-status">
            {sent.tone !== 'muted' && <span className="dot" aria-hidden="true" />}
            {sent.text}
          </span>
        )}
      </span>
      <ListenPart listen={listen} />
      {onStage && elsewhere && (
        <button type="button" className="button secondary small" onClick={useThisTab} data-testid="use-this-tab">
          Use this tab
        </button>
      )}
      {!elsewhere && micProblem}
    </div>
  );
}
