import path from 'node:path';
import { Recording, RecordingQuery, UpdateRecordingBody } from '@earshot/protocol';
import send from '@fastify/send';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../context';
import { AppError } from '../http/errors';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const CONTENT_TYPE = { opus: 'audio/ogg', m4a: 'audio/mp4' } as const;
const EXTENSION = { opus: 'ogg', m4a: 'm4a' } as const;

/** A Space's recording: what it is, its audio (with Range, for seeking and resumed downloads), public or not. */
export async function recordingRoutes(app: FastifyInstance, services: Services) {
  const { recordings } = services;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/spaces/:id/recording/info',
    { schema: { tags: ['recording'], params: IdParams, response: { 200: Recording } } },
    async (request) => recordings.info(request.params.id, request.viewer),
  );

  r.patch(
    '/api/spaces/:id/recording',
    { schema: { tags: ['recording'], params: IdParams, body: UpdateRecordingBody, response: { 200: Recording } } },
    async (request) => recordings.setPublic(request.params.id, request.viewer, request.body.public),
  );

  r.get(
    '/api/spaces/:id/recording',
    { schema: { tags: ['recording'], params: IdParams, querystring: RecordingQuery } },
    async (request, reply) => {
      const { id } = request.params;
      const { format } = request.query;
      const download = request.query.download === '1';
      const file = await recordings.audioFile(id, request.viewer, format, download);
      const result = await send(request.raw, encodeURIComponent(path.basename(file)), {
        root: path.dirname(file),
        acceptRanges: true,
        cacheControl: false,
        etag: true,
        lastModified: true,
      });
      if (result.type === 'error') {
        reply.headers(result.headers); // Content-Range: bytes */SIZE on a 416
        const unsatisfiable = result.statusCode === 416;
        throw new AppError(
          unsatisfiable ? 416 : 404,
          unsatisfiable ? 'range_not_satisfiable' : 'not_found',
          unsatisfiable ? 'the requested range is outside the file' : 'the recording file is missing',
        );
      }
      reply.code(result.statusCode).headers(result.headers);
      // Private audio: browsers and proxies must not keep it beyond this person.
      reply.header('Cache-Control', 'private, no-store');
      reply.header('Content-Type', CONTENT_TYPE[format]);
      if (download) reply.header('Content-Disposition', `attachment; filename="earshot-${id}.${EXTENSION[format]}"`);
      return reply.send(result.stream);
    },
  );
}
