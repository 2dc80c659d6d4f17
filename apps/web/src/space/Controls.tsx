import { Reaction, type RoomState, type StageMember, type User } from '@earshot/protocol';
import { type ReactNode, type RefObject, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useConfirm } from '../components/ConfirmDialog';
import { HandIcon, MicIcon, MicOffIcon } from '../components/Icons';
import { ErrorNote } from '../components/Status';
import { withNext } from '../next-path';
import type { Run } from './types';

const reactions = Reaction.options;

function ReactionBar({ react }: { react: (emoji: Reaction) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="reaction-bar">
      <legend className="visually-hidden">{t('room.controls.reactions')}</legend>
      {reactions.map((emoji) => (
        <button
          key={emoji}
          type="button"
          className="reaction-button"
          aria-label={t('room.controls.react', { emoji })}
          onClick={() => react(emoji)}
        >
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}

/** The viewer's main step in the room, from where they are: start, mute, accept, raise a hand… */
function MainAction({
  room,
  myMember,
  isHost,
  invitation,
  handRaised,
  busy,
  run,
  toggleMute,
}: {
  room: RoomState;
  myMember: StageMember | undefined;
  isHost: boolean;
  invitation: RoomState['invitations'][number] | undefined;
  handRaised: boolean;
  busy: boolean;
  run: Run;
  toggleMute: () => void;
}): ReactNode {
  const { t } = useTranslation();
  if (room.status === 'created') {
    return isHost ? (
      <button type="button" className="button" disabled={busy} onClick={() => run('start', {})}>
        {t('room.controls.start')}
      </button>
    ) : (
      <p className="muted control-note">{t('room.controls.notStarted')}</p>
    );
  }
  if (myMember) {
    return (
      <>
        <button
          type="button"
          className={myMember.muted ? 'button' : 'button secondary'}
          disabled={busy}
          data-testid="mute-button"
          onClick={toggleMute}
        >
          {myMember.muted ? <MicOffIcon /> : <MicIcon />}
          {myMember.muted ? t('room.controls.unmute') : t('room.controls.mute')}
        </button>
        {!isHost && (
          <button type="button" className="button secondary" disabled={busy} onClick={() => run('leave-stage', {})}>
            {t('room.controls.leaveStage')}
          </button>
        )}
      </>
    );
  }
  if (invitation) {
    return (
      <>
        <span className="control-note">
          {t(`room.controls.invitedYou.${invitation.role}`, { name: room.host.displayName })}
        </span>
        <button type="button" className="button" disabled={busy} onClick={() => run('accept-invite', {})}>
          {t('room.controls.accept')}
        </button>
        <button type="button" className="button secondary" disabled={busy} onClick={() => run('decline-invite', {})}>
          {t('room.controls.decline')}
        </button>
      </>
    );
  }
  if (handRaised) {
    return (
      <>
        <span className="control-note">{t('room.controls.handRaised')}</span>
        <button type="button" className="button secondary" disabled={busy} onClick={() => run('cancel-request', {})}>
          {t('room.controls.cancelRequest')}
        </button>
      </>
    );
  }
  if (room.speakerPolicy === 'invited') {
    return <p className="muted control-note">{t('room.controls.invitedOnly')}</p>;
  }
  return (
    <button
      type="button"
      className="button"
      disabled={busy}
      onClick={() => run('request-speak', {}, t('room.controls.requestSent'))}
    >
      <HandIcon /> {t('room.controls.requestToSpeak')}
    </button>
  );
}

/** Below the bar, this much free space takes the floating notes (a toast or two). */
const ROOM_BELOW = 160;

/**
 * Where toasts and the stage-change note float, as --above-room-controls (px from the window's
 * bottom): just above the bar while it is pinned to the bottom, at the bottom when the page has
 * scrolled it up (the room's header is always above the bar): never over the controls, the header
 * or the phone's tab bar.
 */
function useFloatAboveBar(bar: RefObject<HTMLElement | null>, signedIn: boolean) {
  useEffect(() => {
    const el = bar.current;
    if (!el) return;
    const root = document.documentElement;
    let frame = 0;
    const measure = () => {
      frame = 0;
      const height = window.innerHeight;
      // The phone's tab bar is fixed at the bottom; on a desktop the tabs are in the top bar.
      const tabs = document.querySelector('.tabs');
      const floor = tabs && getComputedStyle(tabs).position === 'fixed' ? tabs.getBoundingClientRect().top : height;
      const rect = el.getBoundingClientRect();
      const base = floor - Math.max(rect.bottom, 0) >= ROOM_BELOW ? floor : Math.min(rect.top, floor);
      root.style.setProperty('--above-room-controls', `${Math.round(height - base)}px`);
    };
    const soon = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    const resized = new ResizeObserver(soon);
    resized.observe(el);
    resized.observe(document.body); // the page above it grew or shrank: the bar moved
    window.addEventListener('scroll', soon, { passive: true });
    window.addEventListener('resize', soon);
    return () => {
      cancelAnimationFrame(frame);
      resized.disconnect();
      window.removeEventListener('scroll', soon);
      window.removeEventListener('resize', soon);
      root.style.removeProperty('--above-room-controls');
    };
  }, [bar, signedIn]);
}

/** The bar at the bottom of the room: messages, reactions, the main step, End Space. */
export function Controls({
  me,
  room,
  myMember,
  isHost,
  invitation,
  handRaised,
  busy,
  run,
  react,
  error,
  note,
  clearNote,
  toggleMute,
  audio,
  captions,
  above,
}: {
  me: User | null;
  room: RoomState;
  myMember: StageMember | undefined;
  isHost: boolean;
  invitation: RoomState['invitations'][number] | undefined;
  handRaised: boolean;
  busy: boolean;
  run: Run;
  react: (emoji: Reaction) => void;
  error: unknown;
  note: string;
  clearNote: () => void;
  toggleMute: () => void;
  /** The audio bar: listening and microphone state. */
  audio: ReactNode;
  /** Captions on/off for the viewer, and their consent when on stage. */
  captions: ReactNode;
  /** At the top of the bar, always in view: the captions question, subtitles. */
  above: ReactNode;
}) {
  const { t } = useTranslation();
  const [confirm, confirmDialog] = useConfirm();
  useEffect(() => {
    if (!note) return;
    const timer = setTimeout(clearNote, 4000);
    return () => clearTimeout(timer);
  }, [note, clearNote]);

  // Focus follows the viewer's place: the button they pressed is gone, so the next step takes it
  // (Cancel request after a request, Unmute once approved), never <body>.
  const bar = useRef<HTMLDivElement>(null);
  useFloatAboveBar(bar, !!me);
  const place = myMember ? 'stage' : handRaised ? 'hand' : invitation ? 'invited' : 'audience';
  const lastPlace = useRef(place);
  const pending = useRef(false);
  if (lastPlace.current !== place) {
    lastPlace.current = place;
    const active = document.activeElement;
    // Only when focus was in the bar (or already lost), or on joining the stage: never snatched.
    pending.current =
      place === 'stage' || !active || active === document.body || (bar.current?.contains(active) ?? false);
  }
  // The next step may still be disabled while its command is under way: try again when busy ends.
  useEffect(() => {
    if (!pending.current || busy) return;
    const target =
      place === 'stage'
        ? bar.current?.querySelector<HTMLElement>('[data-testid="mute-button"]:not([disabled])')
        : bar.current?.querySelector<HTMLElement>('.control-row button:not([disabled])');
    if (target) {
      pending.current = false;
      target.focus();
    }
  }, [place, busy]);

  if (!me) {
    return (
      <div className="room-controls" ref={bar}>
        {above}
        <div className="control-row">
          {audio}
          {captions}
        </div>
        <div className="signed-out">
          <p>{t('room.controls.signIn')}</p>
          <span className="actions">
            <Link href={withNext('/login', window.location.pathname)} className="button small">
              {t('auth.logIn')}
            </Link>
            <Link href={withNext('/signup', window.location.pathname)} className="button secondary small">
              {t('auth.signUp')}
            </Link>
          </span>
        </div>
      </div>
    );
  }

  return (
    <div className="room-controls" ref={bar}>
      {above}
      {(error || note) && (
        <div className="control-messages">
          <ErrorNote error={error} />
          {note && !error && (
            <p className="control-done" role="status">
              {note}
            </p>
          )}
        </div>
      )}
      {audio}
      {room.status === 'live' && <ReactionBar react={react} />}
      <div className="control-row">
        <MainAction
          room={room}
          myMember={myMember}
          isHost={isHost}
          invitation={invitation}
          handRaised={handRaised}
          busy={busy}
          run={run}
          toggleMute={toggleMute}
        />
        {captions}
        {isHost && room.status !== 'ended' && (
          <button
            type="button"
            className="button danger-outline end-button"
            disabled={busy}
            onClick={() =>
              confirm({
                title: t('room.controls.endConfirm'),
                confirmLabel: t('room.controls.end'),
                onConfirm: () => void run('end', {}),
              })
            }
          >
            {t('room.controls.end')}
          </button>
        )}
      </div>
      {confirmDialog}
    </div>
  );
}
