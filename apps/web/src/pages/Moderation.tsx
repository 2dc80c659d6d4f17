import type { Report, Verdict } from '@earshot/protocol';
import { type FormEvent, type ReactElement, useId, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { useAnnounce } from '../announcer';
import { api, isNotFound, type ReportQueue } from '../api';
import { DecisionList, ReportRecording, reportedText, StatusPill, When } from '../components/Safety';
import { SignInPrompt } from '../components/SignInPrompt';
import { ErrorNote, Loading, LoadMore } from '../components/Status';
import { dayDate, fullDate } from '../format';
import { useSession } from '../session';
import { useLoad } from '../use-load';
import { usePaged } from '../use-paged';
import { useTitle } from '../use-title';
import { NotFoundPage } from './NotFound';

const queues: { status: Exclude<ReportQueue, 'all'>; label: string; empty: string }[] = [
  { status: 'open', label: 'Open', empty: 'No open reports. All caught up.' },
  { status: 'appealed', label: 'Appealed', empty: 'No appeals waiting.' },
  { status: 'decided', label: 'Decided', empty: 'No decided reports yet.' },
];

/** Moderators only; everyone else gets a page that says so, with a way on. */
function useModerator(): ReactElement | null {
  const { user } = useSession();
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt what="the moderation queue" />;
  if (!user.moderator) {
    return (
      <section className="card center">
        <h1>Moderators only</h1>
        <p className="muted">Reports are reviewed by the moderators of this Earshot.</p>
        <p>
          <Link href="/" className="button">
            Go home
          </Link>
        </p>
      </section>
    );
  }
  return null;
}

function ReportCard({ report }: { report: Report }) {
  return (
    <li>
      <Link href={`/moderation/reports/${report.id}`} className="report-card" data-testid="report-card">
        <span className="report-card-top">
          <span className="report-title">{report.space.title}</span>
          <StatusPill status={report.status} />
          <When iso={report.createdAt} />
        </span>
        <span className="report-reason">“{report.reason}”</span>
        <span className="muted report-meta">
          {report.reporter ? `${report.reporter.displayName} reported ` : 'Reported: '}
          {reportedText(report)}
        </span>
      </Link>
    </li>
  );
}

export function ModerationPage() {
  const gate = useModerator();
  const search = useSearch();
  const asked = new URLSearchParams(search).get('status');
  const queue = queues.find((q) => q.status === asked) ?? queues[0];
  const status = queue?.status ?? 'open';
  useTitle('Moderation');
  const list = usePaged(`moderation:${status}:${gate ? 'no' : 'yes'}`, (page) =>
    gate ? Promise.resolve({ items: [], nextCursor: null }) : api.moderationReports(status, page),
  );
  if (gate) return gate;

  return (
    <section className="card">
      <h1>Moderation</h1>
      <nav className="subtabs" aria-label="Reports">
        {queues.map((q) => (
          <Link
            key={q.status}
            href={q.status === 'open' ? '/moderation' : `/moderation?status=${q.status}`}
            aria-current={q.status === status ? 'page' : undefined}
          >
            {q.label}
          </Link>
        ))}
      </nav>
      {list.state === 'loading' ? (
        <Loading />
      ) : list.state === 'error' ? (
        <ErrorNote error={list.error}>
          <button type="button" className="button secondary small" onClick={() => void list.reload()}>
            Try again
          </button>
        </ErrorNote>
      ) : list.items.length === 0 ? (
        <p className="muted empty">{queue?.empty}</p>
      ) : (
        <>
          <ul className="report-list">
            {list.items.map((r) => (
              <ReportCard key={r.id} report={r} />
            ))}
          </ul>
          <LoadMore
            hasMore={!!list.nextCursor}
            loading={list.loadingMore}
            error={list.moreError}
            onClick={list.loadMore}
          />
        </>
      )}
    </section>
  );
}

function DecisionForm({ report, onDecided }: { report: Report; onDecided: (report: Report) => void }) {
  const id = useId();
  const announce = useAnnounce();
  const final = report.status === 'appealed';
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [reason, setReason] = useState('');
  const [suspend, setSuspend] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!verdict) {
      setError(new Error('Choose a verdict: no violation or violation.'));
      return;
    }
    if (!reason.trim()) {
      setError(new Error('Write the reason for your decision; the person concerned will read it.'));
      document.getElementById(`${id}-reason`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await api.decide(report.id, {
        verdict,
        reason: reason.trim(),
        suspend: verdict === 'violation' && suspend,
      });
      onDecided(next);
      announce(final ? 'Final decision recorded.' : 'Decision recorded.');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="decision-form">
      <h2>{final ? 'Final decision on the appeal' : 'Your decision'}</h2>
      {final && (
        <p className="muted">
          This decision is final. “Violation” upholds the first decision; “No violation” overturns it.
        </p>
      )}
      <fieldset className="radio-group form">
        <legend>Verdict</legend>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-verdict`}
            value="no_violation"
            checked={verdict === 'no_violation'}
            onChange={() => {
              setVerdict('no_violation');
              setError(null);
            }}
          />
          <span>
            <span className="choice-label">No violation</span>
            <span className="hint">{final ? 'Overturn: the report is closed.' : 'The report is closed.'}</span>
          </span>
        </label>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-verdict`}
            value="violation"
            checked={verdict === 'violation'}
            onChange={() => {
              setVerdict('violation');
              setError(null);
            }}
          />
          <span>
            <span className="choice-label">Violation</span>
            <span className="hint">
              {final
                ? 'Uphold: the violation stands.'
                : 'The recording is kept 90 days and the person may appeal once.'}
            </span>
          </span>
        </label>
      </fieldset>
      {verdict === 'violation' && (
        <label className="check">
          <input type="checkbox" checked={suspend} onChange={(e) => setSuspend(e.target.checked)} />
          <span>
            Suspend the account of {report.accountable.displayName}
            <span className="hint check-hint">
              They can still listen, read and appeal, but cannot post, host or speak.
            </span>
          </span>
        </label>
      )}
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <textarea
          id={`${id}-reason`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={4}
          maxLength={1000}
          required
          aria-required="true"
          aria-describedby={`${id}-reason-hint`}
        />
        <small id={`${id}-reason-hint`} className="hint">
          Required. {report.accountable.displayName} will read it.
        </small>
      </div>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : final ? 'Make the final decision' : 'Record decision'}
        </button>
      </div>
    </form>
  );
}

