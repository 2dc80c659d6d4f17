import {
  CommandArgs,
  CommandResult,
  CreateSpaceBody,
  commandNames,
  EditSpaceBody,
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
import { AppError, clientError, errorBody, socketError } from '../http/errors';
import { controlCharacterError, hasControlCharacter } from '../http/input';
import { OpenPerKey } from '../limits/open-per-key';
import { scheduleRoutes } from '../schedule/routes';
import { remindersOf } from '../schedule/store';
import { findUser, getUserById, summary } from '../social/users-store';
import { hlsRoutes } from './hls-routes';
import { mediaRoutes } from './media-routes';
import { ticketRequired } from './rules';
import { bubbles, listLive, listUpcoming, summaryOf } from './store';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export async function spaceRoutes(app: FastifyInstance, services: Services) {
  const { db, config, spaces, spaceHub: hub, tickets } = services;
  await mediaRoutes(app, services.spaceMedia, config);
  await hlsRoutes(app, services.spaceMedia, config.HLS_PUBLIC_URL);
  await scheduleRoutes(app, services, spaces);
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
      const viewer = requireViewer(request);
      await services.limits.take('space', viewer.id, request.ip);
      const { ticketing, ...input } = request.body;
      if (ticketing) await tickets.assertMaySell(viewer.id, ticketing);
      const { room, seq } = await spaces.create(
        viewer,
        input,
        ticketing && ((tx, spaceId) => tickets.createOffer(tx, spaceId, viewer.id, ticketing)),
      );
      const view = ticketing ? await tickets.view(room.id, viewer.id, room.status) : null;
      return reply.status(201).send({ space: { ...summaryOf(room, 0), ticketing: view }, seq });
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
    async (request) => {
      const { state, q, limit, host } = request.query;
      const viewerId = request.viewer?.id ?? null;
      const hostId = host ? (await findUser(db, host)).id : undefined;
      if (state === 'live' && !hostId) return { items: await withTicketing(await listLive(db, q, limit), viewerId) };
      const items =
        state === 'live'
          ? (await listLive(db, q, 100)).filter((s) => s.host.id === hostId).slice(0, limit)
          : await listUpcoming(db, { q, hostId, viewerId, limit });
      const reminders = await remindersOf(
        db,
        items.map((s) => s.id),
        viewerId,
      );
      return {
        items: await withTicketing(
          items.map((s) => ({ ...s, ...reminders.get(s.id) })),
          viewerId,
        ),
      };
    },
  );

  r.get(
    '/api/spaces/bubbles',
    { schema: { tags: ['spaces'], response: { 200: z.object({ items: z.array(SpaceSummary) }) } } },
    async (request) => {
      const viewerId = requireViewer(request).id;
      return { items: await withTicketing(await bubbles(db, viewerId, 20), viewerId) };
    },
  );

  r.get(
    '/api/spaces/:id',
    { schema: { tags: ['spaces'], params: IdParams, response: { 200: SpaceView } } },
    async (request) => {
      const { state, seq, listenerCount } = await spaces.load(request.params.id);
      // Everyone may see the card (title, stage, seats left); the rules decide who gets in.
      const ticketing = await tickets.view(state.id, request.viewer?.id ?? null, state.status);
      const reminders = (await remindersOf(db, [state.id], request.viewer?.id ?? null)).get(state.id);
      return {
        seq,
        space: { ...state, scheduledFor: state.scheduledFor ?? null },
        ticketing,
        listenerCount,
        listeners: hub.presence(request.params.id)?.listeners ?? [],
        reminderCount: reminders?.reminderCount ?? 0,
        youHaveReminder: reminders?.youHaveReminder ?? false,
        hlsUrl:
          state.status === 'live'
            ? `${config.PUBLIC_URL?.replace(/\/+$/, '') ?? ''}/api/spaces/${state.id}/hls/live.m3u8`
            : null,
      };
    },
  );

  r.patch(
    '/api/spaces/:id',
    { schema: { tags: ['spaces'], params: IdParams, body: EditSpaceBody, response: { 200: CommandResult } } },
    async (request) => spaces.run(request.params.id, request.viewer, 'edit', request.body, request.ip),
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
      async (request) => spaces.run(request.params.id, request.viewer, name, request.body, request.ip),
    );
  }

  /** Lists show a ticketed Space's price and seats left. */
  const withTicketing = async (items: SpaceSummary[], viewerId: string | null) => {
    const views = await tickets.views(items, viewerId);
    return items.map((s) => (views.has(s.id) ? { ...s, ticketing: views.get(s.id) } : s));
  };

  /** Refuses removed, blocked and unticketed people before the socket opens (HTTP 403), and unknown Spaces (404). */
  // Signed-out sockets per IP on this node: 300 made-up `?client=` tabs once put a Space first in discovery.
  const anonymousSockets = new OpenPerKey(config.ANON_SOCKETS_PER_IP, 'signed-out connections from your address');
  const mayJoin = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    if (!request.viewer) anonymousSockets.check(request.ip);
    const { role } = await spaces.standing(request.params.id, request.viewer?.id ?? null);
    if (role === 'removed') throw new AppError(403, ErrorCode.forbidden, 'you were removed from this Space');
    if (role === 'blocked') throw new AppError(403, ErrorCode.forbidden, 'the host has blocked you');
    if (role === 'unticketed') {
      const refusal = ticketRequired();
      if (!refusal.ok) throw new AppError(refusal.status, refusal.code, refusal.message);
    }
  };

  app.get<{ Params: { id: string }; Querystring: { since?: string; client?: string } }>(
    '/api/spaces/:id/live',
    { websocket: true, preValidation: mayJoin, schema: { hide: true } },
    async (socket, request) => {
      const spaceId = request.params.id;
      if (!request.viewer) socket.on('close', anonymousSockets.take(request.ip));
      // Before the first await: a message sent right after the socket opens must find a listener.
      const reply = (m: object) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
      };
      socket.on('message', (raw) => {
        let parsed: ReturnType<typeof SpaceClientMessage.safeParse>;
        try {
          const json: unknown = JSON.parse(String(raw));
          if (hasControlCharacter(json)) return reply(socketError(controlCharacterError()));
          parsed = SpaceClientMessage.safeParse(json);
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
        spaces.run(spaceId, request.viewer, message.name, message.args, request.ip).then(
          ({ seq }) => reply({ type: 'ack', id: message.id, seq }),
          (err: unknown) => {
            const known = clientError(err);
            if (known) return reply(socketError(known, message.id));
            request.log.error({ err, code: ErrorCode.internal }, 'space command failed');
            reply({
              type: 'error',
              id: message.id,
              ...errorBody(ErrorCode.internal, 'something went wrong on our side'),
            });
          },
        );
      });
      const viewer = request.viewer ? summary(await getUserById(db, request.viewer.id)) : null;
      // Presence is per person; anonymous listeners may name their tab (?client=) to survive reconnects.
      const client = typeof request.query.client === 'string' ? request.query.client.slice(0, 64) : '';
      const presenceKey = viewer ? `user:${viewer.id}` : `anon:${client || Math.random().toString(36).slice(2)}`;
      const since = Number.parseInt(request.query.since ?? '', 10);
      await hub.join(spaceId, socket, viewer, presenceKey, Number.isFinite(since) ? since : undefined);
    },
  );
}
