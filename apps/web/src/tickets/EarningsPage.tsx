import type { Earnings } from '@earshot/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api';
import { SignInPrompt } from '../components/SignInPrompt';
import { ErrorNote, Loading } from '../components/Status';
import { useSession } from '../session';
import { useTitle } from '../use-title';
import { formatMoney } from './money';

/** The host's earnings from tickets: lifetime per currency, then per Space. */
export function EarningsPage() {
  const { user } = useSession();
  const { t } = useTranslation();
  useTitle(t('earnings.title'));
  const [earnings, setEarnings] = useState<Earnings | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (user) api.earnings().then(setEarnings, setError);
  }, [user]);
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt heading={t('earnings.signIn')} />;
  if (error) return <ErrorNote error={error} />;
  if (!earnings) return <Loading label={t('earnings.loading')} />;
  return (
    <section className="card earnings" aria-labelledby="earnings-heading">
      <h1 id="earnings-heading">{t('earnings.title')}</h1>
      {earnings.lifetime.length === 0 ? (
        <p className="muted">{t('earnings.none')}</p>
      ) : (
        <ul className="earnings-lifetime" aria-label={t('earnings.lifetime')}>
          {earnings.lifetime.map((l) => (
            <li key={l.currency}>
              <span className="earnings-amount" data-testid={`earned-${l.currency}`}>
                {formatMoney(l.hostMinor, l.currency)}
              </span>
              <span className="muted">
                {' '}
                {t('earnings.yoursOf', { count: l.tickets, gross: formatMoney(l.grossMinor, l.currency) })}
              </span>
            </li>
          ))}
        </ul>
      )}
      {earnings.spaces.length > 0 && (
        <table className="earnings-table">
          <caption className="visually-hidden">{t('earnings.perSpace')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('moderation.facts.space')}</th>
              <th scope="col">{t('tickets.tickets')}</th>
              <th scope="col">{t('earnings.yours')}</th>
            </tr>
          </thead>
          <tbody>
            {earnings.spaces.map((s) => (
              <tr key={s.spaceId}>
                <th scope="row">
                  <Link href={`/spaces/${s.spaceId}`}>{s.title}</Link>
                  {s.refundsPending > 0 && (
                    <span className="muted"> · {t('earnings.refundsPending', { count: s.refundsPending })}</span>
                  )}
                </th>
                <td>
                  {s.tickets}
                  {s.refunded > 0 && <span className="muted"> ({t('earnings.refunded', { count: s.refunded })})</span>}
                </td>
                <td>{formatMoney(s.hostMinor, s.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
