import { useEffect } from 'react';
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
  const { user } = useSession();
  const lr = useLiveRoom();
  const { join, release } = lr;
  useEffect(() => {
    join(id);
    return () => release(id);
  }, [id, join, release]);
  useTitle(lr.id === id ? (lr.room?.title ?? 'Space') : 'Space');

  // Session still loading: the socket waits so that it opens once, as the right person.
  if (user === undefined || lr.id !== id) return <Loading label="Connecting…" />;
  const { live, room } = lr;

  if (live.connection === 'not_found') {
    return (
      <Final heading="Space not found">
        <p className="muted">This Space does not exist, or it is no longer here.</p>
      </Final>
    );
  }
  if (live.connection === 'ticket_required') return <TicketGate id={id} onAdmitted={lr.rejoin} />;
  if (live.connection === 'removed') {
    return (
      <Final heading="You were removed from this Space">
        <p className="muted">A host removed you. You cannot rejoin this Space.</p>
      </Final>
    );
  }
  if (live.connection === 'blocked') {
    return (
      <Final heading="The host blocked you">
        <p className="muted">You cannot join this Space, or any other Space this host holds.</p>
      </Final>
    );
  }
  if (live.connection === 'refused') {
    return (
      <Final heading="You can't join this Space">
        <p className="muted">{live.problem ?? 'You are not allowed in this Space.'}</p>
      </Final>
    );
  }
  if (!room) return <Loading label={live.connection === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'} />;

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
