import type { Decision, Report, ReportStatus } from '@earshot/protocol';
import { Link } from 'wouter';
import { api } from '../api';
import { clock, dayDate, fullDate, timeAgo } from '../format';
import { useLoad } from '../use-load';
import { useTranscript } from '../use-transcript';
import { ReplayPlayer } from './ReplayPlayer';
import { ErrorNote, Loading } from './Status';

export const statusLabel: Record<ReportStatus, string> = {
  open: 'Open',
  no_violation: 'No violation',
  violation: 'Violation',
  appealed: 'Appealed',
  upheld: 'Upheld on appeal',
  overturned: 'Overturned on appeal',
};

export function StatusPill({ status }: { status: ReportStatus }) {
  return (
    <span className={`status-pill ${status}`} data-testid="report-status">
      {statusLabel[status]}
    </span>
  );
}

export function When({ iso }: { iso: string }) {
  return (
    <time className="muted when" dateTime={iso} title={fullDate(iso)}>
      {timeAgo(iso)}
    </time>
  );
}

/** Who or what was reported: "Ada Lovelace (@ada)" or "the Space". */
export function reportedText(report: Report): string {
  return report.reportedUser
    ? `${report.reportedUser.displayName} (@${report.reportedUser.handle})`
    : `the Space (hosted by ${report.space.host.displayName})`;
}

const verdictLabel = { violation: 'Violation', no_violation: 'No violation' } as const;

/** Each decision on a report, first the review then the appeal's. */
export function DecisionList({ decisions, showModerator }: { decisions: Decision[]; showModerator: boolean }) {
  if (decisions.length === 0) return <p className="muted">No decision yet.</p>;
  return (
    <ol className="decision-list" data-testid="decisions">
      {decisions.map((d) => (
        <li key={d.id} className="decision" data-testid="decision">
          <div className="decision-head">
            <strong>{d.stage === 'appeal' ? 'Appeal decision' : 'Review decision'}</strong>
            <span className={`status-pill ${d.verdict}`}>{verdictLabel[d.verdict]}</span>
            {d.suspended && <span className="status-pill violation">Account suspended</span>}
            <When iso={d.createdAt} />
          </div>
          <p className="report-reason">{d.reason}</p>
          {showModerator && (
            <p className="muted report-meta">
              By <Link href={`/u/${d.moderator.handle}`}>{d.moderator.displayName}</Link>
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The Space's recording for a report, starting where the report was made. */
export function ReportRecording({ report }: { report: Report }) {
  const ready = report.recording?.status === 'ready';
  const info = useLoad(`report-recording:${report.space.id}:${ready}`, () =>
    ready ? api.recording(report.space.id) : Promise.resolve(null),
  );
  const transcript = useTranscript(report.space.id, ready ? 'ready' : null);
  const start = report.offsetMs ?? 0;
  if (!report.recording) return <p className="muted">This Space has no recording, or it has been deleted.</p>;
  const kept = report.recording.retainUntil ? (
    <p className="muted report-meta">Kept until {dayDate(report.recording.retainUntil)}.</p>
  ) : null;
  if (!ready) {
    return (
      <>
        <p className="muted">
          {report.recording.status === 'failed'
            ? 'The recording could not be made.'
            : report.recording.status === 'recording'
              ? 'The Space is still live; its recording will be here once it ends.'
              : 'The recording is being prepared.'}
        </p>
        {kept}
      </>
    );
  }
  if (info.state === 'loading') return <Loading label="Loading the recording…" />;
  if (info.state === 'error') return <ErrorNote error={info.error} />;
  if (!info.data?.audio) return <p className="muted">The recording is not available.</p>;
  return (
    <>
      <p className="muted report-meta">
        {report.offsetMs !== null
          ? `Starts at ${clock(start)}, where the report was made.`
          : 'The report was made before the recording started.'}
      </p>
      <ReplayPlayer recording={info.data} startMs={start} transcript={transcript} />
      {kept}
    </>
  );
}
