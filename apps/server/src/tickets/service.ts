import type { Eligibility, RoomState, TicketingInput, TicketingView } from '@earshot/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Viewer } from '../http/auth';
import { AppError, notFound } from '../http/errors';
import { newId } from '../ids';
import { enqueue, type JobHandler, type JobRunner } from '../jobs/jobs';
import type { Notifier } from '../social/notifications';
import { followerCount, summariesById } from '../social/users-store';
import { blockedByHost, hostedSince, loadRoom, spaceHeads } from '../spaces/store';
import type { Db } from '../store/db';
import { account, post } from './ledger';
import type { PaymentProvider } from './payments';
import {
  checkPrice,
  decideBuyerRefund,
  decideEdit,
  decideSale,
  eligibility,
  refundRetryDelayMs,
  splitSale,
  unmetMessage,
  type Verdict,
} from './rules';
import * as store from './store';

export const REFUND_JOB = 'ticket_refund';
const DAY_MS = 86_400_000;

const refuse = (v: Verdict) => {
  if (!v.ok) throw new AppError(v.status, v.code, v.message);
};

/**
 * Ticketed Spaces: who may sell, the offer and its seats, buying through the payment provider,
 * the revenue share, refunds as durable jobs, and what a viewer's ticket admits them to.
 */
export interface TicketDeps {
  db: Db;
  config: Config;
  clock: Clock;
  notifier: Notifier;
  log: FastifyBaseLogger;
  /** Where this capability registers its job kinds (refunds). */
  jobs: Pick<JobRunner, 'register'>;
}

