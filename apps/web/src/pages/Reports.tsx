import type { Report } from '@earshot/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useAnnounce } from '../announcer';
import { api } from '../api';
import { DecisionList, StatusPill, When } from '../components/Safety';
import { SignInPrompt } from '../components/SignInPrompt';
import { ErrorNote, Loading } from '../components/Status';
import { dayDate, fullDate } from '../format';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { useTitle } from '../use-title';

const STATEMENT_LIMIT = 2000;

function AppealForm({ report, onAppealed }: { report: Report; onAppealed: (report: Report) => void }) {
  const id = useId();
  const announce = useAnnounce();
  const { t } = useTranslation();
  const [statement, setStatement] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const deadline = report.appealUntil ? new Date(report.appealUntil).getTime() : Number.NaN;
  const closed = !(deadline > Date.now());
  const why = report.appealUntil ? t('appeals.ended', { date: dayDate(report.appealUntil) }) : t('appeals.noLonger');

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (closed) return;
    if (!statement.trim()) {
      setError(new Error(t('appeals.writeWhy')));
      document.getElementById(`${id}-statement`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onAppealed(await api.appeal(report.id, statement.trim()));
      announce(t('appeals.sent'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="appeal-form">
      <h3>{t('moderation.appeal')}</h3>
      <div className="field">
        <label htmlFor={`${id}-statement`}>{t('appeals.why')}</label>
        <textarea
          id={`${id}-statement`}
          value={statement}
          onChange={(e) => setStatement(e.target.value)}
          rows={4}
          maxLength={STATEMENT_LIMIT}
          disabled={closed || busy}
          required
          aria-required="true"
          aria-describedby={`${id}-statement-hint`}
        />
        {closed ? (
          <p id={`${id}-statement-hint`} className="appeal-closed" data-testid="appeal-closed">
            {why}
          </p>
        ) : (
          <small id={`${id}-statement-hint`} className="hint">
            {t('appeals.hint', { date: dayDate(report.appealUntil ?? '') })}
          </small>
        )}
      </div>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="button" disabled={closed || busy}>
          {busy ? t('common.sending') : t('appeals.send')}
        </button>
      </div>
    </form>
  );
}

function AppealState({ report }: { report: Report }) {
  const appeal = report.appeal;
  const { t } = useTranslation();
  if (!appeal) return null;
  return (
    <div className="report-block" data-testid="appeal">
      <h3>{t('appeals.yours')}</h3>
      <p className="muted report-meta">{t('appeals.sentOn', { date: fullDate(appeal.createdAt) })}</p>
      <p className="quote">{appeal.statement}</p>
      <p data-testid="appeal-status">
        {report.status === 'appealed'
          ? t('appeals.waiting')
          : report.status === 'overturned'
            ? t('appeals.accepted')
            : report.status === 'upheld'
              ? t('appeals.denied')
              : null}
      </p>
    </div>
  );
}

function ReportItem({ report, onChange }: { report: Report; onChange: (report: Report) => void }) {
  const headingId = useId();
  const { t } = useTranslation();
  return (
    <li className="card" data-testid="my-report">
      <div className="report-card-top">
        <h2 id={headingId} className="report-title">
          <Link href={`/spaces/${report.space.id}`}>{report.space.title}</Link>
        </h2>
        <StatusPill status={report.status} />
        <When iso={report.createdAt} />
      </div>
      <p className="muted report-meta">
        {report.reportedUser ? t('appeals.youReported') : t('appeals.spaceReported')}
        {report.recording?.retainUntil && (
          <>
            <br />
            <span data-testid="report-kept-until">
              {t('appeals.keptUntil', { date: dayDate(report.recording.retainUntil) })}
            </span>
          </>
        )}
      </p>
      <div className="report-block">
        <h3>{t('appeals.whatReported')}</h3>
        <p className="quote">{report.reason}</p>
      </div>
      <div className="report-block">
        <h3>{t('appeals.decisions')}</h3>
        <DecisionList decisions={report.decisions} showModerator={false} />
      </div>
      {report.appeal ? (
        <AppealState report={report} />
      ) : report.status === 'violation' ? (
        <div className="report-block">
          <AppealForm report={report} onAppealed={onChange} />
        </div>
      ) : null}
    </li>
  );
}

/** Violations held against the signed-in person, with their appeals. */
export function ReportsPage() {
  const { user } = useSession();
  const { t } = useTranslation();
  useTitle(t('settings.reports.title'));
  const reports = useLoad(`my-reports:${user?.id ?? ''}`, () =>
    user ? api.myReports() : Promise.resolve({ items: [] as Report[] }),
  );
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt heading={t('appeals.signIn')} />;

  return (
    <>
      <h1 className="page-title">{t('settings.reports.title')}</h1>
      <p className="muted">{t('appeals.intro')}</p>
      {reports.state === 'loading' ? (
        <Loading />
      ) : reports.state === 'error' ? (
        <ErrorNote error={reports.error}>
          <button type="button" className="button secondary small" onClick={() => void reports.reload()}>
            {t('common.tryAgain')}
          </button>
        </ErrorNote>
      ) : reports.data.items.length === 0 ? (
        <section className="card center">
          <p>{t('appeals.none')}</p>
          <p>
            <Link href="/" className="button secondary">
              {t('notFound.goHome')}
            </Link>
          </p>
        </section>
      ) : (
        <ul className="report-list">
          {reports.data.items.map((r) => (
            <ReportItem
              key={r.id}
              report={r}
              onChange={(next) =>
                reports.setData((data) => ({ items: data.items.map((x) => (x.id === next.id ? next : x)) }))
              }
            />
          ))}
        </ul>
      )}
    </>
  );
}
