import type { Ticket, TicketingInput } from '@earshot/protocol';
import { sql } from 'kysely';
import type { Db } from '../store/db';
import type { OfferFacts } from './rules';

/** Ticketing's tables: offers, tickets, sellers, host revenue, Stripe events. No one else writes them. */

export type OfferRow = Awaited<ReturnType<typeof loadOffer>> & {};
export type TicketRow = NonNullable<Awaited<ReturnType<typeof loadTicket>>>;

export async function loadOffer(db: Db, spaceId: string, lock = false) {
  let q = db.selectFrom('ticket_offers').selectAll().where('space_id', '=', spaceId);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export const offerFacts = (o: NonNullable<OfferRow>, spaceStatus: string): OfferFacts => ({
  spaceStatus,
  sold: o.sold,
  held: o.held,
  capacity: o.capacity,
  salesOpenAt: o.sales_open_at,
  salesCloseAt: o.sales_close_at,
  cancelled: o.cancelled_at !== null,
});

const terms = (t: TicketingInput) => ({
  price_minor: t.priceMinor,
  currency: t.currency,
  capacity: t.capacity,
  sales_open_at: t.salesOpenAt ? new Date(t.salesOpenAt) : null,
  sales_close_at: t.salesCloseAt ? new Date(t.salesCloseAt) : null,
});

export async function insertOffer(db: Db, spaceId: string, hostId: string, t: TicketingInput) {
  await db
    .insertInto('ticket_offers')
    .values({ space_id: spaceId, host_id: hostId, ...terms(t) })
    .execute();
}

/** Replaces the terms (the caller checked no ticket is sold or held, under the row lock). */
export async function replaceOffer(db: Db, spaceId: string, hostId: string, t: TicketingInput | null) {
  if (!t) return void (await db.deleteFrom('ticket_offers').where('space_id', '=', spaceId).execute());
  await db
    .insertInto('ticket_offers')
    .values({ space_id: spaceId, host_id: hostId, ...terms(t) })
    .onConflict((oc) => oc.column('space_id').doUpdateSet(terms(t)))
    .execute();
}

export async function loadTicket(db: Db, ticketId: string, lock = false) {
  let q = db.selectFrom('tickets').selectAll().where('id', '=', ticketId);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The person's live ticket for a Space (held, valid or being refunded), if any. */
export async function liveTicketOf(db: Db, spaceId: string, userId: string) {
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('space_id', '=', spaceId)
    .where('user_id', '=', userId)
    .where('status', 'in', ['held', 'valid', 'refunding'])
    .executeTakeFirst();
}

/** Holds whose checkout expired become `expired` and give their seats back (call under the offer's lock). */
export async function releaseExpiredHolds(db: Db, spaceId: string, now: Date) {
  const released = await db
    .updateTable('tickets')
    .set({ status: 'expired' })
    .where('space_id', '=', spaceId)
    .where('status', '=', 'held')
    .where('hold_expires_at', '<=', now)
    .returning('id')
    .execute();
  if (released.length > 0)
    await db
      .updateTable('ticket_offers')
      .set({ held: sql`held - ${released.length}` })
      .where('space_id', '=', spaceId)
      .execute();
  return released.length;
}

/** Moves the offer's counts; the CHECK constraints refuse any change that would oversell. */
export async function moveSeats(db: Db, spaceId: string, change: { sold?: number; held?: number }) {
  await db
    .updateTable('ticket_offers')
    .set({ sold: sql`sold + ${change.sold ?? 0}`, held: sql`held + ${change.held ?? 0}` })
    .where('space_id', '=', spaceId)
    .execute();
}

/** Adds a sale to the host's lifetime gross under its row lock; answers the gross before it. */
export async function addHostGross(db: Db, hostId: string, currency: string, amountMinor: number) {
  await db
    .insertInto('host_revenue')
    .values({ host_id: hostId, currency })
    .onConflict((oc) => oc.columns(['host_id', 'currency']).doNothing())
    .execute();
  const row = await db
    .updateTable('host_revenue')
    .set({ gross_minor: sql`gross_minor + ${amountMinor}` })
    .where('host_id', '=', hostId)
    .where('currency', '=', currency)
    .returning('gross_minor')
    .executeTakeFirstOrThrow();
  return Number(row.gross_minor) - amountMinor;
}

/** Which of these Spaces are ticketed, and whether `userId` holds a valid ticket to each. */
export async function passes(db: Db, spaceIds: string[], userId: string | null) {
  if (spaceIds.length === 0) return new Map<string, { offer: NonNullable<OfferRow>; holder: boolean }>();
  const offers = await db.selectFrom('ticket_offers').selectAll().where('space_id', 'in', spaceIds).execute();
  const held =
    userId && offers.length > 0
      ? await db
          .selectFrom('tickets')
          .select('space_id')
          .where('user_id', '=', userId)
          .where('status', '=', 'valid')
          .where(
            'space_id',
            'in',
            offers.map((o) => o.space_id),
          )
          .execute()
      : [];
  const holds = new Set(held.map((h) => h.space_id));
  return new Map(offers.map((o) => [o.space_id, { offer: o, holder: holds.has(o.space_id) }]));
}

export async function seller(db: Db, userId: string) {
  return db.selectFrom('ticket_sellers').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function setSeller(db: Db, userId: string, set: { adult_confirmed_at?: Date; granted_at?: Date | null }) {
  await db
    .insertInto('ticket_sellers')
    .values({ user_id: userId, adult_confirmed_at: null, granted_at: null, ...set })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(set))
    .execute();
}

/** Stores a Stripe event's id once; false when it was already stored (a duplicate or a replay). */
export async function firstDelivery(db: Db, eventId: string, type: string) {
  const row = await db
    .insertInto('stripe_events')
    .values({ id: eventId, type })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return Boolean(row);
}

export const toTicket = (t: TicketRow, title: string): Ticket => ({
  id: t.id,
  spaceId: t.space_id,
  spaceTitle: title,
  status: t.status as Ticket['status'],
  priceMinor: Number(t.price_minor),
  currency: t.currency,
  provider: t.provider as Ticket['provider'],
  createdAt: t.created_at.toISOString(),
  issuedAt: t.issued_at?.toISOString() ?? null,
  refundedAt: t.refunded_at?.toISOString() ?? null,
  refundReason: t.refund_reason,
});

export async function ticketsOf(db: Db, userId: string) {
  return db.selectFrom('tickets').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
}

/** Per Space of a host (or of everyone, with no host): sales, shares and refunds. */
export async function salesTotals(db: Db, hostId: string | null) {
  let q = db
    .selectFrom('ticket_offers as o')
    .leftJoin('tickets as t', 't.space_id', 'o.space_id')
    .select([
      'o.space_id',
      'o.currency',
      sql<string>`count(t.id) filter (where t.status = 'valid')`.as('tickets'),
      sql<string>`coalesce(sum(t.price_minor) filter (where t.status = 'valid'), 0)`.as('gross'),
      sql<string>`coalesce(sum(t.host_share_minor) filter (where t.status = 'valid'), 0)`.as('host'),
      sql<string>`coalesce(sum(t.platform_share_minor) filter (where t.status = 'valid'), 0)`.as('platform'),
      sql<string>`count(t.id) filter (where t.status = 'refunded')`.as('refunded'),
      sql<string>`count(t.id) filter (where t.status = 'refunding')`.as('pending'),
    ])
    .groupBy(['o.space_id', 'o.currency'])
    .orderBy('o.space_id');
  if (hostId) q = q.where('o.host_id', '=', hostId);
  return (await q.execute()).map((r) => ({
    spaceId: r.space_id,
    currency: r.currency,
    tickets: Number(r.tickets),
    grossMinor: Number(r.gross),
    hostMinor: Number(r.host),
    platformMinor: Number(r.platform),
    refunded: Number(r.refunded),
    refundsPending: Number(r.pending),
  }));
}

/** Refunds not yet done, oldest first (for the host's sales view and the admin). */
export async function pendingRefunds(db: Db, spaceId?: string) {
  let q = db
    .selectFrom('tickets')
    .select(['id', 'space_id', 'user_id', 'refund_attempts', 'refund_error', 'refund_reason', 'created_at'])
    .where('status', '=', 'refunding')
    .orderBy('created_at');
  if (spaceId) q = q.where('space_id', '=', spaceId);
  return q.execute();
}
