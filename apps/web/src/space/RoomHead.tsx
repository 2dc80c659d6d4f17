import type { RoomState, User, UserSummary } from '@earshot/protocol';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { MoreIcon } from '../components/Icons';
import { MenuButton } from '../components/Menu';
import { listening, Topics } from '../components/SpaceCard';
import type { Connection } from '../use-space';
import { ShareButton } from './ShareButton';

/** Title, status, listener count, share and report. */
export function RoomHead({
  room,
  me,
  isHost,
  ended,
  listenerCount,
  report,
  leave,
}: {
  room: RoomState;
  me: User | null;
  isHost: boolean;
  ended: boolean;
  listenerCount: number;
  report: (target?: UserSummary) => void;
  /** Stops the audio and goes home (the host is asked first). */
  leave: () => void;
}) {
  const { t } = useTranslation();
  const isLive = room.status === 'live' && !ended;
  return (
    <header className="card room-head">
      <div className="room-status">
        {ended ? (
          <span className="ended-badge">{t('card.state.ended')}</span>
        ) : isLive ? (
          <>
            <span className="live-badge">{t('space.live')}</span>
            <span className="rec-indicator" data-testid="recording-indicator">
              <span className="rec-dot" aria-hidden="true" />
              {t('room.head.recording')}
            </span>
          </>
        ) : (
          <span className="pill">{t('room.head.notStarted')}</span>
        )}
        {!ended && (
          <span className="muted" data-testid="listener-count">
            {listening(listenerCount)}
          </span>
        )}
        <span className="room-head-actions">
          <ShareButton />
          {!ended && (
            <button type="button" className="button secondary small" onClick={leave}>
              {t('room.leave.button')}
            </button>
          )}
          {me && !isHost && (
            <MenuButton
              label={t('room.head.more')}
              items={[{ label: t('room.head.report'), onSelect: () => report() }]}
              className="tile-menu"
            >
              <MoreIcon />
            </MenuButton>
          )}
        </span>
      </div>
      <h1 className="room-title">{room.title}</h1>
      <Topics topics={room.topics} />
      <p className="muted room-meta">
        <Trans
          i18nKey="room.head.hostedBy"
          values={{ name: room.host.displayName }}
          components={{ a: <Link href={`/u/${room.host.handle}`} /> }}
        />{' '}
        · {t(`room.head.policy.${room.speakerPolicy}`)}
      </p>
    </header>
  );
}

/** One status region that stays, so a change of its text is announced. */
export function ConnectionBanner({
  ended,
  connection,
  endNote,
}: {
  ended: boolean;
  connection: Connection;
  /** Why it ended (the host, nobody hosting, a suspension). */
  endNote: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="room-banner-region" role="status">
      {ended ? (
        <p className="room-banner ended" data-testid="ended-banner">
          {t('room.head.ended')} {endNote}
        </p>
      ) : connection === 'reconnecting' ? (
        <p className="room-banner">
          <span className="dot" aria-hidden="true" /> {t('room.reconnecting')}
        </p>
      ) : connection === 'connecting' ? (
        <p className="room-banner">{t('room.connecting')}</p>
      ) : null}
    </div>
  );
}
