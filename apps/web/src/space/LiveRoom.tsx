import type { Caption, Reaction, RoomEvent, RoomState, UserSummary } from '@earshot/protocol';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { i18n } from '../i18n';
import { useListenMode } from '../media/listen-mode';
import { useHlsTier } from '../media/use-hls-tier';
import { useListener, type Volumes } from '../media/use-listener';
import { usePublisher } from '../media/use-publisher';
import { useSession } from '../session';
import { type LiveSpace, useSpace } from '../use-space';
import { useStoredFlag } from '../use-stored-flag';
import { describe } from './describe';
import { LeaveDialog } from './LeaveDialog';
import { useFloatingReactions } from './use-floating-reactions';
import { useCaptionAnnouncer, useLiveCaptions } from './use-live-captions';
import { useOneMicPerPerson } from './use-one-mic';

/** Which Space this tab is in and whether it listened, so that a reload puts it back. */
const STORED = 'earshot-live-room';
type Stored = { id: string; listening: boolean };

function readStored(): Stored | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORED) ?? 'null') as Stored | null;
    return value && typeof value.id === 'string' ? value : null;
  } catch {
    return null;
  }
}
function writeStored(value: Stored | null) {
  try {
    if (value) sessionStorage.setItem(STORED, JSON.stringify(value));
    else sessionStorage.removeItem(STORED);
  } catch {
    // storage blocked: a reload starts afresh
  }
}