export function createTicketService({ db, config, clock, notifier, log, jobs }: TicketDeps, provider: PaymentProvider) {
  const revenue = {
    hostShareBp: config.TICKETS_HOST_SHARE_BP,
    hostShareAfterBp: config.TICKETS_HOST_SHARE_AFTER_BP,
    thresholdMinor: config.TICKETS_SHARE_THRESHOLD_MINOR,
  };
  const eligibilityPolicy = {
    minFollowers: config.TICKETS_MIN_FOLLOWERS,
    minHostedSpaces: config.TICKETS_MIN_HOSTED_SPACES,
    hostedWindowDays: config.TICKETS_HOSTED_WINDOW_DAYS,
    requireAdult: config.TICKETS_REQUIRE_ADULT,
  };
  const prices = { minPriceMinor: config.TICKETS_MIN_PRICE_MINOR, maxPriceMinor: config.TICKETS_MAX_PRICE_MINOR };

  async function eligibilityOf(userId: string): Promise<Eligibility> {
    const since = new Date(clock.now().getTime() - eligibilityPolicy.hostedWindowDays * DAY_MS);
    const s = await store.seller(db, userId);
    return eligibility(
      {
        followers: await followerCount(db, userId),
        hostedSpaces: await hostedSince(db, userId, since),
        adultConfirmed: Boolean(s?.adult_confirmed_at),
        granted: Boolean(s?.granted_at),
      },
      eligibilityPolicy,
    );
  }

  /** Refuses (403 not_eligible, naming every unmet condition) a host who may not sell, or a bad price. */
  async function assertMaySell(hostId: string, terms: TicketingInput) {
    refuse(checkPrice(terms.priceMinor, prices));
    const e = await eligibilityOf(hostId);
    if (!e.eligible) throw new AppError(403, 'not_eligible', unmetMessage(e));
  }

  /** Called inside the Space's creation transaction. */
  const createOffer = (tx: Db, spaceId: string, hostId: string, terms: TicketingInput) =>
    store.insertOffer(tx, spaceId, hostId, terms);

  /** PATCH: set, change or drop the terms, by the host, before the Space starts and before the first sale. */
  async function setTerms(viewer: Viewer, spaceId: string, terms: TicketingInput | null) {
    const { state, hostId } = await loadRoom(db, spaceId);
    if (viewer.id !== hostId) throw new AppError(403, 'forbidden', 'only the host sets ticketing');
    if (terms) await assertMaySell(hostId, terms);
    await db.transaction().execute(async (tx) => {
      const offer = await store.loadOffer(tx, spaceId, true);
      refuse(decideEdit(offer ? store.offerFacts(offer, state.status) : null, state.status));
      await store.replaceOffer(tx, spaceId, hostId, terms);
    });
    return view(spaceId, viewer.id, state.status);
  }

  const toView = (offer: NonNullable<store.OfferRow>, holder: boolean, status: string): TicketingView => ({
    priceMinor: Number(offer.price_minor),
    currency: offer.currency,
    capacity: offer.capacity,
    salesOpenAt: offer.sales_open_at?.toISOString() ?? null,
    salesCloseAt: offer.sales_close_at?.toISOString() ?? null,
    sold: offer.sold,
    remaining: Math.max(0, offer.capacity - offer.sold - offer.held),
    locked: offer.sold + offer.held > 0,
    onSale: decideSale(store.offerFacts(offer, status), clock.now()).ok,
    cancelled: offer.cancelled_at !== null,
    youHaveTicket: holder,
  });

  async function view(spaceId: string, viewerId: string | null, status: string) {
    const pass = (await store.passes(db, [spaceId], viewerId)).get(spaceId);
    return pass ? toView(pass.offer, pass.holder, status) : null;
  }

  /** Ticketing of many Spaces at once (discovery lists). */
  async function views(spaces: { id: string; status: string }[], viewerId: string | null) {
    const found = await store.passes(
      db,
      spaces.map((s) => s.id),
      viewerId,
    );
    return new Map(
      spaces.flatMap((s) => {
        const p = found.get(s.id);
        return p ? [[s.id, toView(p.offer, p.holder, s.status)] as const] : [];
      }),
    );
  }

  /** What the Space's rules need to place a viewer: is it ticketed, and do they hold a valid ticket. */
  async function admission(exec: Db, spaceId: string, userId: string | null) {
    const pass = (await store.passes(exec, [spaceId], userId)).get(spaceId);
    return { ticketed: Boolean(pass), holder: pass?.holder ?? false };
  }

  /** Records a paid sale in the ledger: the host's and the platform's shares (under the host's revenue row lock). */
  async function recordSale(tx: Db, ticket: store.TicketRow, hostId: string) {
    const price = Number(ticket.price_minor);
    const before = await store.addHostGross(tx, hostId, ticket.currency, price);
    const split = splitSale(before, price, revenue);
    await tx
      .updateTable('tickets')
      .set({ host_share_minor: split.hostMinor, platform_share_minor: split.platformMinor })
      .where('id', '=', ticket.id)
      .execute();
    await post(tx, {
      kind: 'ticket_sale',
      memo: `ticket ${ticket.id} for Space ${ticket.space_id}`,
      ticketId: ticket.id,
      lines: [
        { account: sourceOf(ticket), amountMinor: -price },
        { account: account.earnings(hostId, ticket.currency), amountMinor: split.hostMinor },
        { account: account.platform(ticket.currency), amountMinor: split.platformMinor },
      ],
    });
  }

  const sourceOf = (t: { provider: string; user_id: string; currency: string }) =>
    t.provider === 'stripe' ? account.stripe(t.currency) : account.wallet(t.user_id, t.currency);

  /**
   * Buys one ticket for the viewer. The seat is taken under the offer's row lock (one writer per
   * offer: no oversell), with the ledger's payment in the same transaction; with Stripe the seat
   * is held while the Checkout Session is open and the ticket issued by its webhook.
   */
  async function buy(viewer: Viewer, spaceId: string, urls: { success: string; cancel: string }) {
    const { state, hostId } = await loadRoom(db, spaceId);
    if (viewer.id === hostId) throw new AppError(409, 'conflict', 'you host this Space: you need no ticket');
    if ((await blockedByHost(db, hostId, [viewer.id])).has(viewer.id) || state.removed.includes(viewer.id))
      throw new AppError(403, 'forbidden', 'you cannot join this Space');
    const now = clock.now();
    const ticketId = newId();
    const base = { id: ticketId, space_id: spaceId, user_id: viewer.id, provider: provider.name };
    const result = await db.transaction().execute(async (tx) => {
      const offer = await store.loadOffer(tx, spaceId, true);
      if (!offer) throw new AppError(403, 'not_on_sale', 'this Space has no tickets for sale');
      await store.releaseExpiredHolds(tx, spaceId, now);
      const mine = await store.liveTicketOf(tx, spaceId, viewer.id);
      if (mine?.status === 'held' && mine.checkout_url) return { checkoutUrl: mine.checkout_url };
      const fresh = await store.loadOffer(tx, spaceId);
      refuse(decideSale(store.offerFacts(fresh ?? offer, state.status), now));
      if (mine) throw new AppError(409, 'already_have_ticket', 'you already have a ticket to this Space');
      const values = { ...base, price_minor: Number(offer.price_minor), currency: offer.currency };
      if (provider.checkout) {
        await store.moveSeats(tx, spaceId, { held: 1 });
        // Until the session exists; then the session's own expiry.
        const holdUntil = new Date(now.getTime() + 35 * 60_000);
        await tx
          .insertInto('tickets')
          .values({ ...values, status: 'held', hold_expires_at: holdUntil })
          .execute();
        return { hold: values };
      }
      await store.moveSeats(tx, spaceId, { sold: 1 });
      await tx
        .insertInto('tickets')
        .values({ ...values, status: 'valid', issued_at: now })
        .execute();
      await recordSale(tx, (await store.loadTicket(tx, ticketId)) as store.TicketRow, offer.host_id);
      return { issued: true };
    });
    if ('checkoutUrl' in result) return { checkoutUrl: result.checkoutUrl as string };
    if ('issued' in result) {
      const t = (await store.loadTicket(db, ticketId)) as store.TicketRow;
      return { ticket: store.toTicket(t, state.title) };
    }
    return { checkoutUrl: await openCheckout(result.hold, state, viewer.id, urls) };
  }

  async function openCheckout(
    hold: { id: string; price_minor: number; currency: string },
    state: RoomState,
    buyerId: string,
    urls: { success: string; cancel: string },
  ) {
    const checkout = provider.checkout as NonNullable<PaymentProvider['checkout']>;
    try {
      const session = await checkout({
        ticketId: hold.id,
        spaceId: state.id,
        title: state.title,
        priceMinor: hold.price_minor,
        currency: hold.currency,
        buyerId,
        successUrl: urls.success,
        cancelUrl: urls.cancel,
      });
      await db
        .updateTable('tickets')
        .set({ checkout_session_id: session.sessionId, checkout_url: session.url, hold_expires_at: session.expiresAt })
        .where('id', '=', hold.id)
        .where('status', '=', 'held')
        .execute();
      return session.url;
    } catch (err) {
      log.warn({ err, ticketId: hold.id }, 'opening a Stripe checkout failed');
      await db.transaction().execute(async (tx) => {
        await store.loadOffer(tx, state.id, true);
        const released = await tx
          .updateTable('tickets')
          .set({ status: 'expired' })
          .where('id', '=', hold.id)
          .where('status', '=', 'held')
          .returning('id')
          .executeTakeFirst();
        if (released) await store.moveSeats(tx, state.id, { held: -1 });
      });
      throw new AppError(502, 'payment_failed', 'the payment could not be started; try again');
    }
  }

  /**
   * A Stripe webhook delivery: verified on the raw body, stored once (a duplicate, replay or
   * concurrent copy finds the event's id and changes nothing), handled in the same transaction.
   */
  async function stripeWebhook(rawBody: Buffer, signature: string | undefined) {
    if (!provider.verifyWebhook) throw new AppError(404, 'not_found', 'Stripe payments are not enabled');
    if (!signature) throw new AppError(400, 'invalid_signature', 'the Stripe-Signature header is missing');
    const event = provider.verifyWebhook(rawBody, signature);
    const session = event.data.object as {
      id: string;
      client_reference_id?: string | null;
      metadata?: Record<string, string> | null;
      payment_intent?: string | { id: string } | null;
      payment_status?: string;
      amount_total?: number | null;
      currency?: string | null;
    };
    const ticketId = session.metadata?.ticketId ?? session.client_reference_id ?? null;
    const known = ticketId ? await store.loadTicket(db, ticketId) : undefined;
    let refundId: string | null = null;
    const outcome = await db.transaction().execute(async (tx) => {
      if (!known) {
        await store.firstDelivery(tx, event.id, event.type);
        return 'ignored';
      }
      // Lock order everywhere: offer, then ticket, then revenue and accounts.
      const offer = await store.loadOffer(tx, known.space_id, true);
      if (!(await store.firstDelivery(tx, event.id, event.type))) return 'duplicate';
      const ticket = (await store.loadTicket(tx, known.id, true)) as store.TicketRow;
      if (!offer) return 'ignored';
      if (event.type === 'checkout.session.expired') {
        if (ticket.status !== 'held') return 'ignored';
        await tx.updateTable('tickets').set({ status: 'expired' }).where('id', '=', ticket.id).execute();
        await store.moveSeats(tx, ticket.space_id, { held: -1 });
        return 'expired';
      }
      const paid =
        (event.type === 'checkout.session.completed' && session.payment_status === 'paid') ||
        event.type === 'checkout.session.async_payment_succeeded';
      if (!paid || (ticket.status !== 'held' && ticket.status !== 'expired')) return 'ignored';
      const paymentRef =
        typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
      const wasHeld = ticket.status === 'held';
      const rightAmount =
        session.amount_total === Number(ticket.price_minor) &&
        session.currency?.toUpperCase() === ticket.currency.toUpperCase();
      // A hold that expired here may still find a free seat; a cancelled Space or a wrong amount is refunded.
      const seat = wasHeld || offer.sold + offer.held < offer.capacity;
      const other = await store.liveTicketOf(tx, ticket.space_id, ticket.user_id);
      if (offer.cancelled_at || !rightAmount || !seat || (other && other.id !== ticket.id)) {
        if (wasHeld) await store.moveSeats(tx, ticket.space_id, { held: -1 });
        await tx
          .updateTable('tickets')
          .set({
            status: 'refunding',
            payment_ref: paymentRef ?? null,
            refund_reason: offer.cancelled_at
              ? 'the Space was cancelled'
              : !rightAmount
                ? 'the amount paid did not match the price'
                : 'no seat was left when the payment completed',
          })
          .where('id', '=', ticket.id)
          .execute();
        await enqueueRefund(tx, ticket.id);
        refundId = ticket.id;
        return 'refunding';
      }
      await store.moveSeats(tx, ticket.space_id, { held: wasHeld ? -1 : 0, sold: 1 });
      await tx
        .updateTable('tickets')
        .set({ status: 'valid', payment_ref: paymentRef ?? null, issued_at: clock.now() })
        .where('id', '=', ticket.id)
        .execute();
      await recordSale(tx, ticket, offer.host_id);
      return 'issued';
    });
    if (refundId) log.info({ ticketId: refundId }, 'a paid checkout is refunded');
    return { received: true, outcome };
  }

  const enqueueRefund = (tx: Db, ticketId: string, runAt = clock.now()) =>
    enqueue(tx, { kind: REFUND_JOB, key: `refund:${ticketId}`, payload: { ticketId }, runAt });

  /**
   * Refunds every ticket of a Space (cancelled or missed): closes its sales and queues one durable
   * refund job per paid ticket, in `exec`'s transaction when given (the Space's own change).
   */
  async function refundAllForSpace(spaceId: string, reason: string, exec?: Db) {
    const work = async (tx: Db) => {
      const offer = await store.loadOffer(tx, spaceId, true);
      if (!offer) return 0;
      if (!offer.cancelled_at)
        await tx
          .updateTable('ticket_offers')
          .set({ cancelled_at: clock.now() })
          .where('space_id', '=', spaceId)
          .execute();
      const refunding = await tx
        .updateTable('tickets')
        .set({ status: 'refunding', refund_reason: reason })
        .where('space_id', '=', spaceId)
        .where('status', '=', 'valid')
        .returning('id')
        .execute();
      for (const t of refunding) await enqueueRefund(tx, t.id);
      return refunding.length;
    };
    const n = exec ? await work(exec) : await db.transaction().execute(work);
    log.info({ spaceId, tickets: n, reason }, 'refunding every ticket');
    return n;
  }

  /**
   * The Space's command path calls this inside its transaction when the status changes. The
   * cancelled and missed states (scheduling) refund every ticket.
   */
  async function statusChanged(tx: Db, spaceId: string, status: string) {
    if (status === 'cancelled' || status === 'missed')
      await refundAllForSpace(
        spaceId,
        status === 'cancelled' ? 'the Space was cancelled' : 'the Space did not start',
        tx,
      );
  }

  /** A buyer's own refund, before the Space starts. */
  async function refundMine(viewer: Viewer, ticketId: string) {
    const t = await store.loadTicket(db, ticketId);
    if (!t) throw notFound('ticket');
    const { state } = await loadRoom(db, t.space_id);
    await db.transaction().execute(async (tx) => {
      await store.loadOffer(tx, t.space_id, true);
      const locked = (await store.loadTicket(tx, ticketId, true)) as store.TicketRow;
      refuse(decideBuyerRefund({ status: locked.status, ownerId: locked.user_id }, viewer.id, state.status));
      await tx
        .updateTable('tickets')
        .set({ status: 'refunding', refund_reason: 'refunded at your request' })
        .where('id', '=', ticketId)
        .execute();
      await enqueueRefund(tx, ticketId);
    });
    return store.toTicket((await store.loadTicket(db, ticketId)) as store.TicketRow, state.title);
  }

  /**
   * One ticket's refund: the provider gives the money back (Stripe, idempotent per ticket), then
   * the ledger reverses the sale, the seat returns and the buyer is told. A failure is recorded on
   * the ticket (the host and admin see it) and retried with backoff for as long as it takes.
   */
  const refundJob: JobHandler = {
    leaseMs: 2 * 60_000,
    async run(payload) {
      const { ticketId } = payload as { ticketId: string };
      const t = await store.loadTicket(db, ticketId);
      if (t?.status !== 'refunding') return undefined;
      let ref: string | null = null;
      try {
        if (t.provider === 'stripe') {
          if (!provider.refundPayment) throw new Error('Stripe is not configured (PAYMENTS_PROVIDER=stripe)');
          ref = await provider.refundPayment({
            id: t.id,
            paymentRef: t.payment_ref,
            priceMinor: Number(t.price_minor),
          });
        }
      } catch (err) {
        const attempts = t.refund_attempts + 1;
        const message = (err as Error).message ?? String(err);
        log.warn({ err, ticketId, attempts }, 'a ticket refund failed; it will be retried');
        await db
          .updateTable('tickets')
          .set({ refund_attempts: attempts, refund_error: message.slice(0, 500) })
          .where('id', '=', ticketId)
          .execute();
        return { runAgainAt: new Date(clock.now().getTime() + refundRetryDelayMs(attempts)) };
      }
      const done = await db.transaction().execute(async (tx) => {
        const offer = await store.loadOffer(tx, t.space_id, true);
        const locked = await store.loadTicket(tx, ticketId, true);
        if (locked?.status !== 'refunding' || !offer) return false;
        // A sale that reached the ledger is reversed line for line; a payment refused a seat never did.
        if (locked.host_share_minor !== null && locked.platform_share_minor !== null) {
          const price = Number(locked.price_minor);
          await store.addHostGross(tx, offer.host_id, locked.currency, -price);
          await post(tx, {
            kind: 'ticket_refund',
            memo: `refund of ticket ${locked.id}: ${locked.refund_reason ?? ''}`,
            ticketId: locked.id,
            lines: [
              { account: sourceOf(locked), amountMinor: price },
              {
                account: account.earnings(offer.host_id, locked.currency),
                amountMinor: -Number(locked.host_share_minor),
              },
              { account: account.platform(locked.currency), amountMinor: -Number(locked.platform_share_minor) },
            ],
          });
          await store.moveSeats(tx, t.space_id, { sold: -1 });
        }
        await tx
          .updateTable('tickets')
          .set({
            status: 'refunded',
            refunded_at: clock.now(),
            refund_ref: ref,
            refund_error: null,
            refund_attempts: locked.refund_attempts + 1,
          })
          .where('id', '=', ticketId)
          .execute();
        return true;
      });
      if (!done) return undefined;
      const head = (await spaceHeads(db, [t.space_id])).get(t.space_id);
      await notifier.notify({
        userId: t.user_id,
        kind: 'ticket_refunded',
        actorId: null,
        data: {
          spaceId: t.space_id,
          title: head?.title ?? '',
          ticketId,
          amountMinor: Number(t.price_minor),
          currency: t.currency,
          reason: t.refund_reason,
        },
      });
      return undefined;
    },
  };

  async function myTickets(userId: string) {
    const rows = await store.ticketsOf(db, userId);
    const heads = await spaceHeads(db, [...new Set(rows.map((r) => r.space_id))]);
    return { items: rows.map((r) => store.toTicket(r, heads.get(r.space_id)?.title ?? '')) };
  }

  /** Per Space and lifetime (per currency); with no host, the whole platform's. */
  async function earnings(hostId: string | null) {
    const rows = await store.salesTotals(db, hostId);
    const heads = await spaceHeads(
      db,
      rows.map((r) => r.spaceId),
    );
    const lifetime = new Map<
      string,
      { currency: string; tickets: number; grossMinor: number; hostMinor: number; platformMinor: number }
    >();
    for (const r of rows) {
      const l = lifetime.get(r.currency) ?? {
        currency: r.currency,
        tickets: 0,
        grossMinor: 0,
        hostMinor: 0,
        platformMinor: 0,
      };
      l.tickets += r.tickets;
      l.grossMinor += r.grossMinor;
      l.hostMinor += r.hostMinor;
      l.platformMinor += r.platformMinor;
      lifetime.set(r.currency, l);
    }
    return {
      lifetime: [...lifetime.values()],
      spaces: rows.map((r) => ({ ...r, title: heads.get(r.spaceId)?.title ?? '' })),
    };
  }

  /** The host's (or a moderator's) view of a Space's sales, with every refund not yet done. */
  async function sales(viewer: Viewer, spaceId: string) {
    const { state, hostId } = await loadRoom(db, spaceId);
    if (viewer.id !== hostId && !viewer.moderator) throw new AppError(403, 'forbidden', 'only the host sees sales');
    const offer = await store.loadOffer(db, spaceId);
    if (!offer) throw notFound('ticketing');
    const rows = await db
      .selectFrom('tickets')
      .selectAll()
      .where('space_id', '=', spaceId)
      .where('status', 'in', ['valid', 'refunding', 'refunded'])
      .orderBy('created_at')
      .execute();
    const users = await summariesById(db, [...new Set(rows.map((r) => r.user_id))]);
    return {
      ticketing: toView(offer, false, state.status),
      held: offer.held,
      tickets: rows.flatMap((r) => {
        const buyer = users.get(r.user_id);
        return buyer
          ? [
              {
                id: r.id,
                buyer,
                status: r.status as 'valid',
                refundAttempts: r.refund_attempts,
                refundError: r.refund_error,
              },
            ]
          : [];
      }),
    };
  }

  jobs.register(REFUND_JOB, refundJob);

  return {
    provider: provider.name,
    eligibilityOf,
    confirmAge: (userId: string) => store.setSeller(db, userId, { adult_confirmed_at: clock.now() }),
    assertMaySell,
    createOffer,
    setTerms,
    view,
    views,
    admission,
    buy,
    stripeWebhook,
    refundAllForSpace,
    statusChanged,
    refundMine,
    myTickets,
    earnings,
    sales,
    pendingRefunds: (spaceId?: string) => store.pendingRefunds(db, spaceId),
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
