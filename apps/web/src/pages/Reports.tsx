import type { Report } from '@earshot/protocol';
import { type FormEvent, useId, useState } from 'react';
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
  const [statement, setStatement] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const deadline = report.appealUntil ? new Date(report.appealUntil).getTime() : Number.NaN;
  const closed = !(deadline > Date.now());
  const why = report.appealUntil
    ? `The time to appeal ended on ${dayDate(report.appealUntil)}.`
    : 'This decision can no longer be appealed.';

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (closed) return;
    if (!statement.trim()) {
      setError(new Error('Write why you think the decision is wrong.'));
      document.getElementById(`${id}-statement`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onAppealed(await api.appeal(report.id, statement.trim()));
      announce('Your appeal was sent. A moderator will make a final decision.');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="appeal-form">
      <h3>Appeal</h3>
      <div className="field">
        <label htmlFor={`${id}-statement`}>Why is this decision wrong?</label>
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
            You can appeal once, until {dayDate(report.appealUntil ?? '')}. Another moderator makes the final decision.
          </small>
        )}
      </div>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="button" disabled={closed || busy}>
          {busy ? 'Sending…' : 'Send appeal'}
        </button>
      </div>
    </form>
  );
}

function AppealState({ report }: { report: Report }) {
  const appeal = report.appeal;
  if (!appeal) return null;
  return (
    <div className="report-block" data-testid="appeal">
      <h3>Your appeal</h3>
      <p className="muted report-meta">Sent {fullDate(appeal.createdAt)}</p>
      <p className="quote">{appeal.statement}</p>
      <p data-testid="appeal-status">
        {report.status === 'appealed'
          ? 'Waiting for a moderator’s final decision.'
          : report.status === 'overturned'
            ? 'Your appeal was accepted: the violation was overturned.'
            : report.status === 'upheld'
              ? 'Your appeal was turned down: the violation stands. This decision is final.'
              : null}
      </p>
    </div>
  );
}

function ReportItem({ report, onChange }: { report: Report; onChange: (report: Report) => void }) {
  const headingId = useId();
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
        {report.reportedUser ? 'You were reported in this Space' : 'Your Space was reported'}
        {report.recording?.retainUntil && (
          <>
            <br />
            <span data-testid="report-kept-until">Recording kept until {dayDate(report.recording.retainUntil)}</span>
          </>
        )}
      </p>
      <div className="report-block">
        <h3>What was reported</h3>
        <p className="quote">{report.reason}</p>
      </div>
      <div className="report-block">
        <h3>Moderators’ decisions</h3>
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
  useTitle('Reports and appeals');
  const reports = useLoad(`my-reports:${user?.id ?? ''}`, () =>
    user ? api.myReports() : Promise.resolve({ items: [] as Report[] }),
  );
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt what="reports about you" />;

  return (
    <>
      <h1 className="page-title">Reports and appeals</h1>
      <p className="muted">
        When moderators find that you or your Space broke the rules, it shows here with their reason. You can appeal
        each decision once.
      </p>
      {reports.state === 'loading' ? (
        <Loading />
      ) : reports.state === 'error' ? (
        <ErrorNote error={reports.error}>
          <button type="button" className="button secondary small" onClick={() => void reports.reload()}>
            Try again
          </button>
        </ErrorNote>
      ) : reports.data.items.length === 0 ? (
        <section className="card center">
          <p>No violations. Nothing to appeal.</p>
          <p>
            <Link href="/" className="button secondary">
              Go home
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
