import { createHash } from 'node:crypto';
import { ErrorCode } from '@earshot/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newSecret } from '../ids';
import { isModerator, mayActWhileSuspended } from '../safety/rules';
import type { Db } from '../store/db';
import { AppError, unauthenticated } from './errors';

export const SESSION_COOKIE = 'earshot_session';
const SESSION_DAYS = 30;
const TOKEN_PREFIX = 'esh_';

/** Who is asking: the signed-in user and how they proved it. */
export interface Viewer {
  id: string;
  handle: string;
  /** As the account reads now (commands name the actor with it). */
  displayName: string;
  avatar: string | null;
  via: 'session' | 'token';
  /** Reviews reports (users.moderator or MODERATORS in config). */
  moderator: boolean;
  /** A suspended account may read, log out and appeal, nothing else. */
  suspended: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
  }
}

/** A URL fit for logs: a `token` query parameter's value is replaced. */
export const redactSecrets = (url: string) => url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

const PROBES = new Set(['/api/health', '/api/ready']);

/** The signed-in viewer, or 401. */
export function requireViewer(request: FastifyRequest): Viewer {
  if (!request.viewer) throw unauthenticated();
  return request.viewer;
}

export async function startSession(db: Db, reply: FastifyReply, userId: string, secure: boolean) {
  const secret = newSecret();
  const expires = new Date(Date.now() + SESSION_DAYS * 86400_000);
  await db
    .insertInto('sessions')
    .values({ token_hash: sha256(secret), user_id: userId, expires_at: expires })
    .execute();
  reply.setCookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires });
}

export async function endSession(db: Db, request: FastifyRequest, reply: FastifyReply) {
  const secret = request.cookies[SESSION_COOKIE];
  if (secret) await db.deleteFrom('sessions').where('token_hash', '=', sha256(secret)).execute();
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** Creates a personal access token; only its hash is stored, the secret is shown once. */
export async function createApiToken(
  db: Db,
  userId: string,
  id: string,
  name: string,
  expiresAt: Date | null = null,
): Promise<string> {
  const token = TOKEN_PREFIX + newSecret();
  await db
    .insertInto('api_tokens')
    .values({ id, user_id: userId, token_hash: sha256(token), name, expires_at: expiresAt })
    .execute();
  return token;
}

/** A person's tokens, newest first (never their secrets). */
export async function listApiTokens(db: Db, userId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'expires_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes one of a person's tokens; false when they have no such token. */
export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const gone = await db
    .deleteFrom('api_tokens')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning('id')
    .executeTakeFirst();
  return Boolean(gone);
}

const viewerColumns = [
  'users.id',
  'users.handle',
  'users.display_name',
  'users.avatar',
  'users.moderator',
  'users.suspended_at',
] as const;
const toViewer = (
  row: {
    id: string;
    handle: string;
    display_name: string;
    avatar: string | null;
    moderator: boolean;
    suspended_at: Date | null;
  },
  via: Viewer['via'],
  moderators: readonly string[],
): Viewer => ({
  id: row.id,
  handle: row.handle,
  displayName: row.display_name,
  avatar: row.avatar,
  via,
  moderator: isModerator(row, moderators),
  suspended: row.suspended_at !== null,
});

/**
 * Finds the viewer from a Bearer token (header or `?token=` for WebSockets) or the session cookie.
 * `moderators`: the handles config makes moderators.
 */
export async function resolveViewer(
  db: Db,
  request: FastifyRequest,
  moderators: readonly string[] = [],
): Promise<Viewer | null> {
  const header = request.headers.authorization;
  const queryToken = (request.query as Record<string, unknown> | undefined)?.token;
  // A token in a URL ends up in logs and histories: only a WebSocket (which cannot send headers
  // from a browser) may carry one there.
  if (queryToken !== undefined && !isWebSocketUpgrade(request))
    throw new AppError(
      401,
      ErrorCode.unauthenticated,
      '?token= is accepted on WebSocket upgrades only; send Authorization: Bearer <token>',
    );
  const bearer = header?.startsWith('Bearer ')
    ? header.slice(7).trim()
    : typeof queryToken === 'string'
      ? queryToken
      : null;
  if (bearer !== null) {
    const row = await db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select(viewerColumns)
      .where('api_tokens.token_hash', '=', sha256(bearer))
      .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', new Date())]))
      .executeTakeFirst();
    // A wrong token is an error, not anonymity: the client meant to be someone.
    if (!row) throw new AppError(401, ErrorCode.unauthenticated, 'the access token is not valid (revoked or expired?)');
    return toViewer(row, 'token', moderators);
  }
  const secret = request.cookies[SESSION_COOKIE];
  if (!secret) return null;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(viewerColumns)
    .where('sessions.token_hash', '=', sha256(secret))
    .where('sessions.expires_at', '>', new Date())
    .executeTakeFirst();
  return row ? toViewer(row, 'session', moderators) : null;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A WebSocket handshake: a GET that a browser sends with the cookie, like any other request. */
export const isWebSocketUpgrade = (request: FastifyRequest) =>
  request.method === 'GET' && request.headers.upgrade?.toLowerCase() === 'websocket';

/** Proof of identity that a browser never attaches by itself: a Bearer header, or `?token=` on a socket. */
const carriesToken = (request: FastifyRequest) =>
  Boolean(request.headers.authorization?.startsWith('Bearer ')) ||
  (isWebSocketUpgrade(request) && typeof (request.query as Record<string, unknown> | undefined)?.token === 'string');

/**
 * Refuses state-changing requests that a browser sent from another site, so a cookie cannot be
 * ridden (CSRF). WebSocket upgrades count as state-changing: a socket can send commands and reads
 * DMs, and browsers send the cookie with a cross-site handshake. Token requests are exempt.
 */
export function isCrossOrigin(request: FastifyRequest, publicOrigin: string | undefined): boolean {
  if (!UNSAFE.has(request.method) && !isWebSocketUpgrade(request)) return false;
  if (carriesToken(request)) return false;
  const origin = request.headers.origin;
  if (origin) {
    const own = publicOrigin ?? `${request.protocol}://${request.headers.host}`;
    return origin !== own;
  }
  const site = request.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}

export function installAuth(
  app: FastifyInstance,
  db: Db,
  publicUrl: string | undefined,
  moderators: readonly string[] = [],
) {
  const publicOrigin = publicUrl ? new URL(publicUrl).origin : undefined;
  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return; // the web app's files need no viewer
    // Probes need no viewer either: readiness must answer (503, which part is down) without the database.
    if (PROBES.has(request.url)) return;
    if (isCrossOrigin(request, publicOrigin))
      throw new AppError(
        403,
        ErrorCode.crossOrigin,
        'requests that change state (and sockets) must come from this site',
      );
    request.viewer = await resolveViewer(db, request, moderators);
    // The one place suspension is enforced over HTTP (socket commands: spaces/service `run`).
    if (request.viewer?.suspended && !mayActWhileSuspended(request.method, request.routeOptions.url))
      throw new AppError(
        403,
        ErrorCode.suspended,
        'your account is suspended: you can read, log out and appeal the decision, nothing else',
      );
  });
}
