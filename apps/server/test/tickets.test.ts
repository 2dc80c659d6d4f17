import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { audit } from '../src/tickets/ledger';
import { exitWhenDone, type Running, signUp, startEarshot } from './helpers';
import { drainJobs, grantedHost, ticketedSpace, topUp } from './tickets-helpers';

/** Ticketed Spaces with the ledger provider, over HTTP: selling, buying, the books, refunds. */
describe('tickets (ledger)', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot({ TICKETS_MIN_FOLLOWERS: '1', TICKETS_MIN_HOSTED_SPACES: '1', JOBS_POLL_MS: '60000' });
  });
  after(() => server.close());
  exitWhenDone();
  const person = (p: string) => signUp(server.url, p);

  it('a host who is not eligible is told every condition they miss; confirming 18+ and the admin grant change it', async () => {
    const host = await person('elig');
    const body = { title: 'Paid', ticketing: { priceMinor: 500, currency: 'USD', capacity: 10 } };
    const refused = await host.c.post('/api/spaces', body);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'not_eligible');
    assert.match(refused.body.error.message, /at least 1 followers \(you have 0\)/);
    assert.match(refused.body.error.message, /at least 1 Spaces hosted in the last 30 days/);
    assert.match(refused.body.error.message, /18 or older/);
    const status = await host.c.get('/api/me/ticketing');
    assert.deepEqual(
      status.body.conditions.map((c: { name: string; met: boolean }) => [c.name, c.met]),
      [
        ['followers', false],
        ['hosted_spaces', false],
        ['adult', false],
      ],
    );
    // Meet them one by one: a follower, a Space hosted, 18+ confirmed.
    const fan = await person('fan');
    assert.equal((await fan.c.put(`/api/users/${host.user.handle}/follow`)).status, 200);
    const free = await host.c.post('/api/spaces', { title: 'Free one' });
    await host.c.post(`/api/spaces/${free.body.space.id}/start`, {});
    const almost = await host.c.post('/api/spaces', body);
    assert.equal(almost.status, 403);
    assert.doesNotMatch(almost.body.error.message, /followers|Spaces hosted/);
    assert.match(almost.body.error.message, /18 or older/);
    const confirmed = await host.c.post('/api/me/ticketing/confirm-age', { adult: true });
    assert.equal(confirmed.body.eligible, true);
    const created = await host.c.post('/api/spaces', body);
    assert.equal(created.status, 201);
    assert.equal(created.body.space.ticketing.remaining, 10);
    // No space was created by the refusals.
    const bad = await host.c.post('/api/spaces', { ...body, ticketing: { ...body.ticketing, priceMinor: 50 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_price');
    const badCurrency = await host.c.post('/api/spaces', {
      ...body,
      ticketing: { ...body.ticketing, currency: 'XYZ1' },
    });
    assert.equal(badCurrency.status, 400);
  });

  it('buying: 201 with the ticket, balances move as balanced entries, 402 without funds, 409 twice or sold out', async () => {
    const host = await grantedHost(server);
    const id = await ticketedSpace(host, { priceMinor: 1000, capacity: 2 });
    const ana = await person('ana');
    const ben = await person('ben');
    const cy = await person('cy');
    const broke = await ana.c.post(`/api/spaces/${id}/tickets`);
    assert.equal(broke.status, 402);
    assert.equal(broke.body.error.code, 'insufficient_funds');
    const card = await ana.c.get(`/api/spaces/${id}`);
    assert.equal(card.body.ticketing.remaining, 2, 'a refused payment holds no seat');
    for (const p of [ana, ben, cy]) await topUp(server, p.user.handle, 2500);
    const bought = await ana.c.post(`/api/spaces/${id}/tickets`);
    assert.equal(bought.status, 201);
    assert.equal(bought.body.ticket.status, 'valid');
    assert.equal(bought.body.ticket.priceMinor, 1000);
    const twice = await ana.c.post(`/api/spaces/${id}/tickets`);
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'already_have_ticket');
    assert.equal((await ana.c.get('/api/me/ledger')).body.accounts[0].balanceMinor, 1500, 'paid once');
    assert.equal((await ben.c.post(`/api/spaces/${id}/tickets`)).status, 201);
    const late = await cy.c.post(`/api/spaces/${id}/tickets`);
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'sold_out');

    const view = (await ana.c.get(`/api/spaces/${id}`)).body.ticketing;
    assert.deepEqual([view.sold, view.remaining, view.youHaveTicket, view.locked], [2, 0, true, true]);
    assert.equal((await cy.c.get(`/api/spaces/${id}`)).body.ticketing.youHaveTicket, false);
    const statement = (await ana.c.get('/api/me/ledger')).body;
    assert.deepEqual(
      statement.accounts.map((a: { kind: string; balanceMinor: number }) => [a.kind, a.balanceMinor]),
      [['wallet', 1500]],
    );
    assert.deepEqual(
      statement.lines.map((l: { kind: string; amountMinor: number }) => [l.kind, l.amountMinor]),
      [
        ['ticket_sale', -1000],
        ['topup', 2500],
      ],
    );
    const earnings = (await host.c.get('/api/me/earnings')).body;
    assert.deepEqual(earnings.lifetime, [
      { currency: 'USD', tickets: 2, grossMinor: 2000, hostMinor: 1940, platformMinor: 60 },
    ]);
    assert.equal(earnings.spaces[0].title, 'Ticketed');
    const mine = (await ana.c.get('/api/me/tickets')).body.items;
    assert.equal(mine.length, 1);
    assert.equal(mine[0].spaceTitle, 'Ticketed');
    assert.deepEqual(await audit(server.earshot.store.db), {
      unbalancedEntries: 0,
      driftingAccounts: 0,
      totalMinor: 0,
    });
  });

  it('terms can change before the first sale, not after; sales windows answer 403 not_on_sale', async () => {
    const host = await grantedHost(server);
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const id = await ticketedSpace(host, { priceMinor: 700, capacity: 5, salesOpenAt: soon });
    const buyer = await person('early');
    await topUp(server, buyer.user.handle, 5000);
    const early = await buyer.c.post(`/api/spaces/${id}/tickets`);
    assert.equal(early.status, 403);
    assert.equal(early.body.error.code, 'not_on_sale');
    assert.equal((await buyer.c.patch(`/api/spaces/${id}/ticketing`, { ticketing: null })).status, 403);
    const changed = await host.c.patch(`/api/spaces/${id}/ticketing`, {
      ticketing: { priceMinor: 900, currency: 'USD', capacity: 3 },
    });
    assert.equal(changed.status, 200);
    assert.deepEqual([changed.body.ticketing.priceMinor, changed.body.ticketing.onSale], [900, true]);
    assert.equal((await buyer.c.post(`/api/spaces/${id}/tickets`)).status, 201);
    const locked = await host.c.patch(`/api/spaces/${id}/ticketing`, {
      ticketing: { priceMinor: 100, currency: 'USD', capacity: 3 },
    });
    assert.equal(locked.status, 409);
    assert.equal(locked.body.error.code, 'ticketing_locked');
    assert.equal((await buyer.c.get(`/api/spaces/${id}`)).body.ticketing.priceMinor, 900);
    const closed = await ticketedSpace(host, {
      priceMinor: 700,
      capacity: 5,
      salesOpenAt: new Date(Date.now() - 7_200_000).toISOString(),
      salesCloseAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const after = await buyer.c.post(`/api/spaces/${closed}/tickets`);
    assert.equal(after.status, 403);
    assert.match(after.body.error.message, /closed/);
    const free = await host.c.post('/api/spaces', { title: 'Free' });
    const none = await buyer.c.post(`/api/spaces/${free.body.space.id}/tickets`);
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'not_on_sale');
    assert.equal((await host.c.post(`/api/spaces/${id}/tickets`)).status, 409, 'the host needs no ticket');
  });

  it('a buyer refunds before the start (money back, seat back, notified), not after; the host sees sales', async () => {
    const host = await grantedHost(server);
    const id = await ticketedSpace(host, { priceMinor: 1200, capacity: 3 });
    const dee = await person('dee');
    const eve = await person('eve');
    await topUp(server, dee.user.handle, 1200);
    await topUp(server, eve.user.handle, 1200);
    const t1 = (await dee.c.post(`/api/spaces/${id}/tickets`)).body.ticket;
    const t2 = (await eve.c.post(`/api/spaces/${id}/tickets`)).body.ticket;
    assert.equal((await eve.c.post(`/api/tickets/${t1.id}/refund`)).status, 404, 'not your ticket');
    const asked = await dee.c.post(`/api/tickets/${t1.id}/refund`);
    assert.equal(asked.status, 202);
    assert.equal(asked.body.ticket.status, 'refunding');
    assert.equal((await dee.c.get(`/api/spaces/${id}`)).body.ticketing.youHaveTicket, false);
    await drainJobs(server);
    const done = (await dee.c.get('/api/me/tickets')).body.items[0];
    assert.equal(done.status, 'refunded');
    assert.equal((await dee.c.get('/api/me/ledger')).body.accounts[0].balanceMinor, 1200);
    assert.equal((await dee.c.get(`/api/spaces/${id}`)).body.ticketing.remaining, 2);
    const notes = (await dee.c.get('/api/notifications')).body.items;
    assert.ok(notes.some((n: { kind: string }) => n.kind === 'ticket_refunded'));
    const sales = (await host.c.get(`/api/spaces/${id}/sales`)).body;
    assert.deepEqual(
      sales.tickets.map((t: { status: string }) => t.status),
      ['refunded', 'valid'],
    );
    assert.equal((await dee.c.get(`/api/spaces/${id}/sales`)).status, 403);
    assert.equal((await host.c.get('/api/me/earnings')).body.lifetime[0].grossMinor, 1200);

    await host.c.post(`/api/spaces/${id}/start`, {});
    const tooLate = await eve.c.post(`/api/tickets/${t2.id}/refund`);
    assert.equal(tooLate.status, 403);
    assert.equal(tooLate.body.error.code, 'refund_closed');
    assert.deepEqual(await audit(server.earshot.store.db), {
      unbalancedEntries: 0,
      driftingAccounts: 0,
      totalMinor: 0,
    });
  });

  it('refundAllForSpace refunds every ticket of a cancelled Space and closes its sales', async () => {
    const host = await grantedHost(server);
    const id = await ticketedSpace(host, { priceMinor: 300, capacity: 50 });
    const buyers = await Promise.all(Array.from({ length: 5 }, (_, i) => person(`c${i}`)));
    for (const b of buyers) {
      await topUp(server, b.user.handle, 300);
      assert.equal((await b.c.post(`/api/spaces/${id}/tickets`)).status, 201);
    }
    assert.equal(await server.earshot.services.tickets.refundAllForSpace(id, 'the Space was cancelled'), 5);
    const closed = await buyers[0]?.c.post(`/api/spaces/${id}/tickets`);
    assert.equal(closed?.status, 403);
    await drainJobs(server);
    for (const b of buyers) {
      assert.equal((await b.c.get('/api/me/ledger')).body.accounts[0].balanceMinor, 300);
      assert.equal((await b.c.get('/api/me/tickets')).body.items[0].refundReason, 'the Space was cancelled');
    }
    const earnings = (await host.c.get('/api/me/earnings')).body;
    assert.deepEqual(
      [earnings.spaces[0].tickets, earnings.spaces[0].refunded, earnings.lifetime[0].grossMinor],
      [0, 5, 0],
    );
    assert.deepEqual(await audit(server.earshot.store.db), {
      unbalancedEntries: 0,
      driftingAccounts: 0,
      totalMinor: 0,
    });
  });
  it('cancelling a scheduled ticketed Space through the cancel command refunds every ticket and tells each buyer', async () => {
    const host = await grantedHost(server, 'shost');
    const scheduledFor = new Date(Date.now() + 2 * 3600_000).toISOString();
    const made = await host.c.post('/api/spaces', {
      title: 'Masterclass',
      scheduledFor,
      ticketing: { priceMinor: 700, currency: 'USD', capacity: 20 },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.space.id as string;
    assert.equal(made.body.space.status, 'scheduled');
    const buyers = await Promise.all(Array.from({ length: 3 }, (_, i) => person(`sc${i}`)));
    for (const b of buyers) {
      await topUp(server, b.user.handle, 700);
      assert.equal((await b.c.post(`/api/spaces/${id}/tickets`)).status, 201);
    }
    assert.equal((await host.c.post(`/api/spaces/${id}/cancel`, {})).status, 200);
    await drainJobs(server);
    for (const b of buyers) {
      assert.equal((await b.c.get('/api/me/ledger')).body.accounts[0].balanceMinor, 700);
      const told = (await b.c.get('/api/notifications?limit=50')).body.items.filter(
        (n: { kind: string }) => n.kind === 'ticket_refunded',
      );
      assert.equal(told.length, 1);
    }
    assert.equal((await buyers[0]?.c.post(`/api/spaces/${id}/tickets`))?.status, 403, 'no sales after a cancel');
    assert.deepEqual(await audit(server.earshot.store.db), {
      unbalancedEntries: 0,
      driftingAccounts: 0,
      totalMinor: 0,
    });
  });
});
