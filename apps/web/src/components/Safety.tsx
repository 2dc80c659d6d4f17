import type { Decision, Report, ReportStatus } from '@earshot/protocol';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api';
import { clock, dayDate, fullDate, timeAgo } from '../format';
import { i18n } from '../i18n';
import { useLoad } from '../use-load';
import { useTranscript } from '../use-transcript';
import { ReplayPlayer } from './ReplayPlayer';
import { ErrorNote, Loading } from './Status';

export function StatusPill({ status }: { status: ReportStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`status-pill ${status}`} data-testid="report-status">
      {t(`reports.status.${status}`)}
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
    : i18n.t('reports.theSpace', { name: report.space.host.displayName });
}

/** Each decision on a report, first the review then the appeal's. */
export function DecisionList({ decisions, showModerator }: { decisions: Decision[]; showModerator: boolean }) {
  const { t } = useTranslation();
  if (decisions.length === 0) return <p className="muted">{t('reports.noDecision')}</p>;
  return (
    <ol className="decision-list" data-testid="decisions">
      {decisions.map((d) => (
        <li key={d.id} className="decision" data-testid="decision">
          <div className="decision-head">
            <strong>{d.stage === 'appeal' ? t('reports.appealDecision') : t('reports.reviewDecision')}</strong>
            <span className={`status-pill ${d.verdict}`}>{t(`reports.status.${d.verdict}`)}</span>
            {d.suspended && <span className="status-pill violation">{t('suspended.label')}</span>}
            <When iso={d.createdAt} />
          </div>
          <p className="report-reason">{d.reason}</p>
          {showModerator && (
            <p className="muted report-meta">
              <Trans
                i18nKey="reports.by"
                values={{ name: d.moderator.displayName }}
                components={{ a: <Link href={`/u/${d.moderator.handle}`} /> }}
              />
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
  const { t } = useTranslation();
  if (!report.recording) return <p className="muted">{t('reports.recording.none')}</p>;
  const kept = report.recording.retainUntil ? (
    <p className="muted report-meta">{t('reports.recording.kept', { date: dayDate(report.recording.retainUntil) })}</p>
  ) : null;
  if (!ready) {
    return (
      <>
        <p className="muted">
          {report.recording.status === 'failed'
            ? t('reports.recording.failed')
            : report.recording.status === 'recording'
              ? t('reports.recording.stillLive')
              : t('reports.recording.preparing')}
        </p>
        {kept}
      </>
    );
  }
  if (info.state === 'loading') return <Loading label={t('reports.recording.loading')} />;
  if (info.state === 'error') return <ErrorNote error={info.error} />;
  if (!info.data?.audio) return <p className="muted">{t('reports.recording.unavailable')}</p>;
  return (
    <>
      <p className="muted report-meta">
        {report.offsetMs !== null
          ? t('reports.recording.startsAt', { at: clock(start) })
          : t('reports.recording.before')}
      </p>
      <ReplayPlayer recording={info.data} startMs={start} transcript={transcript} />
      {kept}
    </>
  );
}
