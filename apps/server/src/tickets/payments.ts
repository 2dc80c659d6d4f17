import Stripe from 'stripe';
import type { Config } from '../config';
import { AppError } from '../http/errors';
import { type Account, account } from './ledger';

/**
 * Where a ticket's money comes from and goes back to. The ledger always records the sale (the
 * host's and the platform's shares); the provider names the account the buyer's money comes from
 * and, for Stripe, takes and returns it outside Earshot.
 */
export interface PaymentProvider {
  readonly name: 'ledger' | 'stripe';
  /** The ledger account a sale debits (and a refund credits back). */
  source(buyerId: string, currency: string): Account;
  /** Stripe: a Checkout Session for a held seat. The ledger provider pays at once instead. */
  checkout?(input: CheckoutInput): Promise<{ sessionId: string; url: string; expiresAt: Date }>;
  /** Stripe: returns the money (idempotent per ticket); answers the refund's reference. */
  refundPayment?(ticket: { id: string; paymentRef: string | null; priceMinor: number }): Promise<string>;
  /** Stripe: the verified event of a webhook delivery, or an error for a bad signature. */
  verifyWebhook?(rawBody: Buffer, signature: string): { id: string; type: string; data: { object: unknown } };
}

export interface CheckoutInput {
  ticketId: string;
  spaceId: string;
  title: string;
  priceMinor: number;
  currency: string;
  buyerId: string;
  successUrl: string;
  cancelUrl: string;
}

/** Self-hosted communities and tests: balances topped up by the admin, spent at once. */
export const ledgerProvider: PaymentProvider = {
  name: 'ledger',
  source: (buyerId, currency) => account.wallet(buyerId, currency),
};

/** How long a Checkout Session (and the seat it holds) stays open: Stripe's minimum is 30 minutes. */
const CHECKOUT_MINUTES = 30;

export function stripeProvider(config: Config): PaymentProvider {
  const secret = config.STRIPE_WEBHOOK_SECRET as string;
  const base = config.STRIPE_API_BASE ? new URL(config.STRIPE_API_BASE) : null;
  const stripe = new Stripe(config.STRIPE_SECRET_KEY as string, {
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'http:' ? 80 : 443),
      protocol: base.protocol === 'http:' ? 'http' : 'https',
    }),
    // Our durable refund job retries; one quick retry here covers a dropped connection.
    maxNetworkRetries: 1,
    telemetry: false,
  });
  return {
    name: 'stripe',
    source: (_buyerId, currency) => account.stripe(currency),
    async checkout(input) {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: input.currency.toLowerCase(),
                unit_amount: input.priceMinor,
                product_data: { name: `Ticket: ${input.title}` },
              },
            },
          ],
          client_reference_id: input.ticketId,
          metadata: { ticketId: input.ticketId, spaceId: input.spaceId, buyerId: input.buyerId },
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          expires_at: Math.floor(Date.now() / 1000) + CHECKOUT_MINUTES * 60,
        },
        { idempotencyKey: `checkout:${input.ticketId}` },
      );
      if (!session.url) throw new AppError(502, 'payment_failed', 'Stripe returned no checkout URL');
      return { sessionId: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
    },
    async refundPayment(ticket) {
      if (!ticket.paymentRef) throw new Error(`ticket ${ticket.id} has no payment to refund`);
      const refund = await stripe.refunds.create(
        { payment_intent: ticket.paymentRef, amount: ticket.priceMinor },
        { idempotencyKey: `refund:${ticket.id}` },
      );
      if (refund.status === 'failed' || refund.status === 'canceled')
        throw new Error(`Stripe refund ${refund.id} ${refund.status}`);
      return refund.id;
    },
    verifyWebhook(rawBody, signature) {
      try {
        return stripe.webhooks.constructEvent(rawBody, signature, secret) as never;
      } catch (err) {
        throw new AppError(400, 'invalid_signature', `webhook refused: ${(err as Error).message}`);
      }
    },
  };
}

export const paymentProvider = (config: Config): PaymentProvider =>
  config.PAYMENTS_PROVIDER === 'stripe' ? stripeProvider(config) : ledgerProvider;
