import type { Reaction, RoomState, User, UserSummary } from '@earshot/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { api } from '../api';
import { useListenMode } from '../media/listen-mode';
import { useHlsTier } from '../media/use-hls-tier';
import { useListener, type Volumes } from '../media/use-listener';
import { usePublisher } from '../media/use-publisher';
import type { LiveSpace } from '../use-space';
import { AudioBar } from './AudioBar';
import { Controls } from './Controls';
import { DataSaver } from './DataSaver';
import { HlsTier } from './HlsTier';
import { ListenersPanel } from './ListenersPanel';
import { PinnedPanel } from './PinnedPanel';
import { personMenu } from './person-menu';
import { RecordingSection } from './RecordingSection';
import { RequestsPanel } from './RequestsPanel';
import { ConnectionBanner, RoomHead } from './RoomHead';
import { StageSection } from './StageSection';
import type { Run } from './types';
import type { Floating } from './use-floating-reactions';
import { type CaptionsView, useRoomCaptions } from './use-room-captions';
import { VolumePanel } from './VolumePanel';

/** Nobody speaks in an ended Space, whatever the last level said. */
const quiet = (room: RoomState): RoomState =>
  room.stage.some((m) => m.speaking) ? { ...room, stage: room.stage.map((m) => ({ ...m, speaking: false })) } : room;

/** A Space's room as the viewer sees it, from its live state. */
export function Room({
  live,
  me,
  id,
  floating,
  react,
  hostMuted,
  captions,
}: {
  live: LiveSpace & { room: RoomState };
  me: User | null;
  id: string;
  floating: Floating[];
  react: (emoji: Reaction) => Promise<void>;
  /** The viewer's last mute came from a host, not themselves. */
  hostMuted: boolean;
  captions: CaptionsView;
}) {
  const { room, listenerCount, connection } = live;
  const myId = me?.id ?? null;
  const myMember = myId ? room.stage.find((m) => m.user.id === myId) : undefined;
  const isHost = !!myId && room.host.id === myId;
  const manages = isHost || myMember?.role === 'cohost';
  const invitation = myId ? room.invitations.find((i) => i.user.id === myId) : undefined;
  const handRaised = !!myId && room.raisedHands.some((u) => u.id === myId);
  const ended = room.status === 'ended' || connection === 'ended';

  const [, navigate] = useLocation();
  const [volumes, setVolumes] = useState<Volumes>({});
  const setVolume = useCallback((userId: string, v: number) => setVolumes((all) => ({ ...all, [userId]: v })), []);
  // Audio only while the Space is live; ending it (or us leaving the stage) stops what depends on it.
  const audible = room.status === 'live' && !ended;
  const mode = useListenMode(listenerCount, !!myMember);
  const listen = useListener({
    mix: mode.mix,
    spaceId: id,
    available: audible,
    stageSize: room.stageSize,
    stage: room.stage,
    myId,
    volumes,
  });
  const tier = useHlsTier({ spaceId: id, available: audible, listen });
  const mic = usePublisher({ spaceId: id, active: audible && !!myMember, muted: myMember?.muted ?? true });

  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');

  // A note about the last step ("Request sent") is stale once the viewer's place changes.
  const onStage = !!myMember;
  useEffect(() => {
    setNote('');
  }, [onStage]);

  const run: Run = async (name, args, done) => {
    setBusy(true);
    setError(null);
    try {
      await api.spaceCommand(id, name, args);
      if (done) setNote(done);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const report = (target?: UserSummary) => {
    const reason = window.prompt(
      target ? `Why are you reporting ${target.displayName}?` : 'Why are you reporting this Space?',
    );
    if (!reason?.trim()) return;
    void run(
      'report',
      target ? { userId: target.id, reason: reason.trim() } : { reason: reason.trim() },
      'Thanks. Your report was sent to the moderators.',
    );
  };

  const toggleMute = () => {
    if (!me || !myMember) return;
    if (!myMember.muted) {
      mic.silence(); // quiet now, not after the round trip
      void run('mute', { userId: me.id }).then((ok) => ok || mic.restore());
      return;
    }
    // No microphone yet: this tap is a good moment to ask again (the problem stays on screen).
    if (mic.state === 'blocked' || mic.state === 'no-mic' || mic.state === 'mic-error') mic.retry();
    // A speaker who unmutes wants to hear the others too, and this tap lets the browser play.
    if (listen.state === 'off') listen.start();
    void run('unmute', { userId: me.id });
  };

  const leave = () => {
    listen.stop();
    navigate('/');
  };

  const stageRef = useRef<HTMLElement>(null);
  const cc = useRoomCaptions({ spaceId: id, room, myMember, manages, ended, busy, run, captions, stageRef });

  const menu = { room, myId, isHost, manages, ended, run, report };
  const stageIds = new Set(room.stage.map((m) => m.user.id));

  return (
    <div className="space-room">
      <RoomHead
        room={room}
        me={me}
        isHost={isHost}
        ended={ended}
        listenerCount={listenerCount}
        report={report}
        leave={leave}
      />
      <ConnectionBanner ended={ended} connection={connection} />
      {ended && <RecordingSection spaceId={id} viewerId={myId} />}
      <StageSection
        room={ended ? quiet(room) : room}
        optionsFor={(u, m) => personMenu(menu, u, m)}
        floating={floating}
        captionFor={cc.captionFor}
        headExtra={cc.headExtra}
        sectionRef={stageRef}
      >
        {listen.state !== 'off' && !listen.mix && (
          <VolumePanel stage={room.stage} myId={myId} volumes={volumes} setVolume={setVolume} />
        )}
        {audible && !myMember && <DataSaver on={mode.dataSaver} set={mode.setDataSaver} bigRoom={mode.bigRoom} />}
      </StageSection>
      {!ended && (
        <ListenersPanel
          listeners={live.listeners}
          stageIds={stageIds}
          listenerCount={listenerCount}
          optionsFor={(u) => personMenu(menu, u, null)}
        />
      )}
      {!ended && (
        <Controls
          me={me}
          room={room}
          myMember={myMember}
          isHost={isHost}
          invitation={invitation}
          handRaised={handRaised}
          busy={busy}
          run={run}
          react={(emoji) => {
            setError(null);
            react(emoji).catch(setError);
          }}
          error={error}
          note={note}
          clearNote={() => setNote('')}
          toggleMute={toggleMute}
          captions={cc.buttons}
          above={
            <>
              {cc.notice}
              {cc.strip}
            </>
          }
          audio={
            audible && (
              <>
                <AudioBar
                  listen={tier.listen}
                  mic={mic}
                  onStage={!!myMember}
                  muted={myMember?.muted ?? true}
                  hostMuted={hostMuted}
                />
                <HlsTier tier={tier} listening={tier.listen.state !== 'off'} />
              </>
            )
          }
        />
      )}
      {manages && !ended && <RequestsPanel room={room} busy={busy} run={run} />}
      {(room.pinnedPosts.length > 0 || (manages && !ended)) && (
        <PinnedPanel pinned={room.pinnedPosts} me={me} canPin={manages && !ended} busy={busy} run={run} />
      )}
    </div>
  );
}
