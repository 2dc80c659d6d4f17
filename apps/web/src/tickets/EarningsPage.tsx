import type { Earnings } from '@earshot/protocol';
import { useEffect, useState } from 'react';
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
  useTitle('Earnings');
  const [earnings, setEarnings] = useState<Earnings | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (user) api.earnings().then(setEarnings, setError);
  }, [user]);
  if (user === undefined) return <Loading />;
  if (!user) return <SignInPrompt heading="Sign in to see your earnings" />;
  if (error) return <ErrorNote error={error} />;
  if (!earnings) return <Loading label="Loading earnings…" />;
  return (
    <section className="card earnings" aria-labelledby="earnings-heading">
      <h1 id="earnings-heading">Earnings</h1>
      {earnings.lifetime.length === 0 ? (
        <p className="muted">No ticket sales yet. Sell tickets when you start a Space.</p>
      ) : (
        <ul className="earnings-lifetime" aria-label="Lifetime">
          {earnings.lifetime.map((l) => (
            <li key={l.currency}>
              <span className="earnings-amount" data-testid={`earned-${l.currency}`}>
                {formatMoney(l.hostMinor, l.currency)}
              </span>
              <span className="muted">
                {' '}
                yours of {formatMoney(l.grossMinor, l.currency)} from {l.tickets} ticket{l.tickets === 1 ? '' : 's'}
              </span>
            </li>
          ))}
        </ul>
      )}
      {earnings.spaces.length > 0 && (
        <table className="earnings-table">
          <caption className="visually-hidden">Per Space</caption>
          <thead>
            <tr>
              <th scope="col">Space</th>
              <th scope="col">Tickets</th>
              <th scope="col">Yours</th>
            </tr>
          </thead>
          <tbody>
            {earnings.spaces.map((s) => (
              <tr key={s.spaceId}>
                <th scope="row">
                  <Link href={`/spaces/${s.spaceId}`}>{s.title}</Link>
                  {s.refundsPending > 0 && <span className="muted"> · {s.refundsPending} refunds in progress</span>}
                </th>
                <td>
                  {s.tickets}
                  {s.refunded > 0 && <span className="muted"> ({s.refunded} refunded)</span>}
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
