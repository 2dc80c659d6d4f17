import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { audit } from '../src/tickets/ledger';
import { exitWhenDone, type Running, startEarshot } from './helpers';
import { buyers, deliver, type StripeServer, sessionEvent, stripeEnv, stripeServer } from './stripe-server';
import { grantedHost, ticketedSpace, topUp } from './tickets-helpers';

/**
 * No oversell under real concurrency. PGlite has one connection (it serializes everything), so
 * these always run on the PostgreSQL server (CI's, or the local one), in a database of their own.
 */
// testEnv then makes a database of its own on that server for each test server.
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

const tally = (values: number[]) => {
  const counts: Record<number, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
};

/** Off CI, a machine without a PostgreSQL server reports these as skipped (CI always runs them). */
async function postgresMissing(): Promise<string | false> {
  if (process.env.CI) return false;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return false;
  } catch (err) {
    return `needs a PostgreSQL server at DATABASE_URL (${(err as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

describe('no oversell on PostgreSQL: 100 concurrent buyers for 10 tickets', { skip: await postgresMissing() }, () => {
  exitWhenDone();

  describe('ledger', () => {
    let server: Running;
    before(async () => {
      server = await startEarshot({ JOBS_POLL_MS: '60000' });
    });
    after(() => server.close());

    it('exactly 10 tickets, 90 sold_out, every wallet and the books balanced', async (t) => {
      assert.equal(server.earshot.store.engine, 'postgres');
      const host = await grantedHost(server);
      const id = await ticketedSpace(host, { priceMinor: 2500, capacity: 10 });
      const crowd = await buyers(server.earshot.store.db, server.url, 100, 'lc');
      for (const b of crowd) await topUp(server, b.handle, 2500);
      const started = performance.now();
      const results = await Promise.all(crowd.map((b) => b.c.post(`/api/spaces/${id}/tickets`)));
      t.diagnostic(`100 concurrent ledger purchases answered in ${Math.round(performance.now() - started)} ms`);
      assert.deepEqual(tally(results.map((r) => r.status)), { 201: 10, 409: 90 });
      assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'sold_out'));
      const db = server.earshot.store.db;
      const valid = await db
        .selectFrom('tickets')
        .select('user_id')
        .where('space_id', '=', id)
        .where('status', '=', 'valid')
        .execute();
      assert.equal(valid.length, 10);
      assert.equal(new Set(valid.map((v) => v.user_id)).size, 10);
      const card = (await host.c.get(`/api/spaces/${id}`)).body.ticketing;
      assert.deepEqual([card.sold, card.remaining], [10, 0]);
      // Only the ten who got a ticket paid.
      const wallets = await db
        .selectFrom('ledger_accounts')
        .select(['balance_minor'])
        .where('kind', '=', 'wallet')
        .execute();
      assert.deepEqual(tally(wallets.map((w) => Number(w.balance_minor))), { 0: 10, 2500: 90 });
      assert.deepEqual(await audit(db), { unbalancedEntries: 0, driftingAccounts: 0, totalMinor: 0 });
      const earnings = (await host.c.get('/api/me/earnings')).body.lifetime[0];
      assert.deepEqual([earnings.grossMinor, earnings.hostMinor + earnings.platformMinor], [25_000, 25_000]);
    });
  });

  describe('stripe', () => {
    let server: Running;
    let api: StripeServer;
    before(async () => {
      api = await stripeServer();
      server = await startEarshot({ JOBS_POLL_MS: '60000', ...stripeEnv(api) });
    });
    after(async () => {
      await server.close();
      await api.close();
    });

    it('10 checkouts, 90 sold_out; completions delivered twice, out of order and concurrently issue exactly 10', async (t) => {
      const host = await grantedHost(server);
      const id = await ticketedSpace(host, { priceMinor: 2500, capacity: 10 });
      const crowd = await buyers(server.earshot.store.db, server.url, 100, 'sc');
      const started = performance.now();
      const results = await Promise.all(crowd.map((b) => b.c.post(`/api/spaces/${id}/tickets`)));
      t.diagnostic(`100 concurrent Stripe checkouts answered in ${Math.round(performance.now() - started)} ms`);
      assert.deepEqual(tally(results.map((r) => r.status)), { 201: 10, 409: 90 });
      const urls = results.filter((r) => r.status === 201).map((r) => r.body.checkoutUrl as string);
      assert.ok(urls.every((u) => u.startsWith('https://checkout.stripe.com/')));
      // The ten seats are held while the sessions are open.
      assert.equal((await host.c.get(`/api/spaces/${id}`)).body.ticketing.remaining, 0);
      const sessions = [...api.sessions.values()].filter((s) => s.metadata.spaceId === id);
      assert.equal(sessions.length, 10);
      const completions = sessions.map((s) => sessionEvent(s, 'checkout.session.completed'));
      // Each event twice, the second copies in reverse order, all at once.
      const deliveries = [...completions, ...[...completions].reverse()];
      const delivered = performance.now();
      const answers = await Promise.all(deliveries.map((e) => deliver(server.url, e)));
      t.diagnostic(`20 concurrent webhook deliveries answered in ${Math.round(performance.now() - delivered)} ms`);
      assert.ok(
        answers.every((a) => a.status === 200),
        JSON.stringify(answers.filter((a) => a.status !== 200)),
      );
      assert.deepEqual(tally(answers.map((a) => (a.body.outcome === 'issued' ? 1 : 0))), { 1: 10, 0: 10 });
      // A replay later, and an expiry arriving after its session completed, change nothing.
      assert.equal((await deliver(server.url, completions[3] as never)).body.outcome, 'duplicate');
      const lateExpiry = await deliver(server.url, sessionEvent(sessions[0] as never, 'checkout.session.expired'));
      assert.equal(lateExpiry.body.outcome, 'ignored');
      const db = server.earshot.store.db;
      const valid = await db
        .selectFrom('tickets')
        .select('id')
        .where('space_id', '=', id)
        .where('status', '=', 'valid')
        .execute();
      assert.equal(valid.length, 10);
      const stored = await db.selectFrom('stripe_events').select('id').execute();
      assert.equal(stored.length, 11, 'each event stored once');
      const card = (await host.c.get(`/api/spaces/${id}`)).body.ticketing;
      assert.deepEqual([card.sold, card.remaining], [10, 0]);
      assert.deepEqual(await audit(db), { unbalancedEntries: 0, driftingAccounts: 0, totalMinor: 0 });
      const me = (await crowd[0]?.c.get('/api/me/tickets'))?.body.items ?? [];
      assert.ok(me.length <= 1);
    });
  });
});
