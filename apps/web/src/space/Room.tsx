import type { RoomState, User, UserSummary } from '@earshot/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api } from '../api';
import { useConfirm } from '../components/ConfirmDialog';
import { AudioBar } from './AudioBar';
import { Controls } from './Controls';
import { DataSaver } from './DataSaver';
import { HlsTier } from './HlsTier';
import { ListenersPanel } from './ListenersPanel';
import type { LiveRoom } from './LiveRoom';
import { PinnedPanel } from './PinnedPanel';
import { personMenu } from './person-menu';
import { RecordingSection } from './RecordingSection';
import { ReportDialog } from './ReportDialog';
import { RequestsPanel } from './RequestsPanel';
import { ConnectionBanner, RoomHead } from './RoomHead';
import { StageSection } from './StageSection';
import type { Run } from './types';
import { useRoomCaptions } from './use-room-captions';
import { VolumePanel } from './VolumePanel';

/** Nobody speaks in an ended Space, whatever the last level said. */
const quiet = (room: RoomState): RoomState =>
  room.stage.some((m) => m.speaking) ? { ...room, stage: room.stage.map((m) => ({ ...m, speaking: false })) } : room;

/** A Space's room as the viewer sees it, from the app's live room (LiveRoomProvider). */
export function Room({
  lr,
  room,
  me,
  id,
  endNote,
}: {
  lr: LiveRoom;
  room: RoomState;
  me: User | null;
  id: string;
  /** Why it ended, when it has. */
  endNote: string;
}) {
  const { live, myId, myMember, isHost, manages, ended, audible, listen, mic, volumes, setVolume, hostMuted, mode } =
    lr;
  const { t } = useTranslation();
  const { listenerCount, connection } = live;
  const invitation = myId ? room.invitations.find((i) => i.user.id === myId) : undefined;
  const handRaised = !!myId && room.raisedHands.some((u) => u.id === myId);

  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const [reporting, setReporting] = useState<{ target?: UserSummary } | null>(null);

  // A note about the last step ("Request sent") is stale once the viewer's place changes.
  const onStage = !!myMember;
  useEffect(() => {
    setNote('');
  }, [onStage]);

  const run: Run = async (name, args, done, onError) => {
    setBusy(true);
    setError(null);
    onError?.(null);
    try {
      await api.spaceCommand(id, name, args);
      if (done) setNote(done);
      return true;
    } catch (e) {
      if (onError) onError(e);
      else setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const report = (target?: UserSummary) => setReporting({ target });

  const toggleMute = () => {
    setError(null);
    lr.toggleMute().catch(setError);
  };

  const stageRef = useRef<HTMLElement>(null);
  const cc = useRoomCaptions({
    spaceId: id,
    room,
    myMember,
    manages,
    ended,
    busy,
    run,
    captions: lr.captions,
    stageRef,
  });

  const [confirm, confirmDialog] = useConfirm();
  const menu = { room, myId, isHost, manages, ended, run, report, confirm };
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
        leave={() => {
          if (isHost && audible) lr.askLeave();
          else {
            lr.leave();
            navigate('/');
          }
        }}
      />
      <ConnectionBanner ended={ended} connection={connection} endNote={endNote} />
      {ended && <RecordingSection spaceId={id} viewerId={myId} />}
      <StageSection
        room={ended ? quiet(room) : room}
        optionsFor={(u, m) => personMenu(menu, u, m)}
        floating={lr.floating}
        captionFor={cc.captionFor}
        headExtra={cc.headExtra}
        sectionRef={stageRef}
      >
        {listen.state !== 'off' && !mode.mix && (
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
            lr.react(emoji).catch(setError);
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
                  listen={listen}
                  mic={mic}
                  onStage={!!myMember}
                  muted={myMember?.muted ?? true}
                  hostMuted={hostMuted}
                  serverDown={connection === 'reconnecting'}
                  elsewhere={lr.oneMic.elsewhere}
                  useThisTab={lr.oneMic.takeOver}
                />
                <HlsTier tier={lr.tier} listening={listen.state !== 'off'} />
              </>
            )
          }
        />
      )}
      {manages && !ended && <RequestsPanel room={room} busy={busy} run={run} />}
      {(room.pinnedPosts.length > 0 || (manages && !ended)) && (
        <PinnedPanel pinned={room.pinnedPosts} me={me} canPin={manages && !ended} busy={busy} run={run} />
      )}
      {confirmDialog}
      {reporting && (
        <ReportDialog
          target={reporting.target}
          onCancel={() => setReporting(null)}
          onSend={async (reason) => {
            const { target } = reporting;
            const ok = await run('report', target ? { userId: target.id, reason } : { reason }, t('room.report.sent'));
            if (ok) setReporting(null);
            return ok;
          }}
        />
      )}
    </div>
  );
}
