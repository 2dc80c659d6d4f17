import type { TicketingView } from '@earshot/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, errorMessage, type SpaceView } from '../api';
import { Loading } from '../components/Status';
import { i18n } from '../i18n';
import { useSession } from '../session';
import { formatMoney } from './money';

/** Seats left, re-read every few seconds while the card is open. */
function useTicketedSpace(id: string) {
  const [view, setView] = useState<SpaceView | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api.space(id).then(
        (v) => !stopped && setView(v),
        () => {},
      );
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [id]);
  return view;
}

export const seatsLeft = (t: TicketingView) =>
  t.remaining === 0
    ? i18n.t('tickets.soldOut')
    : i18n.t('tickets.seatsLeft', { count: t.capacity, remaining: t.remaining.toLocaleString(i18n.language) });

/**
 * What everyone without a ticket sees of a ticketed Space: its card, the price, seats left and
 * "Buy ticket" (a confirm step; with Stripe the browser goes to Checkout and comes back).
 */
export function TicketGate({ id, onAdmitted }: { id: string; onAdmitted: () => void }) {
  const { user } = useSession();
  const { t: tr } = useTranslation();
  const view = useTicketedSpace(id);
  // Back from Stripe Checkout: the ticket arrives with its webhook; the card polls until then.
  const paying = new URLSearchParams(window.location.search).get('ticket') === 'paid';
  const admitted = view?.ticketing?.youHaveTicket ?? false;
  useEffect(() => {
    if (admitted) onAdmitted();
  }, [admitted, onAdmitted]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const buyRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  if (!view) return <Loading label={tr('tickets.loadingSpace')} />;
  const t = view.ticketing;
  if (!t) return null;

  const buy = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const result = await api.buyTicket(id);
      if ('checkoutUrl' in result) {
        window.location.assign(result.checkoutUrl);
        return;
      }
      onAdmitted();
    } catch (e) {
      setProblem(errorMessage(e));
      setConfirming(false);
      buyRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const price = formatMoney(t.priceMinor, t.currency);
  return (
    <section className="card ticket-gate" aria-labelledby="ticket-gate-heading" data-testid="ticket-gate">
      <p className="ticket-kicker">{tr('tickets.ticketed')}</p>
      <h1 id="ticket-gate-heading">{view.space.title}</h1>
      <p className="muted">
        {tr('tickets.hostedBy', { name: view.space.host.displayName })} ·{' '}
        {view.space.status === 'live' ? tr('tickets.liveNow') : tr('tickets.notStarted')}
      </p>
      <p className="ticket-price" data-testid="ticket-price">
        {price}
      </p>
      <p className="ticket-seats" role="status" aria-live="polite" data-testid="seats-left">
        {t.cancelled ? tr('tickets.cancelled') : seatsLeft(t)}
      </p>
      <p className="muted">{tr('tickets.onlyHolders')}</p>
      {paying && !admitted && (
        <p role="status" data-testid="payment-pending">
          {tr('tickets.paymentReceived')}
        </p>
      )}
      {problem && (
        <p className="error-note" role="alert">
          {problem}
        </p>
      )}
      {!user ? (
        <p>
          <Link href="/login" className="button">
            {tr('tickets.signIn')}
          </Link>
        </p>
      ) : confirming ? (
        <fieldset className="actions ticket-confirm">
          <legend className="visually-hidden">{tr('tickets.confirm')}</legend>
          <button ref={confirmRef} type="button" className="button" onClick={buy} disabled={busy}>
            {busy ? tr('tickets.paying') : tr('tickets.pay', { price })}
          </button>
          <button type="button" className="button secondary" onClick={() => setConfirming(false)} disabled={busy}>
            {tr('common.cancel')}
          </button>
        </fieldset>
      ) : (
        <div className="actions">
          <button
            ref={buyRef}
            type="button"
            className="button"
            onClick={() => setConfirming(true)}
            disabled={!t.onSale}
            data-testid="buy-ticket"
          >
            {tr('tickets.buy')}
          </button>
        </div>
      )}
    </section>
  );
}

/** In the room: "You have a ticket" for holders of a ticketed Space. */
export function TicketBadge({ id }: { id: string }) {
  const ticketing = useTicketedSpace(id)?.ticketing;
  const { t } = useTranslation();
  if (!ticketing) return null;
  return (
    <p className="ticket-badge" data-testid="ticket-badge">
      {ticketing.youHaveTicket ? t('tickets.youHave') : t('tickets.ticketed')} · {seatsLeft(ticketing)}
    </p>
  );
}
