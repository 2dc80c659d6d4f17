import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { errorMessage } from '../api';
import { HeadphonesIcon, MicIcon, MicOffIcon } from '../components/Icons';
import { endReasonText } from './end-reason';
import { useLiveRoom } from './LiveRoom';

/**
 * The Space you are in, on every other page: its title (back to the room), who speaks, and the
 * few things you do without going back: listen, mute, leave.
 */
export function MiniPlayer() {
  const { t } = useTranslation();
  const lr = useLiveRoom();
  const [location] = useLocation();
  const [error, setError] = useState<unknown>(null);
  const { id, room, listen, myMember } = lr;
  if (!id || !room || location === `/spaces/${encodeURIComponent(id)}` || location === `/spaces/${id}`) return null;
  if (!lr.audible && !lr.ended) return null;
  const href = `/spaces/${encodeURIComponent(id)}`;

  if (lr.ended) {
    return (
      <section className="mini-player ended" aria-label={t('room.mini.ended')} data-testid="mini-player">
        <p className="mini-main" role="status">
          <Link href={href} className="mini-title">
            {room.title}
          </Link>{' '}
          {t('room.mini.hasEnded')} {endReasonText(room.endReason)}
        </p>
        <button type="button" className="button secondary small" onClick={lr.leave}>
          {t('room.mini.close')}
        </button>
      </section>
    );
  }

  const speaking = room.stage.filter((m) => m.speaking).map((m) => m.user.displayName);
  const reconnecting = lr.live.connection === 'reconnecting' || listen.state === 'reconnecting';
  const status = reconnecting
    ? t('room.reconnecting')
    : speaking.length > 0
      ? t('room.mini.speaking', { names: speaking.join(', ') })
      : listen.state === 'connected'
        ? t('room.audio.listening')
        : t('space.live');
  return (
    <section className="mini-player" aria-label={t('room.mini.nowPlaying')} data-testid="mini-player">
      <div className="mini-main">
        <Link href={href} className="mini-title">
          {room.title}
        </Link>
        <span className="mini-status" role="status" data-testid="mini-status">
          {status}
        </span>
        {error ? (
          <span className="mini-error" role="alert">
            {errorMessage(error)}
          </span>
        ) : null}
      </div>
      <div className="mini-actions">
        {(listen.state === 'off' || listen.state === 'blocked') && (
          <button type="button" className="button small" onClick={listen.start}>
            <HeadphonesIcon /> {listen.state === 'blocked' ? t('room.audio.tapToListen') : t('room.audio.listen')}
          </button>
        )}
        {myMember && (
          <button
            type="button"
            className={myMember.muted ? 'button small' : 'button secondary small'}
            onClick={() => {
              setError(null);
              lr.toggleMute().catch(setError);
            }}
          >
            {myMember.muted ? <MicOffIcon /> : <MicIcon />}
            {myMember.muted ? t('room.controls.unmute') : t('room.controls.mute')}
          </button>
        )}
        <button type="button" className="button ghost small" onClick={lr.askLeave}>
          {t('room.leave.button')}
        </button>
      </div>
    </section>
  );
}
