import { createHash } from 'node:crypto';
import { ErrorCode } from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../store/db';
import { AppError } from './errors';

/** How long an answer is kept for retries. */
const KEEP_HOURS = 24;
/** A first request that never answered (its connection died) gives its key up after this. */
const ABANDONED_S = 60;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when this request holds an Idempotency-Key: its answer is stored for retries. */
    idempotencyKey?: { userId: string; key: string };
  }
}

/**
 * `Idempotency-Key` on a signed-in POST: the first request runs and its success (2xx JSON) is kept
 * for a day; a retry with the same key from the same person gets that answer again, with
 * `Idempotent-Replayed: true`, and nothing runs a second time. Errors are not kept (an error
 * changed nothing, so running the retry is safe); while the first request runs, a retry gets 409.
 * A key sent again for another request (another route or body) is refused with 422.
 */
export function installIdempotency(app: FastifyInstance, db: Db) {
  let sinceSweep = 0;
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.viewer) return;
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))
      throw new AppError(400, ErrorCode.invalidRequest, 'Idempotency-Key: 1 to 200 visible ASCII characters');
    const userId = request.viewer.id;
    const fingerprint = `${request.method} ${request.url} ${createHash('sha256')
      .update(JSON.stringify(request.body ?? null))
      .digest('base64url')}`;
    if (++sinceSweep >= 1000) {
      sinceSweep = 0;
      await db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${KEEP_HOURS})`)
        .execute();
    }
    // Take the key, or take over one that expired or whose first request was abandoned.
    const taken = await db
      .insertInto('idempotency_keys')
      .values({ user_id: userId, key, request: fingerprint })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'key'])
          .doUpdateSet({ request: fingerprint, status: null, body: null, created_at: sql`now()` })
          .where((eb) =>
            eb.or([
              eb('idempotency_keys.created_at', '<', sql<Date>`now() - make_interval(hours => ${KEEP_HOURS})`),
              eb.and([
                eb('idempotency_keys.status', 'is', null),
                eb('idempotency_keys.created_at', '<', sql<Date>`now() - make_interval(secs => ${ABANDONED_S})`),
              ]),
            ]),
          ),
      )
      .returning('key')
      .executeTakeFirst();
    if (taken) {
      request.idempotencyKey = { userId, key };
      return;
    }
    const stored = await db
      .selectFrom('idempotency_keys')
      .select(['request', 'status', 'body'])
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (stored.request !== fingerprint)
      throw new AppError(
        422,
        ErrorCode.idempotencyKeyReused,
        'this Idempotency-Key was used for another request; send a new key for a new request',
      );
    if (stored.status === null)
      throw new AppError(409, ErrorCode.conflict, 'the first request with this Idempotency-Key is still running');
    return reply
      .status(stored.status)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8')
      .send(stored.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const held = request.idempotencyKey;
    if (!held) return payload;
    request.idempotencyKey = undefined;
    const json = String(reply.getHeader('content-type') ?? '').startsWith('application/json');
    const kept = reply.statusCode < 300 && json && typeof payload === 'string';
    // The answer is sent whatever happens here: a failure to store it must not turn a success into an error.
    await (kept
      ? db
          .updateTable('idempotency_keys')
          .set({ status: reply.statusCode, body: payload })
          .where('user_id', '=', held.userId)
          .where('key', '=', held.key)
          .execute()
      : db
          .deleteFrom('idempotency_keys')
          .where('user_id', '=', held.userId)
          .where('key', '=', held.key)
          .where('status', 'is', null)
          .execute()
    ).catch((err) =>
      request.log.warn({ err, code: 'idempotency_not_stored' }, 'the answer to an Idempotency-Key was not stored'),
    );
    return payload;
  });
}
