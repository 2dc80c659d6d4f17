import {
  ErrorCode,
  PushEndpointBody,
  PushKeyView,
  PushPreferences,
  PushPreferencesPatch,
  PushSubscriptionBody,
  PushSubscriptionView,
  pushKinds,
} from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../context';
import { requireViewer } from '../http/auth';
import { AppError, notFound } from '../http/errors';
import { deleteSubscription, listSubscriptions, mutedKinds, saveSubscription, setKinds } from './store';

const view = (r: { endpoint: string; created_at: Date }) => ({
  endpoint: r.endpoint,
  createdAt: r.created_at.toISOString(),
});

/** Web Push: the key to subscribe with, this person's browsers, and which kinds they want pushed. */
export async function pushRoutes(app: FastifyInstance, { db, push }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const preferences = async (userId: string) => {
    const muted = await mutedKinds(db, userId);
    return { kinds: pushKinds.map((kind) => ({ kind, enabled: !muted.has(kind) })) };
  };

  r.get('/api/push/key', { schema: { tags: ['push'], response: { 200: PushKeyView } } }, async () => ({
    publicKey: push.publicKey,
  }));

  r.get(
    '/api/push/subscriptions',
    { schema: { tags: ['push'], response: { 200: z.object({ items: z.array(PushSubscriptionView) }) } } },
    async (request) => ({ items: (await listSubscriptions(db, requireViewer(request).id)).map(view) }),
  );

  r.post(
    '/api/push/subscriptions',
    {
      schema: {
        tags: ['push'],
        body: PushSubscriptionBody,
        response: { 201: z.object({ subscription: PushSubscriptionView }) },
      },
    },
    async (request, reply) => {
      const viewer = requireViewer(request);
      const { endpoint, keys } = request.body;
      if (!push.allows(endpoint))
        throw new AppError(400, ErrorCode.invalidRequest, 'endpoint: not a push service this server sends to');
      const row = await saveSubscription(db, viewer.id, { endpoint, p256dh: keys.p256dh, auth: keys.auth });
      return reply.status(201).send({ subscription: view(row) });
    },
  );

  r.delete(
    '/api/push/subscriptions',
    { schema: { tags: ['push'], body: PushEndpointBody, response: { 204: z.null() } } },
    async (request, reply) => {
      const viewer = requireViewer(request);
      if (!(await deleteSubscription(db, viewer.id, request.body.endpoint))) throw notFound('push subscription');
      return reply.status(204).send(null);
    },
  );

  r.get('/api/push/preferences', { schema: { tags: ['push'], response: { 200: PushPreferences } } }, async (request) =>
    preferences(requireViewer(request).id),
  );

  r.patch(
    '/api/push/preferences',
    { schema: { tags: ['push'], body: PushPreferencesPatch, response: { 200: PushPreferences } } },
    async (request) => {
      const viewer = requireViewer(request);
      await setKinds(db, viewer.id, request.body.kinds);
      return preferences(viewer.id);
    },
  );
}
