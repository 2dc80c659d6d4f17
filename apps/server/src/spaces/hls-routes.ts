import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../http/errors';
import { BLOCK_MS, type LiveStream } from '../media/hls/stream';
import type { SpaceMedia } from './media';

const SpaceParams = z.strictObject({ id: z.string().min(1).max(64) });
const FileParams = SpaceParams.extend({ stream: z.string().min(1).max(64), file: z.string().min(1).max(64) });
const sequence = (what: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `${what} is a whole number`)
    .transform(Number)
    .optional();
const PlaylistQuery = z.object({
  _HLS_msn: sequence('_HLS_msn'),
  _HLS_part: sequence('_HLS_part'),
  // Delta updates are not offered (no CAN-SKIP-UNTIL): a skip request gets the whole playlist.
  _HLS_skip: z.enum(['YES', 'v2']).optional(),
});
const FILE = /^(?:init\.mp4|part-(\d{1,9})\.(\d{1,2})\.m4s|segment-(\d{1,9})\.m4s)$/;

const PLAYLIST = 'application/vnd.apple.mpegurl';
// Names are never reused (each stream has its own id), so any cache may keep a file for good.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * LL-HLS of a Space's room mix: the playlist (blocking reload on `_HLS_msn`/`_HLS_part`), the init
 * segment, parts and segments. Every request is authorized like WHEP; `publicBase` (HLS_PUBLIC_URL)
 * points file URIs at a CDN.
 */
export async function hlsRoutes(app: FastifyInstance, media: SpaceMedia, publicBase: string | undefined) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/spaces/:id/hls/live.m3u8',
    {
      schema: {
        tags: ['media'],
        summary: 'LL-HLS playlist of the Space (the room mix as AAC in fragmented MP4)',
        params: SpaceParams,
        querystring: PlaylistQuery,
      },
    },
    async (request, reply) => {
      const { _HLS_msn: msn, _HLS_part: part } = request.query;
      if (part !== undefined && msn === undefined)
        throw new AppError(400, 'invalid_request', '_HLS_part needs _HLS_msn');
      const stream = await media.hlsStream(request.params.id, request.viewer?.id ?? null);
      if (msn !== undefined && !stream.ended) {
        const check = stream.check(msn, part);
        if (!check.ok)
          throw new AppError(400, 'invalid_request', 'that part is too far in the future: ask for the next one');
        if (!(await stream.waitFor(() => stream.has(msn, part), BLOCK_MS)))
          throw new AppError(503, 'unavailable', 'that part is late: reload the playlist', { retryAfter: 1 });
      } else if (!(await stream.waitFor(() => stream.ended || stream.started, BLOCK_MS)))
        // A new stream: its first part comes within a second of the first request.
        throw new AppError(503, 'unavailable', 'the stream is starting: try again', { retryAfter: 1 });
      const base = publicBase ? `${publicBase}/api/spaces/${encodeURIComponent(request.params.id)}/hls/` : '';
      return reply.header('Cache-Control', 'no-cache').type(PLAYLIST).send(stream.playlist(base));
    },
  );

  r.get(
    '/api/spaces/:id/hls/:stream/:file',
    { schema: { tags: ['media'], summary: 'LL-HLS init segment, part or segment', params: FileParams } },
    async (request, reply) => {
      const match = FILE.exec(request.params.file);
      if (!match)
        throw new AppError(400, 'invalid_request', 'not an HLS file name (init.mp4, part-N.N.m4s, segment-N.m4s)');
      const stream = await media.hlsStream(request.params.id, request.viewer?.id ?? null);
      if (stream.id !== request.params.stream) throw notFound('HLS stream');
      const [, partMsn, partIndex, segmentMsn] = match;
      if (partMsn !== undefined) return sendPart(reply, stream, Number(partMsn), Number(partIndex));
      if (segmentMsn !== undefined) return send(reply, stream.segment(Number(segmentMsn)), 'segment');
      if (!(await stream.waitFor(() => !!stream.init || stream.ended, BLOCK_MS))) throw notFound('init segment');
      return send(reply, stream.init ?? undefined, 'init segment');
    },
  );
}

/** The part, or (the preload hint's) next part once it exists: a player asks for it ahead. */
async function sendPart(reply: FastifyReply, stream: LiveStream, msn: number, index: number) {
  const [nextMsn, nextIndex] = stream.next();
  if (msn === nextMsn && index === nextIndex && !stream.ended)
    await stream.waitFor(() => stream.has(msn, index), BLOCK_MS);
  return send(reply, stream.part(msn, index)?.data, 'part');
}

function send(reply: FastifyReply, data: Uint8Array | undefined, what: string) {
  if (!data) throw notFound(what);
  return reply
    .header('Cache-Control', IMMUTABLE)
    .type('audio/mp4')
    .send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}
