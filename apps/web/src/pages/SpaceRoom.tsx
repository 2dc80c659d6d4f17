import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from '../components/Status';
import { useSession } from '../session';
import { endReasonText } from '../space/end-reason';
import { useLiveRoom } from '../space/LiveRoom';
import { Room } from '../space/Room';
import { Final, RoomActivity } from '../space/RoomNotes';
import { UpcomingSpace } from '../space/UpcomingSpace';
import { TicketBadge, TicketGate } from '../tickets/TicketGate';
import { useTitle } from '../use-title';

/**
 * A Space's page: it makes this Space the app's live room (LiveRoomProvider, which outlives the
 * page) and shows it. Leaving the page keeps a Space you listen to or speak in.
 */
export function SpaceRoomPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const lr = useLiveRoom();
  const { join, release } = lr;
  useEffect(() => {
    join(id);
    return () => release(id);
  }, [id, join, release]);
  useTitle(lr.id === id ? (lr.room?.title ?? t('room.page.title')) : t('room.page.title'));

  // Session still loading: the socket waits so that it opens once, as the right person.
  if (user === undefined || lr.id !== id) return <Loading label={t('room.connecting')} />;
  const { live, room } = lr;

  if (live.connection === 'not_found') {
    return (
      <Final heading={t('room.page.notFound')}>
        <p className="muted">{t('room.page.notFoundText')}</p>
      </Final>
    );
  }
  if (live.connection === 'ticket_required') return <TicketGate id={id} onAdmitted={lr.rejoin} />;
  if (live.connection === 'removed') {
    return (
      <Final heading={t('room.page.removed')}>
        <p className="muted">{t('room.page.removedText')}</p>
      </Final>
    );
  }
  if (live.connection === 'blocked') {
    return (
      <Final heading={t('room.page.blocked')}>
        <p className="muted">{t('room.page.blockedText')}</p>
      </Final>
    );
  }
  if (live.connection === 'refused') {
    return (
      <Final heading={t('room.page.refused')}>
        <p className="muted">{live.problem ?? t('room.page.refusedText')}</p>
      </Final>
    );
  }
  if (!room)
    return <Loading label={live.connection === 'reconnecting' ? t('room.reconnecting') : t('room.connecting')} />;

  // Not live yet (or never to be): the upcoming page; the start event turns it into the room.
  if (room.status === 'scheduled' || room.status === 'cancelled' || room.status === 'missed')
    return (
      <>
        <TicketBadge id={id} />
        <UpcomingSpace room={room} me={user} />
      </>
    );
  return (
    <>
      <TicketBadge id={id} />
      <Room lr={lr} room={room} me={user} id={id} endNote={endReasonText(room.endReason)} />
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="room-announcer">
        {lr.announcement}
      </p>
      {/* Apart from the room's announcer, which also shows its text on screen. */}
      <p className="visually-hidden" aria-live="polite" data-testid="caption-announcer">
        {lr.captions.on && room.captions.enabled ? lr.captionText : ''}
      </p>
      <RoomActivity text={lr.announcement} />
    </>
  );
}
