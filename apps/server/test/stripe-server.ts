import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { createApiToken } from '../src/http/auth';
import { newId } from '../src/ids';
import type { Db } from '../src/store/db';
import { Client } from './helpers';

/**
 * A local stand-in for the Stripe API, answering what Earshot calls with Stripe's documented
 * shapes: POST /v1/checkout/sessions (a Checkout Session object) and POST /v1/refunds (a Refund
 * object), form-encoded bodies in, JSON out, the Idempotency-Key honoured (the same key answers the
 * same object). `failRefundsFor` makes refunds of a payment fail that many times first.
 */
export async function stripeServer() {
  const sessions = new Map<string, Record<string, any>>();
  const refunds: Array<Record<string, any>> = [];
  const byKey = new Map<string, string>();
  const failRefundsFor = new Map<string, number>();
  const refundCalls: Array<{ paymentIntent: string; idempotencyKey: string | undefined }> = [];
  let n = 0;
  const read = (req: IncomingMessage) =>
    new Promise<URLSearchParams>((resolve) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => resolve(new URLSearchParams(body)));
    });
  const server = createServer(async (req, res) => {
    const form = await read(req);
    const key = req.headers['idempotency-key'] as string | undefined;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${++n}`, ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
      const existing = key && byKey.get(key);
      if (existing) return send(200, sessions.get(existing));
      const id = `cs_test_${++n}${Math.random().toString(36).slice(2, 8)}`;
      const unit = Number(form.get('line_items[0][price_data][unit_amount]'));
      const quantity = Number(form.get('line_items[0][quantity]') ?? 1);
      const session = {
        id,
        object: 'checkout.session',
        mode: form.get('mode'),
        status: 'open',
        payment_status: 'unpaid',
        url: `https://checkout.stripe.com/c/pay/${id}`,
        amount_total: unit * quantity,
        currency: form.get('line_items[0][price_data][currency]'),
        client_reference_id: form.get('client_reference_id'),
        metadata: {
          ticketId: form.get('metadata[ticketId]'),
          spaceId: form.get('metadata[spaceId]'),
          buyerId: form.get('metadata[buyerId]'),
        },
        success_url: form.get('success_url'),
        cancel_url: form.get('cancel_url'),
        expires_at: Number(form.get('expires_at')),
        payment_intent: null,
        livemode: false,
      };
      sessions.set(id, session);
      if (key) byKey.set(key, id);
      return send(200, session);
    }
    if (req.method === 'POST' && req.url === '/v1/refunds') {
      const paymentIntent = String(form.get('payment_intent'));
      refundCalls.push({ paymentIntent, idempotencyKey: key });
      const failures = failRefundsFor.get(paymentIntent) ?? 0;
      if (failures > 0) {
        failRefundsFor.set(paymentIntent, failures - 1);
        return send(
          500,
          { error: { type: 'api_error', message: 'An unknown error occurred (test)' } },
          { 'stripe-should-retry': 'false' },
        );
      }
      const existing = key && refunds.find((r) => r.idempotencyKey === key);
      if (existing) return send(200, existing.refund);
      const refund = {
        id: `re_test_${++n}`,
        object: 'refund',
        amount: Number(form.get('amount')),
        currency: 'usd',
        payment_intent: paymentIntent,
        status: 'succeeded',
      };
      refunds.push({ idempotencyKey: key, refund });
      return send(200, refund);
    }
    send(404, {
      error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    sessions,
    refunds: () => refunds.map((r) => r.refund),
    refundCalls,
    failRefundsFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type StripeServer = Awaited<ReturnType<typeof stripeServer>>;

export const WEBHOOK_SECRET = 'whsec_test_earshot';
export const stripeEnv = (api: StripeServer) => ({
  PAYMENTS_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_earshot',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_BASE: api.base,
});

const signer = new Stripe('sk_test_signer');
let events = 0;

/** A checkout.session.* event for a session, as Stripe sends it (JSON text) with its signature header. */
export function sessionEvent(
  session: Record<string, any>,
  type: 'checkout.session.completed' | 'checkout.session.expired',
  options: { timestamp?: number; secret?: string; eventId?: string } = {},
) {
  const paid = type === 'checkout.session.completed';
  const payload = JSON.stringify({
    id: options.eventId ?? `evt_test_${++events}_${Math.random().toString(36).slice(2, 8)}`,
    object: 'event',
    api_version: '2025-01-01',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    data: {
      object: {
        ...session,
        status: paid ? 'complete' : 'expired',
        payment_status: paid ? 'paid' : 'unpaid',
        payment_intent: paid ? `pi_for_${session.id}` : null,
      },
    },
  });
  const header = signer.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp !== undefined && { timestamp: options.timestamp }),
  });
  return { payload, header };
}

export async function deliver(base: string, event: { payload: string; header: string }) {
  const res = await fetch(`${base}/api/payments/stripe/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': event.header },
    body: event.payload,
  });
  return { status: res.status, body: await res.json() };
}

/** Many buyers fast: accounts written straight to the database, each with an API token. */
export async function buyers(db: Db, base: string, count: number, prefix: string) {
  const list: Array<{ id: string; handle: string; c: Client }> = [];
  for (let i = 0; i < count; i++) {
    const id = newId();
    const handle = `${prefix}${i}`.slice(0, 15);
    await db
      .insertInto('users')
      .values({ id, handle, handle_lower: handle.toLowerCase(), display_name: handle, password_hash: 'x' })
      .execute();
    const c = new Client(base);
    c.bearer = await createApiToken(db, id, newId(), 'test');
    list.push({ id, handle, c });
  }
  return list;
}
