import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/clock';
import { audit } from '../src/tickets/ledger';
import { exitWhenDone, type Running, signUp, startEarshot } from './helpers';
import { buyers, deliver, type StripeServer, sessionEvent, stripeEnv, stripeServer } from './stripe-server';
import { drainJobs, grantedHost, ticketedSpace } from './tickets-helpers';

/** PAYMENTS_PROVIDER=stripe against a local server speaking Stripe's API; webhooks signed as Stripe signs them. */
describe('tickets (stripe)', () => {
  let server: Running;
  let api: StripeServer;
  const clock = manualClock();
  before(async () => {
    api = await stripeServer();
    server = await startEarshot({ JOBS_POLL_MS: '60000', ...stripeEnv(api) }, { clock });
  });
  after(async () => {
    await server.close();
    await api.close();
  });
  exitWhenDone();

  const ticketOf = (ticketId: string) =>
    server.earshot.store.db.selectFrom('tickets').selectAll().where('id', '=', ticketId).executeTakeFirstOrThrow();
  const sessionFor = (spaceId: string, buyerId: string) =>
    [...api.sessions.values()].find((s) => s.metadata.spaceId === spaceId && s.metadata.buyerId === buyerId) as Record<
      string,
      any
    >;

  it('buying opens a Checkout Session that holds the seat; a signed completion issues the ticket', async () => {
    const host = await grantedHost(server);
    const id = await ticketedSpace(host, { priceMinor: 1500, capacity: 1 }, 'Stripe night');
    const ann = await signUp(server.url, 'sann');
    const bob = await signUp(server.url, 'sbob');
    const res = await ann.c.post(`/api/spaces/${id}/tickets`);
    assert.equal(res.status, 201);
    const session = sessionFor(id, ann.user.id);
    assert.equal(res.body.checkoutUrl, session.url);
    assert.deepEqual([session.amount_total, session.currency, session.mode], [1500, 'usd', 'payment']);
    assert.match(session.success_url, new RegExp(`/spaces/${id}\\?ticket=paid$`));
    assert.equal(
      (await ann.c.post(`/api/spaces/${id}/tickets`)).body.checkoutUrl,
      session.url,
      'the same checkout again',
    );
    const held = await bob.c.post(`/api/spaces/${id}/tickets`);
    assert.equal(held.status, 409, 'the open checkout holds the only seat');
    assert.equal(held.body.error.code, 'sold_out');

    const done = await deliver(server.url, sessionEvent(session, 'checkout.session.completed'));
    assert.deepEqual([done.status, done.body.outcome], [200, 'issued']);
    const view = (await ann.c.get(`/api/spaces/${id}`)).body.ticketing;
    assert.deepEqual([view.youHaveTicket, view.sold, view.remaining], [true, 1, 0]);
    const earnings = (await host.c.get('/api/me/earnings')).body.lifetime[0];
    assert.deepEqual([earnings.grossMinor, earnings.hostMinor, earnings.platformMinor], [1500, 1455, 45]);
    assert.deepEqual(await audit(server.earshot.store.db), {
      unbalancedEntries: 0,
      driftingAccounts: 0,
      totalMinor: 0,
    });
  });

  it('a wrong signature, a stale timestamp, a modified body or no signature: 400, and nothing changes', async () => {
    const host = await grantedHost(server);
    const id = await ticketedSpace(host, { priceMinor: 900, capacity: 3 });
    const cat = await signUp(server.url, 'scat');
    await cat.c.post(`/api/spaces/${id}/tickets`);
    const session = sessionFor(id, cat.user.id);
    const db = server.earshot.store.db;
    const eventsBefore = (await db.selectFrom('stripe_events').select('id').execute()).length;
    const wrong = sessionEvent(session, 'checkout.session.completed', { secret: 'whsec_not_ours' });
    const stale = sessionEvent(session, 'checkout.session.completed', {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    const good = sessionEvent(session, 'checkout.session.completed');
    const modified = { ...good, payload: good.payload.replace('"paid"', '"paid" ') };
    for (const [what, event] of Object.entries({ wrong, stale, modified })) {
      const res = await deliver(server.url, event);
      assert.equal(res.status, 400, what);
      assert.equal(res.body.error.code, 'invalid_signature', what);
    }
    const unsigned = await fetch(`${server.url}/api/payments/stripe/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: good.payload,
    });
    assert.equal(unsigned.status, 400);
    assert.equal((await db.selectFrom('stripe_events').select('id').execute()).length, eventsBefore);
    const ticket = await db
      .selectFrom('tickets')
      .select('status')
      .where('user_id', '=', cat.user.id)
      .executeTakeFirstOrThrow();
    assert.equal(ticket.status, 'held');
    assert.equal((await cat.c.get(`/api/spaces/${id}`)).body.ticketing.youHaveTicket, false);
    // The genuine delivery still works afterwards.
    assert.equal((await deliver(server.url, good)).body.outcome, 'issued');
  });

  it('an expired session gives the seat back; a payment that completes with no seat left is refunded', async () => {
    const host = await grantedHost(server);
    const id = await ticketedSpace(host, { priceMinor: 800, capacity: 1 });
    const dan = await signUp(server.url, 'sdan');
    const eli = await signUp(server.url, 'seli');
    await dan.c.post(`/api/spaces/${id}/tickets`);
    const danSession = sessionFor(id, dan.user.id);
    assert.equal(
      (await deliver(server.url, sessionEvent(danSession, 'checkout.session.expired'))).body.outcome,
      'expired',
    );
    assert.equal((await eli.c.get(`/api/spaces/${id}`)).body.ticketing.remaining, 1);
    assert.equal((await eli.c.post(`/api/spaces/${id}/tickets`)).status, 201);
    const eliSession = sessionFor(id, eli.user.id);
    assert.equal(
      (await deliver(server.url, sessionEvent(eliSession, 'checkout.session.completed'))).body.outcome,
      'issued',
    );
    // Dan paid at the last second of his expired session: no seat is left, so his money goes back.
    const late = await deliver(server.url, sessionEvent(danSession, 'checkout.session.completed'));
    assert.equal(late.body.outcome, 'refunding');
    await drainJobs(server);
    const danTicket = await ticketOf(danSession.metadata.ticketId);
    assert.equal(danTicket.status, 'refunded');
    assert.ok(api.refunds().some((r) => r.payment_intent === `pi_for_${danSession.id}` && r.amount === 800));
    assert.equal((await eli.c.get(`/api/spaces/${id}`)).body.ticketing.sold, 1);
    assert.deepEqual(await audit(server.earshot.store.db), {
      unbalancedEntries: 0,
      driftingAccounts: 0,
      totalMinor: 0,
    });
  });

  it('cancel with 50 sold: 50 refunds through Stripe (one key per ticket), one failing once then retried, buyers notified', async () => {
    const host = await grantedHost(server);
    const id = await ticketedSpace(host, { priceMinor: 2000, capacity: 50 });
    const crowd = await buyers(server.earshot.store.db, server.url, 50, 'cx');
    for (const b of crowd) assert.equal((await b.c.post(`/api/spaces/${id}/tickets`)).status, 201);
    for (const b of crowd) {
      const res = await deliver(server.url, sessionEvent(sessionFor(id, b.id), 'checkout.session.completed'));
      assert.equal(res.body.outcome, 'issued');
    }
    const unlucky = sessionFor(id, (crowd[17] as { id: string }).id);
    api.failRefundsFor.set(`pi_for_${unlucky.id}`, 1);
    const callsBefore = api.refundCalls.length;

    assert.equal(await server.earshot.services.tickets.refundAllForSpace(id, 'the Space was cancelled'), 50);
    await drainJobs(server);
    const db = server.earshot.store.db;
    const statuses = await db.selectFrom('tickets').select(['id', 'status']).where('space_id', '=', id).execute();
    assert.equal(statuses.filter((t) => t.status === 'refunded').length, 49);
    // The failure is shown to the host (and the admin) until it is done.
    const sales = (await host.c.get(`/api/spaces/${id}/sales`)).body;
    const pending = sales.tickets.filter((t: { status: string }) => t.status === 'refunding');
    assert.equal(pending.length, 1);
    assert.equal(pending[0].refundAttempts, 1);
    assert.match(pending[0].refundError, /unknown error/);
    assert.equal(
      (await host.c.get('/api/me/earnings')).body.spaces.find((s: { spaceId: string }) => s.spaceId === id)
        .refundsPending,
      1,
    );

    clock.advance(6000); // the retry is due after 5 s
    await drainJobs(server);
    const after = await db.selectFrom('tickets').select('status').where('space_id', '=', id).execute();
    assert.ok(after.every((t) => t.status === 'refunded'));
    const calls = api.refundCalls.slice(callsBefore);
    assert.equal(calls.length, 51, '50 refunds plus one retry');
    const keys = new Set(calls.map((c) => c.idempotencyKey));
    assert.equal(keys.size, 50, 'one idempotency key per ticket, the retry reusing its own');
    const refunded = new Set(
      api
        .refunds()
        .filter((r) => calls.some((c) => c.paymentIntent === r.payment_intent))
        .map((r) => r.payment_intent),
    );
    assert.equal(refunded.size, 50);
    const notes = await db
      .selectFrom('notifications')
      .select('user_id')
      .where('kind', '=', 'ticket_refunded')
      .where(
        'user_id',
        'in',
        crowd.map((b) => b.id),
      )
      .execute();
    assert.equal(notes.length, 50);
    const earnings = (await host.c.get('/api/me/earnings')).body.spaces.find(
      (s: { spaceId: string }) => s.spaceId === id,
    );
    assert.deepEqual(
      [earnings.tickets, earnings.refunded, earnings.refundsPending, earnings.grossMinor],
      [0, 50, 0, 0],
    );
    assert.deepEqual(await audit(db), { unbalancedEntries: 0, driftingAccounts: 0, totalMinor: 0 });
  });
});
