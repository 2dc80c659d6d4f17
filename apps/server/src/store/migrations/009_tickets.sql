-- Ticketed Spaces (owner: tickets/). Money is bigint minor units with an ISO 4217 currency.

-- A Space's offer: its terms, and the counts that one conditional UPDATE guards against oversell.
CREATE TABLE ticket_offers (
  space_id text PRIMARY KEY REFERENCES spaces(id) ON DELETE CASCADE,
  host_id text NOT NULL REFERENCES users(id),
  price_minor bigint NOT NULL CHECK (price_minor > 0),
  currency text NOT NULL,
  capacity integer NOT NULL CHECK (capacity > 0),
  sales_open_at timestamptz,
  sales_close_at timestamptz,
  -- Issued tickets, and seats held by open Stripe Checkout Sessions.
  sold integer NOT NULL DEFAULT 0 CHECK (sold >= 0),
  held integer NOT NULL DEFAULT 0 CHECK (held >= 0),
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (sold + held <= capacity)
);

-- One person's ticket: held (checkout open) -> valid -> refunding -> refunded; held -> expired.
CREATE TABLE tickets (
  id text PRIMARY KEY,
  space_id text NOT NULL REFERENCES ticket_offers(space_id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users(id),
  status text NOT NULL,
  provider text NOT NULL,
  price_minor bigint NOT NULL,
  currency text NOT NULL,
  host_share_minor bigint,
  platform_share_minor bigint,
  checkout_session_id text UNIQUE,
  checkout_url text,
  hold_expires_at timestamptz,
  payment_ref text,
  refund_reason text,
  refund_attempts integer NOT NULL DEFAULT 0,
  refund_error text,
  refund_ref text,
  created_at timestamptz NOT NULL DEFAULT now(),
  issued_at timestamptz,
  refunded_at timestamptz
);
-- A ticket is one person's, and one person has at most one live ticket per Space (a refunded or
-- expired one does not stop them buying again).
CREATE UNIQUE INDEX tickets_one_per_person ON tickets(space_id, user_id) WHERE status IN ('held', 'valid', 'refunding');
CREATE INDEX tickets_user ON tickets(user_id, created_at);
CREATE INDEX tickets_space_status ON tickets(space_id, status);

-- Who may sell: the host's own 18+ confirmation, and the admin's grant (which skips the conditions).
CREATE TABLE ticket_sellers (
  user_id text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  adult_confirmed_at timestamptz,
  granted_at timestamptz
);

-- A host's lifetime gross per currency: the revenue share's threshold reads it under its row lock.
CREATE TABLE host_revenue (
  host_id text NOT NULL REFERENCES users(id),
  currency text NOT NULL,
  gross_minor bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (host_id, currency)
);

-- Double-entry ledger: every entry's lines sum to zero; an account's balance is the sum of its lines.
CREATE TABLE ledger_accounts (
  id text PRIMARY KEY,
  kind text NOT NULL,
  user_id text REFERENCES users(id),
  currency text NOT NULL,
  balance_minor bigint NOT NULL DEFAULT 0,
  -- Wallets may not go below zero; the outside world (top-ups, Stripe) and earnings may.
  allow_negative boolean NOT NULL DEFAULT false,
  CHECK (allow_negative OR balance_minor >= 0)
);
CREATE INDEX ledger_accounts_user ON ledger_accounts(user_id);
CREATE TABLE ledger_entries (
  id text PRIMARY KEY,
  kind text NOT NULL,
  memo text NOT NULL,
  ticket_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ledger_lines (
  entry_id text NOT NULL REFERENCES ledger_entries(id),
  account_id text NOT NULL REFERENCES ledger_accounts(id),
  amount_minor bigint NOT NULL,
  PRIMARY KEY (entry_id, account_id)
);
CREATE INDEX ledger_lines_account ON ledger_lines(account_id);

-- Every Stripe webhook event, stored once: a duplicate or a replay finds its id here and changes nothing.
CREATE TABLE stripe_events (
  id text PRIMARY KEY,
  type text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
