import type { Reaction, RoomState, UserSummary } from '@earshot/protocol';
import { useRef, useState } from 'react';
import { api } from '../api';
import { Loading } from '../components/Status';
import { useSession } from '../session';
import { describe } from '../space/describe';
import { Room } from '../space/Room';
import { Final, RoomActivity } from '../space/RoomNotes';
import { UpcomingSpace } from '../space/UpcomingSpace';
import { useFloatingReactions } from '../space/use-floating-reactions';
import { useCaptionAnnouncer, useLiveCaptions } from '../space/use-live-captions';
import { TicketBadge, TicketGate } from '../tickets/TicketGate';
import { useSpace } from '../use-space';
import { useStoredFlag } from '../use-stored-flag';
import { useTitle } from '../use-title';

/** The room, or a ticketed Space's card until the viewer has a ticket (buying remounts the room). */
export function SpaceRoomPage({ id }: { id: string }) {
  const [attempt, setAttempt] = useState(0);
  return <SpaceRoom key={attempt} id={id} onAdmitted={() => setAttempt((a) => a + 1)} />;
}

function SpaceRoom({ id, onAdmitted }: { id: string; onAdmitted: () => void }) {
  const { user } = useSession();
  const myId = user?.id ?? null;
  const [announcement, setAnnouncement] = useState('');
  const [hostMuted, setHostMuted] = useState(false);
  const { floating, add } = useFloatingReactions();
  const ownPending = useRef(new Map<string, number>());
  const listenersRef = useRef<UserSummary[]>([]);
  const managesRef = useRef(false);
  const roomRef = useRef<RoomState | null>(null);
  // Reading captions is the viewer's own choice, kept by the browser for every Space.
  const [captionsOn, setCaptionsOn] = useStoredFlag('earshot-captions', false);
  const captionsOnRef = useRef(captionsOn);
  captionsOnRef.current = captionsOn;
  const liveCaptions = useLiveCaptions();
  const captionAnnouncer = useCaptionAnnouncer();

  const live = useSpace(
    id,
    myId,
    {
      onEvent: (event, before) => {
        if (event.kind === 'muted' && event.userId === myId) setHostMuted(event.by !== myId);
        const text = describe(event, before, listenersRef.current, myId, managesRef.current);
        if (text) setAnnouncement(text);
      },
      onReaction: (from, emoji) => {
        if (from.id === myId) {
          const pending = ownPending.current.get(emoji) ?? 0;
          if (pending > 0) {
            ownPending.current.set(emoji, pending - 1);
            return;
          }
        }
        add(emoji);
      },
      onCaption: (caption) => {
        liveCaptions.add(caption);
        const room = roomRef.current;
        if (!caption.final || !caption.text.trim() || !captionsOnRef.current || !room?.captions.enabled) return;
        const speaker = room.stage.find((m) => m.user.id === caption.userId)?.user.displayName ?? 'Someone';
        captionAnnouncer.announce(`${speaker}: ${caption.text.trim()}`);
      },
    },
    user !== undefined,
  );
  listenersRef.current = live.listeners;
  roomRef.current = live.room;
  managesRef.current =
    !!myId &&
    !!live.room &&
    (live.room.host.id === myId || live.room.stage.some((m) => m.user.id === myId && m.role === 'cohost'));
  useTitle(live.room?.title ?? 'Space');

  const react = async (emoji: Reaction) => {
    // Show it at once; the server's echo of our own reaction is then skipped.
    add(emoji);
    ownPending.current.set(emoji, (ownPending.current.get(emoji) ?? 0) + 1);
    try {
      await api.spaceCommand(id, 'react', { emoji });
    } catch (e) {
      ownPending.current.set(emoji, Math.max(0, (ownPending.current.get(emoji) ?? 0) - 1));
      throw e;
    }
  };

  // Session still loading: the socket waits so that it opens once, as the right person.
  if (user === undefined) return <Loading label="Connecting…" />;

  if (live.connection === 'not_found') {
    return (
      <Final heading="Space not found">
        <p className="muted">This Space does not exist, or it is no longer here.</p>
      </Final>
    );
  }
  if (live.connection === 'ticket_required') return <TicketGate id={id} onAdmitted={onAdmitted} />;
  if (live.connection === 'removed') {
    return (
      <Final heading="You were removed from this Space">
        <p className="muted">A host removed you. You cannot rejoin this Space.</p>
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
  if (!live.room) return <Loading label={live.connection === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'} />;

  const room = live.room;
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
      <Room
        live={{ ...live, room }}
        me={user}
        id={id}
        floating={floating}
        react={react}
        hostMuted={hostMuted}
        captions={{ live: liveCaptions.captions, on: captionsOn, setOn: setCaptionsOn }}
      />
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="room-announcer">
        {announcement}
      </p>
      {/* Apart from the room's announcer, which also shows its text on screen. */}
      <p className="visually-hidden" aria-live="polite" data-testid="caption-announcer">
        {captionsOn && room.captions.enabled ? captionAnnouncer.text : ''}
      </p>
      <RoomActivity text={announcement} />
    </>
  );
}
