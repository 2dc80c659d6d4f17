import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { HeadphonesIcon, VolumeOffIcon } from '../components/Icons';
import { i18n } from '../i18n';
import type { TierState } from '../media/use-hls-tier';
import type { MicState } from '../media/use-publisher';

const t = i18n.t;

export type ListenControl = { state: TierState; error: Error | null; start: () => void; stop: () => void };
export type MicControl = { state: MicState; problem: string | null; refusal: Error | null; retry: () => void };

function ListenPart({ listen }: { listen: ListenControl }) {
  const { t } = useTranslation();
  const { state } = listen;
  if (state === 'off' || state === 'blocked') {
    return (
      <button type="button" className="button listen-button" onClick={listen.start}>
        <HeadphonesIcon /> {state === 'blocked' ? t('room.audio.tapToListen') : t('room.audio.listen')}
      </button>
    );
  }
  if (state === 'refused') {
    return (
      <span className="audio-problem" role="alert">
        <span>{listen.error?.message ?? t('room.audio.couldNotPlay')}</span>
        <button type="button" className="button secondary small" onClick={listen.start}>
          {t('common.tryAgain')}
        </button>
      </span>
    );
  }
  return (
    <button
      type="button"
      className="button ghost small stop-listening"
      onClick={listen.stop}
      title={t('room.audio.stopListening')}
    >
      <VolumeOffIcon /> <span className="stop-label">{t('room.audio.stopListening')}</span>
    </button>
  );
}

/** `delayed`: the HLS tier says it itself (HlsTier). */
function listenText(state: TierState, serverDown: boolean): string {
  // The media connection may look fine for a few seconds after the server went away: don't claim it.
  if (serverDown && state !== 'off' && state !== 'refused') return t('room.reconnecting');
  switch (state) {
    case 'connecting':
      return t('room.audio.connecting');
    case 'connected':
      return t('room.audio.listening');
    case 'reconnecting':
      return t('room.audio.reconnecting');
    case 'blocked':
      return t('room.audio.paused');
    default:
      return '';
  }
}

function micText(mic: MicControl, muted: boolean, hostMuted: boolean): { text: string; tone: string } {
  switch (mic.state) {
    case 'asking':
      return { text: t('room.mic.starting'), tone: 'waiting' };
    case 'connecting':
      return { text: t('room.mic.connecting'), tone: 'waiting' };
    case 'reconnecting':
      return { text: t('room.mic.reconnecting'), tone: 'waiting' };
    case 'connected':
      if (!muted) return { text: t('room.mic.live'), tone: 'live' };
      return { text: hostMuted ? t('room.announce.mutedYou') : t('room.mic.muted'), tone: 'muted' };
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
  const { t } = useTranslation();
  const heard = listenText(listen.state, serverDown);
  const sent = !onStage
    ? { text: '', tone: '' }
    : elsewhere
      ? { text: t('room.mic.elsewhere'), tone: 'muted' }
      : serverDown && mic.state !== 'off'
        ? { text: t('room.mic.reconnecting'), tone: 'waiting' }
        : micText(mic, muted, hostMuted);
  const micProblem: ReactNode =
    onStage && (mic.state === 'blocked' || mic.state === 'no-mic' || mic.state === 'mic-error') ? (
      <span className="audio-problem" role="alert" data-testid="mic-problem">
        <span>{mic.problem}</span>
        <button type="button" className="button secondary small" onClick={mic.retry}>
          {t('common.tryAgain')}
        </button>
      </span>
    ) : onStage && mic.state === 'refused' ? (
      <span className="audio-problem" role="alert" data-testid="mic-problem">
        <span>{mic.refusal?.message ?? t('room.mic.refused')}</span>
        <button type="button" className="button secondary small" onClick={mic.retry}>
          {t('common.tryAgain')}
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
          {t('room.mic.useThisTab')}
        </button>
      )}
      {!elsewhere && micProblem}
    </div>
  );
}
