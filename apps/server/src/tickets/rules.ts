import type { Eligibility } from '@earshot/protocol';

/**
 * Ticketing's rules, pure: who may sell, whether a Space is on sale, how a sale splits between
 * the host and the platform, who may change or refund what. Money is integer minor units.
 */

export interface RevenuePolicy {
  /** The host's share below the threshold and beyond it, in basis points (9700 = 97%). */
  hostShareBp: number;
  hostShareAfterBp: number;
  /** The host's lifetime gross (per currency, in minor units) where the second rate starts. */
  thresholdMinor: number;
}

export interface Split {
  hostMinor: number;
  platformMinor: number;
}

/**
 * Splits one sale of `priceMinor`, given the host's lifetime gross before it. The part of the
 * sale below the threshold earns the first rate, the part beyond it the second: a sale that
 * crosses the threshold is split exactly at it. Rounding: the host's share of each part is
 * rounded down to a whole minor unit and the platform takes the rest, so the two shares always
 * sum to the price and neither is ever negative.
 */
export function splitSale(grossBeforeMinor: number, priceMinor: number, policy: RevenuePolicy): Split {
  const below = Math.max(0, Math.min(priceMinor, policy.thresholdMinor - grossBeforeMinor));
  const above = priceMinor - below;
  const hostMinor =
    Math.floor((below * policy.hostShareBp) / 10_000) + Math.floor((above * policy.hostShareAfterBp) / 10_000);
  return { hostMinor, platformMinor: priceMinor - hostMinor };
}

export interface EligibilityPolicy {
  minFollowers: number;
  minHostedSpaces: number;
  hostedWindowDays: number;
  requireAdult: boolean;
}

export interface SellerFacts {
  followers: number;
  hostedSpaces: number;
  adultConfirmed: boolean;
  granted: boolean;
}

/** Whether a host may sell tickets, condition by condition (an admin's grant skips them all). */
export function eligibility(facts: SellerFacts, policy: EligibilityPolicy): Eligibility {
  const conditions: Eligibility['conditions'] = [
    {
      name: 'followers',
      met: facts.followers >= policy.minFollowers,
      required: policy.minFollowers,
      actual: facts.followers,
      message: `at least ${policy.minFollowers} followers (you have ${facts.followers})`,
    },
    {
      name: 'hosted_spaces',
      met: facts.hostedSpaces >= policy.minHostedSpaces,
      required: policy.minHostedSpaces,
      actual: facts.hostedSpaces,
      message: `at least ${policy.minHostedSpaces} Spaces hosted in the last ${policy.hostedWindowDays} days (you hosted ${facts.hostedSpaces})`,
    },
    {
      name: 'adult',
      met: !policy.requireAdult || facts.adultConfirmed,
      required: policy.requireAdult ? 1 : 0,
      actual: facts.adultConfirmed ? 1 : 0,
      message: 'confirm you are 18 or older (POST /api/me/ticketing/confirm-age)',
    },
  ];
  return { eligible: facts.granted || conditions.every((c) => c.met), granted: facts.granted, conditions };
}

/** The refusal's message: every condition not met. */
export const unmetMessage = (e: Eligibility) =>
  `you cannot sell tickets yet: ${e.conditions
    .filter((c) => !c.met)
    .map((c) => c.message)
    .join('; ')}`;

export interface PricePolicy {
  minPriceMinor: number;
  maxPriceMinor: number;
}

/** Statuses after which a Space never starts again; anything else before `live` counts as "not started" (scheduling adds some). */
const OVER = ['ended', 'cancelled', 'missed'];
const started = (status: string) => status === 'live' || OVER.includes(status);

export type Verdict = { ok: true } | { ok: false; status: number; code: string; message: string };
const ok: Verdict = { ok: true };
const no = (status: number, code: string, message: string): Verdict => ({ ok: false, status, code, message });

export function checkPrice(priceMinor: number, policy: PricePolicy): Verdict {
  if (priceMinor < policy.minPriceMinor || priceMinor > policy.maxPriceMinor)
    return no(
      400,
      'invalid_price',
      `a ticket costs between ${policy.minPriceMinor} and ${policy.maxPriceMinor} minor units`,
    );
  return ok;
}

export interface OfferFacts {
  spaceStatus: string;
  sold: number;
  held: number;
  capacity: number;
  salesOpenAt: Date | null;
  salesCloseAt: Date | null;
  cancelled: boolean;
}

/** Before the first sale (or open checkout) a host may change or drop the terms; after, they are fixed. */
export function decideEdit(offer: OfferFacts | null, spaceStatus: string): Verdict {
  if (started(spaceStatus)) return no(409, 'conflict', 'ticketing is set before the Space starts');
  if (offer && (offer.sold > 0 || offer.held > 0))
    return no(409, 'ticketing_locked', 'price and capacity are fixed once the first ticket is sold');
  return ok;
}

/** Whether a ticket may be bought now: 403 not_on_sale, 409 sold_out (no seat, counting open checkouts). */
export function decideSale(offer: OfferFacts, now: Date): Verdict {
  if (offer.cancelled) return no(403, 'not_on_sale', 'this Space was cancelled');
  if (OVER.includes(offer.spaceStatus)) return no(403, 'not_on_sale', 'this Space is over');
  if (offer.salesOpenAt && now < offer.salesOpenAt)
    return no(403, 'not_on_sale', `tickets go on sale at ${offer.salesOpenAt.toISOString()}`);
  if (offer.salesCloseAt && now >= offer.salesCloseAt) return no(403, 'not_on_sale', 'ticket sales have closed');
  if (offer.sold + offer.held >= offer.capacity) return no(409, 'sold_out', 'sold out: no tickets left');
  return ok;
}

/** A buyer may refund their own ticket until the Space starts, not after. */
export function decideBuyerRefund(
  ticket: { status: string; ownerId: string },
  viewerId: string,
  spaceStatus: string,
): Verdict {
  if (ticket.ownerId !== viewerId) return no(404, 'not_found', 'ticket not found');
  if (ticket.status === 'refunding' || ticket.status === 'refunded')
    return no(409, 'conflict', 'this ticket is already refunded');
  if (ticket.status !== 'valid') return no(409, 'conflict', 'this ticket was never paid');
  if (started(spaceStatus)) return no(403, 'refund_closed', 'tickets cannot be refunded once the Space has started');
  return ok;
}

/** Durable refund retries: 5 s, 25 s, 2 min, 10 min, then hourly, for as long as it takes. */
export const refundRetryDelayMs = (attempts: number) => Math.min(60 * 60_000, 5000 * 5 ** Math.max(0, attempts - 1));
