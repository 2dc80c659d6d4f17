import type { RoomState, User, UserSummary } from '@earshot/protocol';
import { Link } from 'wouter';
import { MoreIcon } from '../components/Icons';
import { MenuButton } from '../components/Menu';
import { listening, Topics } from '../components/SpaceCard';
import type { Connection } from '../use-space';
import { ShareButton } from './ShareButton';

const policyLabel = {
  everyone: 'Anyone can request to speak',
  following: 'People the host follows can request to speak',
  invited: 'Speakers by invitation only',
} as const;

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
  const isLive = room.status === 'live' && !ended;
  return (
    <header className="card room-head">
      <div className="room-status">
        {ended ? (
          <span className="ended-badge">Ended</span>
        ) : isLive ? (
          <>
            <span className="live-badge">Live</span>
            <span className="rec-indicator" data-testid="recording-indicator">
              <span className="rec-dot" aria-hidden="true" />
              Recording
            </span>
          </>
        ) : (
          <span className="pill">Not started</span>
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
              Leave
            </button>
          )}
          {me && !isHost && (
            <MenuButton
              label="More about this Space"
              items={[{ label: 'Report Space', onSelect: () => report() }]}
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
        Hosted by <Link href={`/u/${room.host.handle}`}>{room.host.displayName}</Link> ·{' '}
        {policyLabel[room.speakerPolicy]}
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
  return (
    <div className="room-banner-region" role="status">
      {ended ? (
        <p className="room-banner ended" data-testid="ended-banner">
          This Space has ended. {endNote}
        </p>
      ) : connection === 'reconnecting' ? (
        <p className="room-banner">
          <span className="dot" aria-hidden="true" /> Reconnecting…
        </p>
      ) : connection === 'connecting' ? (
        <p className="room-banner">Connecting…</p>
      ) : null}
    </div>
  );
}
