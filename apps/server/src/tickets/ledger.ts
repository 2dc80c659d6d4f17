import { sql } from 'kysely';
import { AppError } from '../http/errors';
import { newId } from '../ids';
import type { Db } from '../store/db';

/**
 * The double-entry ledger. Every money movement is one entry whose lines sum to zero; an
 * account's balance is the sum of its lines, kept on the account row so a wallet's overdraft is
 * refused by one conditional UPDATE. Accounts (per currency):
 *   wallet:USER:CUR    what a person may spend (ledger provider; cannot go below zero)
 *   earnings:USER:CUR  a host's share of their sales
 *   platform:CUR       the platform's share
 *   topups:CUR         where admin top-ups come from (goes negative: money that came in)
 *   stripe:CUR         payments taken by Stripe (goes negative by what Stripe collected)
 */

export type AccountKind = 'wallet' | 'earnings' | 'platform' | 'topups' | 'stripe';

export interface Account {
  id: string;
  kind: AccountKind;
  userId: string | null;
  currency: string;
}

export const account = {
  wallet: (userId: string, currency: string): Account => ({
    id: `wallet:${userId}:${currency}`,
    kind: 'wallet',
    userId,
    currency,
  }),
  earnings: (userId: string, currency: string): Account => ({
    id: `earnings:${userId}:${currency}`,
    kind: 'earnings',
    userId,
    currency,
  }),
  platform: (currency: string): Account => ({ id: `platform:${currency}`, kind: 'platform', userId: null, currency }),
  topups: (currency: string): Account => ({ id: `topups:${currency}`, kind: 'topups', userId: null, currency }),
  stripe: (currency: string): Account => ({ id: `stripe:${currency}`, kind: 'stripe', userId: null, currency }),
};

export class InsufficientFunds extends AppError {
  constructor() {
    super(402, 'insufficient_funds', 'your balance is too low for this ticket');
  }
}

export interface Line {
  account: Account;
  amountMinor: number;
}

/**
 * Posts one balanced entry inside `tx`. Accounts are updated in id order, so concurrent entries
 * touching the same accounts never deadlock; a wallet that would go below zero throws
 * InsufficientFunds (and the caller's transaction rolls back everything).
 */
export async function post(
  tx: Db,
  entry: { kind: string; memo: string; ticketId?: string | null; lines: Line[] },
): Promise<string> {
  const lines = entry.lines.filter((l) => l.amountMinor !== 0);
  if (!lines.every((l) => Number.isSafeInteger(l.amountMinor))) throw new Error('ledger amounts are whole minor units');
  if (lines.reduce((s, l) => s + l.amountMinor, 0) !== 0) throw new Error(`unbalanced ledger entry ${entry.kind}`);
  const currencies = new Set(lines.map((l) => l.account.currency));
  if (currencies.size > 1) throw new Error('one ledger entry moves one currency');
  const id = newId();
  await tx
    .insertInto('ledger_entries')
    .values({ id, kind: entry.kind, memo: entry.memo, ticket_id: entry.ticketId ?? null })
    .execute();
  for (const line of [...lines].sort((a, b) => (a.account.id < b.account.id ? -1 : 1))) {
    const a = line.account;
    await tx
      .insertInto('ledger_accounts')
      .values({ id: a.id, kind: a.kind, user_id: a.userId, currency: a.currency, allow_negative: a.kind !== 'wallet' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const updated = await tx
      .updateTable('ledger_accounts')
      .set({ balance_minor: sql`balance_minor + ${line.amountMinor}` })
      .where('id', '=', a.id)
      .where((eb) => eb.or([eb('allow_negative', '=', true), eb('balance_minor', '>=', -line.amountMinor)]))
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw new InsufficientFunds();
    await tx
      .insertInto('ledger_lines')
      .values({ entry_id: id, account_id: a.id, amount_minor: line.amountMinor })
      .execute();
  }
  return id;
}

/** A person's accounts and their lines, newest first. */
export async function statement(db: Db, userId: string, limit = 200) {
  const accounts = await db
    .selectFrom('ledger_accounts')
    .select(['id', 'kind', 'currency', 'balance_minor'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  const lines =
    accounts.length === 0
      ? []
      : await db
          .selectFrom('ledger_lines as l')
          .innerJoin('ledger_entries as e', 'e.id', 'l.entry_id')
          .select(['e.id', 'e.created_at', 'e.kind', 'e.memo', 'e.ticket_id', 'l.account_id', 'l.amount_minor'])
          .where(
            'l.account_id',
            'in',
            accounts.map((a) => a.id),
          )
          .orderBy('e.created_at', 'desc')
          .orderBy('e.id', 'desc')
          .limit(limit)
          .execute();
  return {
    accounts: accounts.map((a) => ({
      id: a.id,
      kind: a.kind,
      currency: a.currency,
      balanceMinor: Number(a.balance_minor),
    })),
    lines: lines.map((l) => ({
      entryId: l.id,
      at: l.created_at.toISOString(),
      kind: l.kind,
      memo: l.memo,
      accountId: l.account_id,
      amountMinor: Number(l.amount_minor),
      ticketId: l.ticket_id,
    })),
  };
}

/** Whether the books balance: every entry sums to zero, and every balance equals its lines. */
export async function audit(db: Db) {
  const unbalanced = await sql<{ n: string }>`
    select count(*) as n from (select entry_id from ledger_lines group by entry_id having sum(amount_minor) <> 0) x`.execute(
    db,
  );
  const drift = await sql<{ n: string }>`
    select count(*) as n from ledger_accounts a
    where a.balance_minor <> coalesce((select sum(amount_minor) from ledger_lines l where l.account_id = a.id), 0)`.execute(
    db,
  );
  const total = await sql<{ s: string | null }>`select sum(balance_minor) as s from ledger_accounts`.execute(db);
  return {
    unbalancedEntries: Number(unbalanced.rows[0]?.n ?? 0),
    driftingAccounts: Number(drift.rows[0]?.n ?? 0),
    totalMinor: Number(total.rows[0]?.s ?? 0),
  };
}