export function ModerationReportPage({ id }: { id: string }) {
  const gate = useModerator();
  const report = useLoad(`report:${id}:${gate ? 'no' : 'yes'}`, () =>
    gate ? Promise.resolve(null) : api.moderationReport(id),
  );
  useTitle('Report');
  if (gate) return gate;
  if (report.state === 'loading') return <Loading />;
  if (report.state === 'error') {
    if (isNotFound(report.error)) return <NotFoundPage what="report" />;
    return (
      <section className="card">
        <p className="back">
          <Link href="/moderation">← Moderation</Link>
        </p>
        <ErrorNote error={report.error} />
      </section>
    );
  }
  const r = report.data;
  if (!r) return <Loading />;
  const decidable = r.status === 'open' || r.status === 'appealed';

  return (
    <>
      <section className="card" data-testid="report">
        <p className="back">
          <Link href={r.status === 'appealed' ? '/moderation?status=appealed' : '/moderation'}>← Moderation</Link>
        </p>
        <h1>Report about “{r.space.title}”</h1>
        <p>
          <StatusPill status={r.status} />
        </p>
        <div className="report-block">
          <h2>Reason given</h2>
          <p className="quote">{r.reason}</p>
          <dl className="facts">
            <dt>Reported</dt>
            <dd>{reportedText(r)}</dd>
            <dt>By</dt>
            <dd>{r.reporter ? <Link href={`/u/${r.reporter.handle}`}>{r.reporter.displayName}</Link> : 'Not shown'}</dd>
            <dt>When</dt>
            <dd>{fullDate(r.createdAt)}</dd>
            <dt>Space</dt>
            <dd>
              <Link href={`/spaces/${r.space.id}`}>{r.space.title}</Link> · hosted by{' '}
              <Link href={`/u/${r.space.host.handle}`}>{r.space.host.displayName}</Link>
            </dd>
            <dt>Accountable</dt>
            <dd>
              <Link href={`/u/${r.accountable.handle}`}>{r.accountable.displayName}</Link>
            </dd>
          </dl>
        </div>
        <div className="report-block">
          <h2>Recording</h2>
          <ReportRecording report={r} />
        </div>
        <div className="report-block">
          <h2>Decisions</h2>
          <DecisionList decisions={r.decisions} showModerator />
        </div>
        {r.appeal && (
          <div className="report-block" data-testid="appeal">
            <h2>Appeal</h2>
            <p className="muted report-meta">
              {r.appeal.by.displayName} appealed on {fullDate(r.appeal.createdAt)}:
            </p>
            <p className="quote">{r.appeal.statement}</p>
          </div>
        )}
        {!r.appeal && r.appealUntil && (
          <p className="muted report-meta">
            {r.accountable.displayName} may appeal until {dayDate(r.appealUntil)}.
          </p>
        )}
      </section>
      {decidable && (
        <section className="card">
          <DecisionForm report={r} onDecided={(next) => report.setData(() => next)} />
        </section>
      )}
    </>
  );
}
