import type { RoomState, StageMember } from '@earshot/protocol';
import { type ReactNode, type RefObject, useEffect, useState } from 'react';
import { CaptionsToggle } from '../components/CaptionsToggle';
import { useStoredFlag } from '../use-stored-flag';
import { CaptionMeToggle, CaptionsConsent, CaptionsSwitch } from './CaptionControls';
import { CaptionStrip, StageCaption } from './LiveCaptions';
import type { Run } from './types';
import type { LiveCaptions } from './use-live-captions';

/** The viewer's captions: what arrives live, and whether they read it. */
export type CaptionsView = { live: LiveCaptions; on: boolean; setOn: (on: boolean) => void };

/**
 * Whether most of the stage's tiles are in view: between the top bar and the sticky controls, which
 * cover the bottom of the screen (on a phone, often the stage itself). Checked on scroll, resize and
 * whenever `again` changes (new captions, a new stage).
 */
function useStageSeen(stageRef: RefObject<HTMLElement | null>, watching: boolean, again: unknown): boolean {
  const [seen, setSeen] = useState(true);
  useEffect(() => {
    if (!watching) return;
    let frame = 0;
    const check = () => {
      frame = 0;
      const grid = stageRef.current?.querySelector('.stage-grid');
      if (!grid) return;
      const box = grid.getBoundingClientRect();
      const top = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
      const bottom = document.querySelector('.room-controls')?.getBoundingClientRect().top ?? window.innerHeight;
      const shown = Math.max(0, Math.min(box.bottom, bottom) - Math.max(box.top, top));
      setSeen(box.height === 0 || shown / box.height >= 0.6);
    };
    const later = () => {
      if (!frame) frame = requestAnimationFrame(check);
    };
    check();
    window.addEventListener('scroll', later, { passive: true });
    window.addEventListener('resize', later);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', later);
      window.removeEventListener('resize', later);
    };
  }, [stageRef, watching, again]);
  return seen;
}

/**
 * Every captions piece of a live room, placed by Room: the hosts' switch by the stage heading, the
 * lines under each tile, the viewer's buttons, and at the top of the sticky controls (in view even
 * on a phone, where the controls cover the stage) the question to someone new on stage and the
 * subtitle strip.
 */
export function useRoomCaptions({
  spaceId,
  room,
  myMember,
  manages,
  ended,
  busy,
  run,
  captions,
  stageRef,
}: {
  spaceId: string;
  room: RoomState;
  myMember: StageMember | undefined;
  manages: boolean;
  ended: boolean;
  busy: boolean;
  run: Run;
  captions: CaptionsView;
  stageRef: RefObject<HTMLElement | null>;
}) {
  const [asked, setAsked] = useStoredFlag(`earshot-captions-asked:${spaceId}`, false, 'session');
  const enabled = room.captions.enabled && !ended;
  const reading = enabled && room.status === 'live' && captions.on;
  const stageSeen = useStageSeen(stageRef, reading, captions.live);
  const answered = () => setAsked(true);

  const headExtra: ReactNode = manages && !ended ? <CaptionsSwitch enabled={room.captions.enabled} run={run} /> : null;
  const notice: ReactNode =
    enabled && myMember && !myMember.captions && !asked ? (
      <CaptionsConsent busy={busy} run={run} answered={answered} />
    ) : null;
  const captionFor = reading
    ? (m: StageMember) => <StageCaption member={m} line={captions.live.byUser[m.user.id]} />
    : null;
  const buttons: ReactNode = enabled ? (
    <span className="caption-buttons">
      {room.status === 'live' && <CaptionsToggle on={captions.on} setOn={captions.setOn} />}
      {myMember && <CaptionMeToggle member={myMember} busy={busy} run={run} answered={answered} />}
    </span>
  ) : null;
  const strip: ReactNode =
    reading && !stageSeen ? <CaptionStrip recent={captions.live.recent} stage={room.stage} /> : null;
  return { headExtra, notice, captionFor, buttons, strip };
}