function useLiveRoomState() {
  const { user } = useSession();
  const myId = user?.id ?? null;
  const [id, setId] = useState<string | null>(() => readStored()?.id ?? null);
  const [generation, setGeneration] = useState(0);
  // A reload of a tab that was listening starts listening again (the browser may ask for a tap).
  const resume = useRef(readStored()?.listening ?? false);
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
  const [leaving, setLeaving] = useState(false);

  const live: LiveSpace = useSpace(
    id ?? '',
    myId,
    {
      onEvent: (event: RoomEvent, before: RoomState) => {
        if (event.kind === 'muted' && event.userId === myId) setHostMuted(event.by !== myId);
        const text = describe(event, before, listenersRef.current, myId, managesRef.current);
        if (text) setAnnouncement(text);
      },
      onReaction: (from: UserSummary, emoji: Reaction) => {
        if (from.id === myId) {
          const pending = ownPending.current.get(emoji) ?? 0;
          if (pending > 0) {
            ownPending.current.set(emoji, pending - 1);
            return;
          }
        }
        add(emoji);
      },
      onCaption: (caption: Caption) => {
        liveCaptions.add(caption);
        const room = roomRef.current;
        if (!caption.final || !caption.text.trim() || !captionsOnRef.current || !room?.captions.enabled) return;
        const speaker =
          room.stage.find((m) => m.user.id === caption.userId)?.user.displayName ?? i18n.t('room.announce.someone');
        captionAnnouncer.announce(i18n.t('room.captions.line', { name: speaker, text: caption.text.trim() }));
      },
    },
    !!id && user !== undefined,
    generation,
  );
  const room = live.room?.id === id ? live.room : null;
  listenersRef.current = live.listeners;
  roomRef.current = room;
  const myMember = myId && room ? room.stage.find((m) => m.user.id === myId) : undefined;
  const isHost = !!myId && room?.host.id === myId;
  const manages = isHost || myMember?.role === 'cohost';
  managesRef.current = manages;
  const ended = room?.status === 'ended' || live.connection === 'ended';
  // Audio only while the Space is live and we are let in; ending it, a removal or a block (or us
  // leaving the stage) stops what depends on it.
  const shut = ['removed', 'blocked', 'refused', 'not_found', 'ticket_required'].includes(live.connection);
  const audible = !!room && room.status === 'live' && !ended && !shut;

  const [volumes, setVolumes] = useState<Volumes>({});
  const setVolume = useCallback((userId: string, v: number) => setVolumes((all) => ({ ...all, [userId]: v })), []);
  const mode = useListenMode(live.listenerCount, !!myMember);
  const webrtc = useListener({
    mix: mode.mix,
    spaceId: id ?? '',
    available: audible,
    stageSize: room?.stageSize ?? 1,
    stage: room?.stage ?? [],
    myId,
    volumes,
  });
  // What the audio bar and mini-player drive: WebRTC, or the delayed (LL-HLS) stream when it cannot connect.
  const tier = useHlsTier({ spaceId: id ?? '', available: audible, listen: webrtc });
  const listen = tier.listen;
  const oneMic = useOneMicPerPerson(id, myId, audible && !!myMember);
  const mic = usePublisher({
    spaceId: id ?? '',
    active: audible && !!myMember && !oneMic.elsewhere,
    muted: myMember?.muted ?? true,
  });

  // Reload: listen again at once where the browser allows it ("Tap to listen" where it does not).
  const { start: startListening } = listen;
  useEffect(() => {
    if (audible && resume.current && listen.state === 'off') {
      resume.current = false;
      startListening();
    }
  }, [audible, listen.state, startListening]);

  const listening = listen.state !== 'off';
  useEffect(() => {
    writeStored(id ? { id, listening } : null);
  }, [id, listening]);

  const join = useCallback((next: string) => {
    setId((current) => {
      if (current === next) return current;
      resume.current = false;
      setAnnouncement('');
      setHostMuted(false);
      return next;
    });
  }, []);

  const leave = useCallback(() => {
    listen.stop();
    resume.current = false;
    setLeaving(false);
    setId(null);
  }, [listen.stop]);

  // Leaving the room's page keeps a Space you listen to or speak in; one you only looked at goes.
  const keep = useRef(false);
  keep.current = audible && (listening || !!myMember);
  const release = useCallback((page: string) => {
    setId((current) => (current === page && !keep.current ? null : current));
  }, []);

  const react = useCallback(
    async (emoji: Reaction) => {
      if (!id) return;
      // Show it at once; the server's echo of our own reaction is then skipped.
      add(emoji);
      ownPending.current.set(emoji, (ownPending.current.get(emoji) ?? 0) + 1);
      try {
        await api.spaceCommand(id, 'react', { emoji });
      } catch (e) {
        ownPending.current.set(emoji, Math.max(0, (ownPending.current.get(emoji) ?? 0) - 1));
        throw e;
      }
    },
    [id, add],
  );

  /** Mute or unmute yourself (on stage); rejects with the command's error. */
  const toggleMute = useCallback(async () => {
    if (!id || !myId || !myMember) return;
    if (!myMember.muted) {
      mic.silence(); // quiet now, not after the round trip
      try {
        await api.spaceCommand(id, 'mute', { userId: myId });
      } catch (e) {
        mic.restore();
        throw e;
      }
      return;
    }
    // No microphone yet: this tap is a good moment to ask again (the problem stays on screen).
    if (mic.state === 'blocked' || mic.state === 'no-mic' || mic.state === 'mic-error') mic.retry();
    // A speaker who unmutes wants to hear the others too, and this tap lets the browser play.
    if (listen.state === 'off') listen.start();
    await api.spaceCommand(id, 'unmute', { userId: myId });
  }, [id, myId, myMember, mic, listen]);

  /** Leave, from the room or the mini-player: the host (of a live Space) is asked first. */
  const askLeave = useCallback(() => {
    if (isHost && audible) setLeaving(true);
    else leave();
  }, [isHost, audible, leave]);

  return {
    id,
    live,
    room,
    myId,
    myMember,
    isHost,
    manages,
    ended,
    audible,
    listen,
    tier,
    mode,
    mic,
    oneMic,
    volumes,
    setVolume,
    hostMuted,
    floating,
    react,
    announcement,
    captions: { live: liveCaptions.captions, on: captionsOn, setOn: setCaptionsOn },
    captionText: captionAnnouncer.text,
    join,
    release,
    leave,
    askLeave,
    toggleMute,
    leaving,
    cancelLeave: () => setLeaving(false),
    /** A ticket was bought: connect again, now admitted. */
    rejoin: () => setGeneration((g) => g + 1),
  };
}

export type LiveRoom = ReturnType<typeof useLiveRoomState>;
const LiveRoomContext = createContext<LiveRoom | null>(null);

/**
 * The one audio session of the app: the Space this tab is in, its live socket, what it hears and
 * what it sends. It lives above the router, so moving between pages keeps the sound and the
 * microphone; only Leave or the Space's end stops them.
 */
export function LiveRoomProvider({ children }: { children: ReactNode }) {
  const state = useLiveRoomState();
  return (
    <LiveRoomContext.Provider value={state}>
      {children}
      {state.leaving && state.id && state.room && (
        <LeaveDialog
          spaceId={state.id}
          hasCohost={state.room.stage.some((m) => m.role === 'cohost')}
          onLeave={state.leave}
          onCancel={state.cancelLeave}
        />
      )}
    </LiveRoomContext.Provider>
  );
}

export function useLiveRoom(): LiveRoom {
  const room = useContext(LiveRoomContext);
  if (!room) throw new Error('useLiveRoom must be used inside <LiveRoomProvider>');
  return room;
}
