import { z } from 'zod';
import { UserSummary } from './social';

/**
 * Ticketed Spaces: money is always an integer number of the currency's minor units (cents for
 * USD, yen for JPY) with its ISO 4217 code, never a floating-point amount.
 */

const currencies = new Set(Intl.supportedValuesOf('currency'));
export const Currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => /^[A-Z]{3}$/.test(c) && currencies.has(c), 'an ISO 4217 currency code such as USD');
export const Minor = z.number().int();

/** What a host sets when creating (or, before the first sale, changing) a ticketed Space. */
export const TicketingInput = z
  .strictObject({
    priceMinor: Minor.min(1, 'a ticket costs at least 1 minor unit'),
    currency: Currency,
    capacity: z.number().int().min(1, 'at least one ticket').max(100_000, 'at most 100,000 tickets'),
    salesOpenAt: z.iso.datetime({ offset: true }).optional(),
    salesCloseAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine(
    (t) => !t.salesOpenAt || !t.salesCloseAt || Date.parse(t.salesCloseAt) > Date.parse(t.salesOpenAt),
    'salesCloseAt must be after salesOpenAt',
  );
export type TicketingInput = z.infer<typeof TicketingInput>;
export const UpdateTicketingBody = z.strictObject({ ticketing: TicketingInput.nullable() });

/** A Space's ticketing as the viewer sees it (in the Space's JSON). */
export const TicketingView = z.object({
  priceMinor: Minor,
  currency: z.string(),
  capacity: z.number().int(),
  salesOpenAt: z.string().nullable(),
  salesCloseAt: z.string().nullable(),
  sold: z.number().int(),
  remaining: z.number().int(),
  /** Price and capacity are fixed once the first ticket is sold. */
  locked: z.boolean(),
  /** Tickets can be bought now (window open, seats left, not cancelled). */
  onSale: z.boolean(),
  cancelled: z.boolean(),
  youHaveTicket: z.boolean(),
});
export type TicketingView = z.infer<typeof TicketingView>;

export const TicketStatus = z.enum(['held', 'valid', 'refunding', 'refunded', 'expired']);
export const Ticket = z.object({
  id: z.string(),
  spaceId: z.string(),
  spaceTitle: z.string(),
  status: TicketStatus,
  priceMinor: Minor,
  currency: z.string(),
  provider: z.enum(['ledger', 'stripe']),
  createdAt: z.string(),
  issuedAt: z.string().nullable(),
  refundedAt: z.string().nullable(),
  refundReason: z.string().nullable(),
});
export type Ticket = z.infer<typeof Ticket>;

export const BuyTicketResponse = z.union([z.object({ ticket: Ticket }), z.object({ checkoutUrl: z.string() })]);

/** One condition of the eligibility to sell tickets. */
export const EligibilityCondition = z.object({
  name: z.enum(['followers', 'hosted_spaces', 'adult']),
  met: z.boolean(),
  required: z.number().int(),
  actual: z.number().int(),
  message: z.string(),
});
export const Eligibility = z.object({
  eligible: z.boolean(),
  /** Granted by the admin by hand: the conditions do not apply. */
  granted: z.boolean(),
  conditions: z.array(EligibilityCondition),
});
export type Eligibility = z.infer<typeof Eligibility>;
export const ConfirmAgeBody = z.strictObject({ adult: z.literal(true) });

const Shares = z.object({ grossMinor: Minor, hostMinor: Minor, platformMinor: Minor });
export const Earnings = z.object({
  lifetime: z.array(z.object({ currency: z.string(), tickets: z.number().int() }).extend(Shares.shape)),
  spaces: z.array(
    z
      .object({
        spaceId: z.string(),
        title: z.string(),
        currency: z.string(),
        tickets: z.number().int(),
        refunded: z.number().int(),
        refundsPending: z.number().int(),
      })
      .extend(Shares.shape),
  ),
});
export type Earnings = z.infer<typeof Earnings>;

export const LedgerAccount = z.object({
  id: z.string(),
  kind: z.string(),
  currency: z.string(),
  balanceMinor: Minor,
});
export const LedgerStatement = z.object({
  accounts: z.array(LedgerAccount),
  lines: z.array(
    z.object({
      entryId: z.string(),
      at: z.string(),
      kind: z.string(),
      memo: z.string(),
      accountId: z.string(),
      amountMinor: Minor,
      ticketId: z.string().nullable(),
    }),
  ),
});
export type LedgerStatement = z.infer<typeof LedgerStatement>;

/** The host's (and admin's) view of a Space's sales, with refunds not yet done. */
export const SalesView = z.object({
  ticketing: TicketingView,
  held: z.number().int(),
  tickets: z.array(
    z.object({
      id: z.string(),
      buyer: UserSummary,
      status: TicketStatus,
      refundAttempts: z.number().int(),
      refundError: z.string().nullable(),
    }),
  ),
});
