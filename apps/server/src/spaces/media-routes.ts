import { ErrorCode, MediaInfo } from '@earshot/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../http/errors';
import type { SpaceMedia } from './media';
import type { MediaAction } from './rules';

const SpaceParams = z.strictObject({ id: z.string().min(1).max(64) });
const SessionParams = SpaceParams.extend({ session: z.string().min(1).max(64) });
const SDP = 'application/sdp';

/**
 * WHIP (RFC 9725) and WHEP: an SDP offer in, 201 with the answer and the session's URL out;
 * DELETE on that URL ends it. Offers carry all their candidates (no trickle: one UDP port). A WHEP
 * offer with one audio section gets the room mix; one with a section per stage slot, each speaker.
 */
export async function mediaRoutes(
  app: FastifyInstance,
  media: SpaceMedia,
  config: { ICE_SERVERS: string[]; MIX_LISTENERS_FROM: number },
) {
  const iceServers = config.ICE_SERVERS;
  app.addContentTypeParser([SDP, 'application/trickle-ice-sdpfrag'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  const r = app.withTypeProvider<ZodTypeProvider>();

  const answer = (action: MediaAction) => async (request: FastifyRequest, reply: FastifyReply) => {
    const { id } = request.params as { id: string };
    if (!request.headers['content-type']?.startsWith(SDP))
      throw new AppError(415, ErrorCode.unsupportedMediaType, `send the SDP offer as ${SDP}`);
    if (typeof request.body !== 'string' || request.body.trim() === '')
      throw new AppError(400, 'invalid_sdp', 'the request has no SDP offer');
    const { sessionId, answer } = await media.connect(action, id, request.viewer?.id ?? null, request.body, request.ip);
    reply.header('Location', `/api/spaces/${encodeURIComponent(id)}/media/${sessionId}`);
    // WHIP/WHEP clients learn STUN/TURN servers from Link headers.
    if (iceServers.length > 0)
      reply.header(
        'Link',
        iceServers.map((s) => `<${s.replace(/^(stun|turns?):\/\/[^@]*@/, '$1:')}>; rel="ice-server"`).join(', '),
      );
    return reply.status(201).type(SDP).send(answer);
  };

  const offerSchema = (what: string) => ({
    tags: ['media'],
    summary: what,
    params: SpaceParams,
    consumes: [SDP],
    produces: [SDP],
  });
  r.post(
    '/api/spaces/:id/whip',
    { schema: offerSchema('WHIP: publish your microphone (stage only)') },
    answer('publish'),
  );
  r.post(
    '/api/spaces/:id/whep',
    { schema: offerSchema('WHEP: listen (one audio section: the room mix; one per stage slot: each speaker)') },
    answer('listen'),
  );

  r.get('/api/media', { schema: { tags: ['media'], response: { 200: MediaInfo } } }, async () => ({
    mixListenersFrom: config.MIX_LISTENERS_FROM,
  }));

  r.delete(
    '/api/spaces/:id/media/:session',
    { schema: { tags: ['media'], summary: 'End a WHIP or WHEP session', params: SessionParams } },
    async (request, reply) => {
      if (!media.end(request.params.id, request.params.session)) throw notFound('media session');
      return reply.status(204).send();
    },
  );

  // Trickle ICE and ICE restarts are not offered: a client reconnects with a new POST.
  r.patch(
    '/api/spaces/:id/media/:session',
    { schema: { tags: ['media'], params: SessionParams } },
    async (_request, reply) =>
      reply
        .status(405)
        .header('Allow', 'DELETE')
        .send({ error: { code: 'method_not_allowed', message: 'no trickle ICE here; POST a new offer to reconnect' } }),
  );
}
