import { CaptionsInfo, Transcript, TranscriptQuery } from '@earshot/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../context';
import { formatTranscript, loadTranscript } from './transcript';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const CONTENT_TYPE = {
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
} as const;

/** Whether this server captions, and a Space's transcript (who may read it: the recording's rules). */
export async function captionsRoutes(app: FastifyInstance, services: Services) {
  const { recordings, captioner, db } = services;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/captions', { schema: { tags: ['captions'], response: { 200: CaptionsInfo } } }, async () =>
    captioner.check(),
  );

  r.get(
    '/api/spaces/:id/transcript',
    { schema: { tags: ['captions'], params: IdParams, querystring: TranscriptQuery, response: { 200: Transcript } } },
    async (request, reply) => {
      const { id } = request.params;
      const { format } = request.query;
      const { state, authorize } = await recordings.load(id, request.viewer);
      authorize('transcript');
      const transcript = await loadTranscript(db, { id, title: state.title, startedAt: state.startedAt });
      reply.header('Cache-Control', 'private, no-store');
      if (request.query.download === '1')
        reply.header(
          'Content-Disposition',
          `attachment; filename="earshot-${id}.${format === 'json' ? 'json' : format}"`,
        );
      if (format === 'json') return transcript;
      // Text, not the JSON the schema describes: a Buffer skips the response serializer.
      return (reply as FastifyReply).type(CONTENT_TYPE[format]).send(Buffer.from(formatTranscript(transcript, format)));
    },
  );
}
