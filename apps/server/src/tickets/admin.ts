import { sql } from 'kysely';
import type { Db } from '../store/db';
import { account, post } from './ledger';
import { salesTotals, setSeller } from './store';

/** Operator commands of ticketing, run by `npm run admin` (admin.ts) against the server's database. */

const userByHandle = (db: Db, handle: string) =>
  db
    .selectFrom('users')
    .select(['id', 'handle'])
    .where('handle_lower', '=', handle.replace(/^@/, '').toLowerCase())
    .executeTakeFirst();

export type AdminCommand = (db: Db, out: (line: string) => void) => Promise<number>;

/** `credit <handle> <amountMinor> [currency]`: a top-up, as a balanced entry from the top-ups account. */
export const credit =
  (handle: string, amountMinor: number, currency: string): AdminCommand =>
  async (db, out) => {
    const user = await userByHandle(db, handle);
    if (!user) {
      out(`no user @${handle}`);
      return 1;
    }
    const wallet = account.wallet(user.id, currency);
    await db.transaction().execute((tx) =>
      post(tx, {
        kind: 'topup',
        memo: `top-up for @${user.handle} by the admin`,
        lines: [
          { account: account.topups(currency), amountMinor: -amountMinor },
          { account: wallet, amountMinor },
        ],
      }),
    );
    const row = await db
      .selectFrom('ledger_accounts')
      .select('balance_minor')
      .where('id', '=', wallet.id)
      .executeTakeFirstOrThrow();
    out(`@${user.handle} credited ${amountMinor} ${currency} minor units; balance ${Number(row.balance_minor)}`);
    return 0;
  };

/** `ticketing grant|revoke <handle>`: may sell tickets whatever the eligibility conditions say. */
export const grantTicketing =
  (handle: string, grant: boolean): AdminCommand =>
  async (db, out) => {
    const user = await userByHandle(db, handle);
    if (!user) {
      out(`no user @${handle}`);
      return 1;
    }
    await setSeller(db, user.id, { granted_at: grant ? new Date() : null });
    out(grant ? `@${user.handle} may sell tickets` : `@${user.handle} sells tickets only if eligible`);
    return 0;
  };

/** `earnings`: the platform's share per currency, the hosts' shares, and refunds not yet done. */
export const platformEarnings: AdminCommand = async (db, out) => {
  const rows = await salesTotals(db, null);
  const totals = new Map<string, { gross: number; host: number; platform: number; tickets: number }>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? { gross: 0, host: 0, platform: 0, tickets: 0 };
    t.gross += r.grossMinor;
    t.host += r.hostMinor;
    t.platform += r.platformMinor;
    t.tickets += r.tickets;
    totals.set(r.currency, t);
  }
  if (totals.size === 0) out('no ticket sales yet');
  for (const [currency, t] of totals)
    out(`${currency}: ${t.tickets} tickets, gross ${t.gross}, hosts ${t.host}, platform ${t.platform} (minor units)`);
  const pending = await sql<{ n: string }>`select count(*) as n from tickets where status = 'refunding'`.execute(db);
  out(`refunds not yet done: ${Number(pending.rows[0]?.n ?? 0)}`);
  return 0;
};
