import {
  BuyTicketResponse,
  ConfirmAgeBody,
  Earnings,
  Eligibility,
  LedgerStatement,
  SalesView,
  Ticket,
  TicketingView,
  UpdateTicketingBody,
} from '@earshot/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../context';
import { requireViewer } from '../http/auth';
import { AppError } from '../http/errors';
import { statement } from './ledger';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Where Stripe sends the buyer back to: PUBLIC_URL, else the address this request came to. */
const origin = (request: FastifyRequest, publicUrl: string | undefined) =>
  publicUrl ? new URL(publicUrl).origin : `${request.protocol}://${request.host}`;

export async function ticketRoutes(app: FastifyInstance, services: Services) {
  const { tickets, db, config } = services;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/spaces/:id/tickets',
    { schema: { tags: ['tickets'], params: IdParams, response: { 201: BuyTicketResponse } } },
    async (request, reply) => {
      const { id } = request.params;
      const back = `${origin(request, config.PUBLIC_URL)}/spaces/${encodeURIComponent(id)}`;
      const result = await tickets.buy(requireViewer(request), id, {
        success: `${back}?ticket=paid`,
        cancel: `${back}?ticket=cancelled`,
      });
      return reply.status(201).send(result);
    },
  );

  r.patch(
    '/api/spaces/:id/ticketing',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Set, change or drop ticketing before the first sale',
        params: IdParams,
        body: UpdateTicketingBody,
        response: { 200: z.object({ ticketing: TicketingView.nullable() }) },
      },
    },
    async (request) => ({
      ticketing: await tickets.setTerms(requireViewer(request), request.params.id, request.body.ticketing),
    }),
  );

  r.get(
    '/api/spaces/:id/sales',
    { schema: { tags: ['tickets'], params: IdParams, response: { 200: SalesView } } },
    async (request) => tickets.sales(requireViewer(request), request.params.id),
  );

  r.post(
    '/api/tickets/:id/refund',
    { schema: { tags: ['tickets'], params: IdParams, response: { 202: z.object({ ticket: Ticket }) } } },
    async (request, reply) =>
      reply.status(202).send({ ticket: await tickets.refundMine(requireViewer(request), request.params.id) }),
  );

  r.get(
    '/api/me/tickets',
    { schema: { tags: ['tickets'], response: { 200: z.object({ items: z.array(Ticket) }) } } },
    async (request) => tickets.myTickets(requireViewer(request).id),
  );

  r.get('/api/me/earnings', { schema: { tags: ['tickets'], response: { 200: Earnings } } }, async (request) =>
    tickets.earnings(requireViewer(request).id),
  );

  r.get('/api/me/ledger', { schema: { tags: ['tickets'], response: { 200: LedgerStatement } } }, async (request) =>
    statement(db, requireViewer(request).id),
  );

  r.get('/api/me/ticketing', { schema: { tags: ['tickets'], response: { 200: Eligibility } } }, async (request) =>
    tickets.eligibilityOf(requireViewer(request).id),
  );

  r.post(
    '/api/me/ticketing/confirm-age',
    { schema: { tags: ['tickets'], body: ConfirmAgeBody, response: { 200: Eligibility } } },
    async (request) => {
      const viewer = requireViewer(request);
      await tickets.confirmAge(viewer.id);
      return tickets.eligibilityOf(viewer.id);
    },
  );

  /** The admin's view: the platform's earnings and every refund not yet done. */
  r.get(
    '/api/admin/payments',
    {
      schema: {
        tags: ['tickets'],
        response: {
          200: z.object({
            earnings: Earnings,
            pendingRefunds: z.array(
              z.object({
                ticketId: z.string(),
                spaceId: z.string(),
                attempts: z.number().int(),
                error: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      if (!requireViewer(request).moderator) throw new AppError(403, 'forbidden', 'only the admin sees this');
      return {
        earnings: await tickets.earnings(null),
        pendingRefunds: (await tickets.pendingRefunds()).map((t) => ({
          ticketId: t.id,
          spaceId: t.space_id,
          attempts: t.refund_attempts,
          error: t.refund_error,
        })),
      };
    },
  );

  // The webhook's signature covers the exact bytes Stripe sent: this scope keeps the raw body.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post(
      '/api/payments/stripe/webhook',
      { schema: { tags: ['tickets'], summary: 'Stripe webhook (raw body, Stripe-Signature checked)' } },
      async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['stripe-signature'];
        return tickets.stripeWebhook(body, typeof signature === 'string' ? signature : undefined);
      },
    );
  });
}
