import { Handle, PageQuery, Profile, page, UserSummary } from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../context';
import { requireViewer } from '../http/auth';
import { AppError } from '../http/errors';
import { toPage } from '../http/pagination';
import type { Db } from '../store/db';
import { decide, type SocialAction } from './rules';
import { block, findUser, profile, relation, summary } from './users-store';

const HandleParams = z.strictObject({ handle: Handle });

/** Loads the target and asks the rules whether the viewer may act on them. */
async function authorize(db: Db, viewerId: string, handle: string, action: SocialAction) {
  const target = await findUser(db, handle);
  const decision = decide(action, await relation(db, viewerId, target.id));
  if (!decision.ok) throw new AppError(decision.status, decision.code, decision.message);
  return target;
}

export async function userRoutes(app: FastifyInstance, { db, notifier, spaces }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const profileSchema = (tag: string) => ({ tags: [tag], params: HandleParams, response: { 200: Profile } });

  r.get('/api/users/:handle', { schema: profileSchema('users') }, async (request) => {
    return profile(db, await findUser(db, request.params.handle), request.viewer?.id ?? null);
  });

  r.put('/api/users/:handle/follow', { schema: profileSchema('follows') }, async (request) => {
    const viewer = requireViewer(request);
    const target = await authorize(db, viewer.id, request.params.handle, 'follow');
    const added = await db
      .insertInto('follows')
      .values({ follower_id: viewer.id, followee_id: target.id })
      .onConflict((oc) => oc.doNothing())
      .returning('follower_id')
      .executeTakeFirst();
    // Following again is a no-op and notifies no one a second time.
    if (added) await notifier.notify({ userId: target.id, kind: 'follow', actorId: viewer.id });
    return profile(db, target, viewer.id);
  });

  r.delete('/api/users/:handle/follow', { schema: profileSchema('follows') }, async (request) => {
    const viewer = requireViewer(request);
    const target = await findUser(db, request.params.handle);
    await db.deleteFrom('follows').where('follower_id', '=', viewer.id).where('followee_id', '=', target.id).execute();
    return profile(db, target, viewer.id);
  });

  r.put('/api/users/:handle/block', { schema: profileSchema('blocks') }, async (request) => {
    const viewer = requireViewer(request);
    const target = await authorize(db, viewer.id, request.params.handle, 'block');
    // A block also ends the follows both ways, as on every social network.
    await db.transaction().execute(async (tx) => {
      await block(tx, viewer.id, target.id);
      await tx
        .deleteFrom('follows')
        .where((eb) =>
          eb.or([
            eb.and([eb('follower_id', '=', viewer.id), eb('followee_id', '=', target.id)]),
            eb.and([eb('follower_id', '=', target.id), eb('followee_id', '=', viewer.id)]),
          ]),
        )
        .execute();
    });
    // Out of the blocker's live Spaces now, not at their next command.
    await spaces.enforceBlock(viewer.id, target.id);
    return profile(db, target, viewer.id);
  });

  r.delete('/api/users/:handle/block', { schema: profileSchema('blocks') }, async (request) => {
    const viewer = requireViewer(request);
    const target = await findUser(db, request.params.handle);
    await db.deleteFrom('blocks').where('blocker_id', '=', viewer.id).where('blocked_id', '=', target.id).execute();
    return profile(db, target, viewer.id);
  });

  for (const list of ['followers', 'following'] as const) {
    r.get(
      `/api/users/:handle/${list}`,
      {
        schema: {
          tags: ['follows'],
          params: HandleParams,
          querystring: PageQuery,
          response: { 200: page(UserSummary) },
        },
      },
      async (request) => {
        const user = await findUser(db, request.params.handle);
        const { cursor, limit } = request.query;
        // followers: people who follow `user`; following: people `user` follows. Cursor = the
        // other person's id (ids sort by sign-up time).
        const [mine, theirs] =
          list === 'followers' ? (['followee_id', 'follower_id'] as const) : (['follower_id', 'followee_id'] as const);
        let q = db
          .selectFrom('follows as f')
          .innerJoin('users as u', 'u.id', `f.${theirs}`)
          .select(['u.id', 'u.handle', 'u.display_name', 'u.avatar'])
          .where(`f.${mine}`, '=', user.id)
          .orderBy('u.id')
          .limit(limit + 1);
        if (cursor) q = q.where('u.id', '>', cursor);
        return toPage(await q.execute(), limit, summary);
      },
    );
  }
}
