import {
  CommandArgs,
  CommandResult,
  CreateSpaceBody,
  commandNames,
  ErrorCode,
  SpaceClientMessage,
  SpaceListQuery,
  SpaceSummary,
  SpaceView,
} from '@earshot/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../context';
import { requireViewer } from '../http/auth';
import { AppError, errorBody } from '../http/errors';
import { getUserById, summary } from '../social/users-store';
import { mediaRoutes } from './media-routes';
import { bubbles, listLive, summaryOf } from './store';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export async function spaceRoutes(app: FastifyInstance, services: Services) {
  const { db, config, spaces, spaceHub: hub } = services;
  await mediaRoutes(app, services.spaceMedia, config.ICE_SERVERS);
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/spaces',
    {
      schema: {
        tags: ['spaces'],
        body: CreateSpaceBody,
        response: { 201: z.object({ space: SpaceSummary, seq: z.number() }) },
      },
    },
    async (request, reply) => {
      const { room, seq } = await spaces.create(requireViewer(request), request.body);
      return reply.status(201).send({ space: summaryOf(room, 0), seq });
    },
  );

  r.get(
    '/api/spaces',
    {
      schema: {
        tags: ['spaces'],
        querystring: SpaceListQuery,
        response: { 200: z.object({ items: z.array(SpaceSummary) }) },
      },
    },
    async (request) => ({ items: await listLive(db, request.query.q, request.query.limit) }),
  );

  r.get(
    '/api/spaces/bubbles',
    { schema: { tags: ['spaces'], response: { 200: z.object({ items: z.array(SpaceSummary) }) } } },
    async (request) => ({ items: await bubbles(db, requireViewer(request).id, 20) }),
  );

  r.get(
    '/api/spaces/:id',
    { schema: { tags: ['spaces'], params: IdParams, response: { 200: SpaceView } } },
    async (request) => {
      const { state, seq, listenerCount } = await spaces.load(request.params.id);
      return { seq, space: state, listenerCount, listeners: hub.presence(request.params.id)?.listeners ?? [] };
    },
  );

  for (const name of commandNames) {
    r.post(
      `/api/spaces/:id/${name}`,
      {
        schema: {
          tags: ['space commands'],
          params: IdParams,
          body: CommandArgs[name].optional(),
          response: { 200: CommandResult },
        },
      },
      async (request) => spaces.run(request.params.id, request.viewer, name, request.body),
    );
  }

  /** Refuses removed and blocked people before the socket opens (HTTP 403), and unknown Spaces (404). */
  const mayJoin = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { role } = await spaces.standing(request.params.id, request.viewer?.id ?? null);
    if (role === 'removed') throw new AppError(403, ErrorCode.forbidden, 'you were removed from this Space');
    if (role === 'blocked') throw new AppError(403, ErrorCode.forbidden, 'the host has blocked you');
  };

  app.get<{ Params: { id: string }; Querystring: { since?: string; client?: string } }>(
    '/api/spaces/:id/live',
    { websocket: true, preValidation: mayJoin, schema: { hide: true } },
    async (socket, request) => {
      const spaceId = request.params.id;
      const viewer = request.viewer ? summary(await getUserById(db, request.viewer.id)) : null;
      // Presence is per person; anonymous listeners may name their tab (?client=) to survive reconnects.
      const client = typeof request.query.client === 'string' ? request.query.client.slice(0, 64) : '';
      const presenceKey = viewer ? `user:${viewer.id}` : `anon:${client || Math.random().toString(36).slice(2)}`;
      const since = Number.parseInt(request.query.since ?? '', 10);
      const reply = (m: object) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
      };
      socket.on('message', (raw) => {
        let parsed: ReturnType<typeof SpaceClientMessage.safeParse>;
        try {
          parsed = SpaceClientMessage.safeParse(JSON.parse(String(raw)));
        } catch {
          return reply({ type: 'error', ...errorBody(ErrorCode.invalidJson, 'messages are JSON') });
        }
        if (!parsed.success)
          return reply({
            type: 'error',
            ...errorBody(ErrorCode.invalidRequest, 'expected {type:"command", id, name, args} or {type:"ping"}'),
          });
        const message = parsed.data;
        if (message.type === 'ping') return reply({ type: 'pong' });
        spaces.run(spaceId, request.viewer, message.name, message.args).then(
          ({ seq }) => reply({ type: 'ack', id: message.id, seq }),
          (err: unknown) => {
            if (err instanceof AppError)
              return reply({ type: 'error', id: message.id, ...errorBody(err.code, err.message) });
            request.log.error({ err }, 'space command failed');
            reply({
              type: 'error',
              id: message.id,
              ...errorBody(ErrorCode.internal, 'something went wrong on our side'),
            });
          },
        );
      });
      await hub.join(spaceId, socket, viewer, presenceKey, Number.isFinite(since) ? since : undefined);
    },
  );
}
