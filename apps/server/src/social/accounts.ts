import { ApiToken, CreateTokenBody, ErrorCode, LoginBody, Me, SignupBody, UpdateMeBody, User } from '@earshot/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../context';
import { createApiToken, endSession, listApiTokens, requireViewer, revokeApiToken, startSession } from '../http/auth';
import { AppError } from '../http/errors';
import { newId } from '../ids';
import { isCommonPassword } from './common-passwords';
import { dummyHash, hashPassword, verifyPassword } from './passwords';
import { chosenLanguage, getUserById, publicUser } from './users-store';

const UserResponse = z.object({ user: User });
/** The signed-in account: its public profile plus whether it moderates and whether it is suspended. */
const MeResponse = z.object({ user: Me });

export async function accountRoutes(app: FastifyInstance, { db, config, limits }: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const secureCookies = config.PUBLIC_URL?.startsWith('https:') ?? false;
  const minute = 60_000;
  // Per IP on the route; sign-ups also per handle in a pre-handler (the handle is in the body).
  // Log-ins are throttled per handle and IP instead (limits/login-throttle): no lockout of the owner.
  const perIp = { max: config.AUTH_RATE_LIMIT_PER_IP, timeWindow: minute };
  // (createRateLimit, not rateLimit: the plugin runs only one rateLimit hook per request.)
  const handleLimit = app.createRateLimit({
    max: config.AUTH_RATE_LIMIT_PER_HANDLE,
    timeWindow: minute,
    keyGenerator: (req: FastifyRequest) => `handle:${String((req.body as { handle?: unknown })?.handle).toLowerCase()}`,
  });
  const perHandle = async (request: FastifyRequest) => {
    const limit = await handleLimit(request);
    if (!limit.isAllowed && limit.isExceeded)
      throw new AppError(
        429,
        ErrorCode.rateLimited,
        `too many attempts for this handle; try again in ${limit.ttlInSeconds} s`,
      );
  };

  r.post(
    '/api/auth/signup',
    {
      config: { rateLimit: perIp },
      preHandler: perHandle,
      schema: { tags: ['auth'], body: SignupBody, response: { 201: UserResponse } },
    },
    async (request, reply) => {
      const { handle, displayName, password } = request.body;
      if (isCommonPassword(password))
        throw new AppError(
          400,
          ErrorCode.invalidRequest,
          'password: this password is one of the most common ones, which attackers try first; choose another',
        );
      const id = newId();
      const inserted = await db
        .insertInto('users')
        .values({
          id,
          handle,
          handle_lower: handle.toLowerCase(),
          display_name: displayName,
          password_hash: await hashPassword(password),
        })
        .onConflict((oc) => oc.column('handle_lower').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) throw new AppError(409, ErrorCode.handleTaken, `the handle @${handle} is taken`);
      await startSession(db, reply, id, secureCookies);
      return reply.status(201).send({ user: publicUser(await getUserById(db, id)) });
    },
  );

  r.post(
    '/api/auth/login',
    {
      config: { rateLimit: perIp },
      schema: { tags: ['auth'], body: LoginBody, response: { 200: UserResponse } },
    },
    async (request, reply) => {
      const { handle, password } = request.body;
      await limits.login.check(handle, request.ip);
      const row = await db
        .selectFrom('users')
        .select(['id', 'password_hash'])
        .where('handle_lower', '=', handle.toLowerCase())
        .executeTakeFirst();
      const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash));
      if (!row || !ok) {
        await limits.login.failed(handle, request.ip);
        throw new AppError(401, ErrorCode.invalidCredentials, 'wrong handle or password');
      }
      await limits.login.succeeded(handle, request.ip);
      await startSession(db, reply, row.id, secureCookies);
      return { user: publicUser(await getUserById(db, row.id)) };
    },
  );

  r.post('/api/auth/logout', { schema: { tags: ['auth'], response: { 204: z.null() } } }, async (request, reply) => {
    await endSession(db, request, reply);
    return reply.status(204).send(null);
  });

  r.get('/api/me', { schema: { tags: ['auth'], response: { 200: MeResponse } } }, async (request) => {
    const viewer = requireViewer(request);
    const user = publicUser(await getUserById(db, viewer.id));
    const language = await chosenLanguage(db, viewer.id);
    return { user: { ...user, moderator: viewer.moderator, suspended: viewer.suspended, language } };
  });

  r.patch(
    '/api/me',
    { schema: { tags: ['auth'], body: UpdateMeBody, response: { 200: UserResponse } } },
    async (request) => {
      const viewer = requireViewer(request);
      const { displayName, bio, language } = request.body;
      await db
        .updateTable('users')
        .set({
          ...(displayName !== undefined && { display_name: displayName }),
          ...(bio !== undefined && { bio }),
          ...(language !== undefined && { language }),
        })
        .where('id', '=', viewer.id)
        .execute();
      return { user: publicUser(await getUserById(db, viewer.id)) };
    },
  );

  r.post(
    '/api/tokens',
    {
      schema: {
        tags: ['auth'],
        body: CreateTokenBody.optional(),
        response: {
          201: z.object({ token: z.string(), id: z.string(), name: z.string(), expiresAt: z.string().nullable() }),
        },
      },
    },
    async (request, reply) => {
      const viewer = requireViewer(request);
      const id = newId();
      const name = request.body?.name ?? 'personal token';
      const days = request.body?.expiresInDays;
      const expiresAt = days ? new Date(Date.now() + days * 86400_000) : null;
      const token = await createApiToken(db, viewer.id, id, name, expiresAt);
      return reply.status(201).send({ token, id, name, expiresAt: expiresAt?.toISOString() ?? null });
    },
  );

  r.get(
    '/api/tokens',
    { schema: { tags: ['auth'], response: { 200: z.object({ items: z.array(ApiToken) }) } } },
    async (request) => {
      const viewer = requireViewer(request);
      const rows = await listApiTokens(db, viewer.id);
      return {
        items: rows.map((t) => ({
          id: t.id,
          name: t.name,
          createdAt: t.created_at.toISOString(),
          expiresAt: t.expires_at?.toISOString() ?? null,
        })),
      };
    },
  );

  r.delete(
    '/api/tokens/:id',
    { schema: { tags: ['auth'], params: z.strictObject({ id: z.string().min(1).max(64) }) } },
    async (request, reply) => {
      const viewer = requireViewer(request);
      if (!(await revokeApiToken(db, viewer.id, request.params.id)))
        throw new AppError(404, ErrorCode.notFound, 'token not found');
      return reply.status(204).send();
    },
  );
}
