import type { Report, Verdict } from '@earshot/protocol';
import { type FormEvent, type ReactElement, useId, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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

const queues = [{ status: 'open' }, { status: 'appealed' }, { status: 'decided' }] as const satisfies {
  status: Exclude<ReportQueue, 'all'>;
}[];

/** Moderators only; everyone else gets a page that says so, with a way on. */
function useModerator(): ReactElement | null {
  const { user } = useSession();
  const { t } = useTranslation();
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt heading={t('moderation.signIn')} />;
  if (!user.moderator) {
    return (
      <section className="card center">
        <h1>{t('moderation.onlyTitle')}</h1>
        <p className="muted">{t('moderation.onlyText')}</p>
        <p>
          <Link href="/" className="button">
            {t('notFound.goHome')}
          </Link>
        </p>
      </section>
    );
  }
  return null;
}

function ReportCard({ report }: { report: Report }) {
  const { t } = useTranslation();
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
          {report.reporter
            ? t('moderation.reportedBy', { name: report.reporter.displayName, what: reportedText(report) })
            : t('moderation.reportedAnon', { what: reportedText(report) })}
        </span>
      </Link>
    </li>
  );
}

export function ModerationPage() {
  const gate = useModerator();
  const { t } = useTranslation();
  const search = useSearch();
  const asked = new URLSearchParams(search).get('status');
  const queue = queues.find((q) => q.status === asked) ?? queues[0];
  const status = queue?.status ?? 'open';
  useTitle(t('moderation.title'));
  const list = usePaged(`moderation:${status}:${gate ? 'no' : 'yes'}`, (page) =>
    gate ? Promise.resolve({ items: [], nextCursor: null }) : api.moderationReports(status, page),
  );
  if (gate) return gate;

  return (
    <section className="card">
      <h1>{t('moderation.title')}</h1>
      <nav className="subtabs" aria-label={t('moderation.reports')}>
        {queues.map((q) => (
          <Link
            key={q.status}
            href={q.status === 'open' ? '/moderation' : `/moderation?status=${q.status}`}
            aria-current={q.status === status ? 'page' : undefined}
          >
            {t(`moderation.queue.${q.status}`)}
          </Link>
        ))}
      </nav>
      {list.state === 'loading' ? (
        <Loading />
      ) : list.state === 'error' ? (
        <ErrorNote error={list.error}>
          <button type="button" className="button secondary small" onClick={() => void list.reload()}>
            {t('common.tryAgain')}
          </button>
        </ErrorNote>
      ) : list.items.length === 0 ? (
        <p className="muted empty">{t(`moderation.empty.${status}`)}</p>
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
  const { t } = useTranslation();
  const final = report.status === 'appealed';
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [reason, setReason] = useState('');
  const [suspend, setSuspend] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!verdict) {
      setError(new Error(t('moderation.chooseVerdict')));
      return;
    }
    if (!reason.trim()) {
      setError(new Error(t('moderation.writeReason')));
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
      announce(final ? t('moderation.finalRecorded') : t('moderation.recorded'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="decision-form">
      <h2>{final ? t('moderation.finalTitle') : t('moderation.yourDecision')}</h2>
      {final && <p className="muted">{t('moderation.finalText')}</p>}
      <fieldset className="radio-group form">
        <legend>{t('moderation.verdict')}</legend>
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
            <span className="choice-label">{t('reports.status.no_violation')}</span>
            <span className="hint">{final ? t('moderation.overturnHint') : t('moderation.closedHint')}</span>
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
            <span className="choice-label">{t('reports.status.violation')}</span>
            <span className="hint">{final ? t('moderation.upholdHint') : t('moderation.violationHint')}</span>
          </span>
        </label>
      </fieldset>
      {verdict === 'violation' && (
        <label className="check">
          <input type="checkbox" checked={suspend} onChange={(e) => setSuspend(e.target.checked)} />
          <span>
            {t('moderation.suspend', { name: report.accountable.displayName })}
            <span className="hint check-hint">{t('moderation.suspendHint')}</span>
          </span>
        </label>
      )}
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t('moderation.reason')}</label>
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
          {t('moderation.reasonHint', { name: report.accountable.displayName })}
        </small>
      </div>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('common.saving') : final ? t('moderation.makeFinal') : t('moderation.record')}
        </button>
      </div>
    </form>
  );
}

export function ModerationReportPage({ id }: { id: string }) {
  const gate = useModerator();
  const { t } = useTranslation();
  const report = useLoad(`report:${id}:${gate ? 'no' : 'yes'}`, () =>
    gate ? Promise.resolve(null) : api.moderationReport(id),
  );
  useTitle(t('moderation.report'));
  if (gate) return gate;
  if (report.state === 'loading') return <Loading />;
  if (report.state === 'error') {
    if (isNotFound(report.error)) return <NotFoundPage what="report" />;
    return (
      <section className="card">
        <p className="back">
          <Link href="/moderation">← {t('moderation.title')}</Link>
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
          <Link href={r.status === 'appealed' ? '/moderation?status=appealed' : '/moderation'}>
            ← {t('moderation.title')}
          </Link>
        </p>
        <h1>{t('moderation.reportAbout', { title: r.space.title })}</h1>
        <p>
          <StatusPill status={r.status} />
        </p>
        <div className="report-block">
          <h2>{t('moderation.reasonGiven')}</h2>
          <p className="quote">{r.reason}</p>
          <dl className="facts">
            <dt>{t('moderation.facts.reported')}</dt>
            <dd>{reportedText(r)}</dd>
            <dt>{t('moderation.facts.by')}</dt>
            <dd>
              {r.reporter ? (
                <Link href={`/u/${r.reporter.handle}`}>{r.reporter.displayName}</Link>
              ) : (
                t('moderation.facts.notShown')
              )}
            </dd>
            <dt>{t('moderation.facts.when')}</dt>
            <dd>{fullDate(r.createdAt)}</dd>
            <dt>{t('moderation.facts.space')}</dt>
            <dd>
              <Trans
                i18nKey="moderation.facts.spaceLine"
                values={{ title: r.space.title, name: r.space.host.displayName }}
                components={{
                  space: <Link href={`/spaces/${r.space.id}`} />,
                  host: <Link href={`/u/${r.space.host.handle}`} />,
                }}
              />
            </dd>
            <dt>{t('moderation.facts.accountable')}</dt>
            <dd>
              <Link href={`/u/${r.accountable.handle}`}>{r.accountable.displayName}</Link>
            </dd>
          </dl>
        </div>
        <div className="report-block">
          <h2>{t('moderation.recording')}</h2>
          <ReportRecording report={r} />
        </div>
        <div className="report-block">
          <h2>{t('moderation.decisions')}</h2>
          <DecisionList decisions={r.decisions} showModerator />
        </div>
        {r.appeal && (
          <div className="report-block" data-testid="appeal">
            <h2>{t('moderation.appeal')}</h2>
            <p className="muted report-meta">
              {t('moderation.appealedOn', { name: r.appeal.by.displayName, date: fullDate(r.appeal.createdAt) })}
            </p>
            <p className="quote">{r.appeal.statement}</p>
          </div>
        )}
        {!r.appeal && r.appealUntil && (
          <p className="muted report-meta">
            {t('moderation.mayAppeal', { name: r.accountable.displayName, date: dayDate(r.appealUntil) })}
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
