import { CreatePostBody, Handle, PageQuery, Post, page } from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireViewer } from '../http/auth';
import { notFound } from '../http/errors';
import { toPage } from '../http/pagination';
import { newId } from '../ids';
import type { Db } from '../store/db';
import { findUser, summary } from './users-store';

const selectPosts = (db: Db) =>
  db
    .selectFrom('posts as p')
    .innerJoin('users as u', 'u.id', 'p.author_id')
    .select(['p.id', 'p.text', 'p.created_at', 'u.id as author_id', 'u.handle', 'u.display_name', 'u.avatar']);

type Row = {
  id: string;
  text: string;
  created_at: Date;
  author_id: string;
  handle: string;
  display_name: string;
  avatar: string | null;
};
const toPost = (r: Row): Post => ({
  id: r.id,
  author: summary({ id: r.author_id, handle: r.handle, display_name: r.display_name, avatar: r.avatar }),
  text: r.text,
  createdAt: r.created_at.toISOString(),
});

/** Loads one post; later issues use it to pin a post into a Space. */
export async function getPost(db: Db, id: string): Promise<Post> {
  const row = await selectPosts(db).where('p.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('post');
  return toPost(row);
}

export async function postRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const PostResponse = z.object({ post: Post });

  r.post(
    '/api/posts',
    { schema: { tags: ['posts'], body: CreatePostBody, response: { 201: PostResponse } } },
    async (request, reply) => {
      const viewer = requireViewer(request);
      const id = (
        await db
          .insertInto('posts')
          .values({ id: newId(), author_id: viewer.id, text: request.body.text })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      return reply.status(201).send({ post: await getPost(db, id) });
    },
  );

  r.get(
    '/api/posts/:id',
    {
      schema: { tags: ['posts'], params: z.strictObject({ id: z.string().max(64) }), response: { 200: PostResponse } },
    },
    async (request) => ({ post: await getPost(db, request.params.id) }),
  );

  r.get(
    '/api/timeline',
    { schema: { tags: ['posts'], querystring: PageQuery, response: { 200: page(Post) } } },
    async (request) => {
      // Home: posts of the people the viewer follows, newest first (a block ends the follow).
      const viewer = requireViewer(request);
      const { cursor, limit } = request.query;
      let q = selectPosts(db)
        .where('p.author_id', 'in', (eb) =>
          eb.selectFrom('follows').select('followee_id').where('follower_id', '=', viewer.id),
        )
        .orderBy('p.id', 'desc')
        .limit(limit + 1);
      if (cursor) q = q.where('p.id', '<', cursor);
      return toPage(await q.execute(), limit, toPost);
    },
  );

  r.get(
    '/api/users/:handle/posts',
    {
      schema: {
        tags: ['posts'],
        params: z.strictObject({ handle: Handle }),
        querystring: PageQuery,
        response: { 200: page(Post) },
      },
    },
    async (request) => {
      const user = await findUser(db, request.params.handle);
      const { cursor, limit } = request.query;
      let q = selectPosts(db)
        .where('p.author_id', '=', user.id)
        .orderBy('p.id', 'desc')
        .limit(limit + 1);
      if (cursor) q = q.where('p.id', '<', cursor);
      return toPage(await q.execute(), limit, toPost);
    },
  );
}
