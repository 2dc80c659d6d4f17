import { ErrorCode, Me } from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireViewer } from '../http/auth';
import { AppError, notFound } from '../http/errors';
import type { Db } from '../store/db';
import { AVATAR_MAX_BYTES, makeAvatar } from './avatar-image';
import { getUserById, publicUser } from './users-store';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/**
 * Profile pictures: PUT (or POST) /api/me/avatar with the image as the body, DELETE for initials
 * again, and GET /api/avatars/:userId/:version.webp to show one (a new picture is a new URL).
 */
export async function avatarRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Raw image bodies, this plugin only; the parser's limit backs up the Content-Length check.
  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: AVATAR_MAX_BYTES }, (_req, body, done) =>
    done(null, body),
  );
  const me = async (userId: string) => {
    const user = await getUserById(db, userId);
    return publicUser(user);
  };
  const MeResponse = z.object({ user: Me.omit({ moderator: true, suspended: true, language: true }) });

  for (const method of ['PUT', 'POST'] as const)
    r.route({
      method,
      url: '/api/me/avatar',
      schema: { tags: ['auth'], response: { 200: MeResponse } },
      // Refused before the body is read, with words a person can act on.
      onRequest: async (request) => {
        const type =
          String(request.headers['content-type'] ?? '')
            .split(';')[0]
            ?.trim()
            .toLowerCase() ?? '';
        if (!IMAGE_TYPES.includes(type))
          throw new AppError(415, 'unsupported_image', 'send the picture itself as a PNG, JPEG or WebP image');
        if (Number(request.headers['content-length'] ?? 0) > AVATAR_MAX_BYTES)
          throw new AppError(413, 'image_too_large', `a picture is at most ${AVATAR_MAX_BYTES / 1024 / 1024} MB`);
      },
      handler: async (request) => {
        const viewer = requireViewer(request);
        if (!Buffer.isBuffer(request.body) || request.body.length === 0)
          throw new AppError(400, ErrorCode.invalidRequest, 'the picture is empty');
        const { image, version } = await makeAvatar(request.body);
        await db.transaction().execute(async (tx) => {
          await tx
            .insertInto('avatars')
            .values({ user_id: viewer.id, version, image })
            .onConflict((oc) => oc.column('user_id').doUpdateSet({ version, image }))
            .execute();
          await tx.updateTable('users').set({ avatar: version }).where('id', '=', viewer.id).execute();
        });
        return { user: await me(viewer.id) };
      },
    });

  r.delete('/api/me/avatar', { schema: { tags: ['auth'], response: { 200: MeResponse } } }, async (request) => {
    const viewer = requireViewer(request);
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('avatars').where('user_id', '=', viewer.id).execute();
      await tx.updateTable('users').set({ avatar: null }).where('id', '=', viewer.id).execute();
    });
    return { user: await me(viewer.id) };
  });

  r.get(
    '/api/avatars/:userId/:file',
    {
      schema: {
        tags: ['users'],
        params: z.strictObject({ userId: z.string().max(64), file: z.string().regex(/^[0-9a-f]{20}\.webp$/) }),
      },
    },
    async (request, reply) => {
      const version = request.params.file.slice(0, -'.webp'.length);
      const etag = `"${version}"`;
      const row = await db
        .selectFrom('avatars')
        .select(['image'])
        .where('user_id', '=', request.params.userId)
        .where('version', '=', version)
        .executeTakeFirst();
      // A replaced picture's URL is gone (its successor has a URL of its own).
      if (!row) throw notFound('picture');
      // The URL names the picture's content: it never changes, so caches keep it for a year.
      reply.header('Cache-Control', 'public, max-age=31536000, immutable').header('ETag', etag);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.type('image/webp').send(row.image);
    },
  );
}
