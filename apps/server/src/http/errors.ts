import { ErrorCode } from '@earshot/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** An error a client caused and can read: status + { error: { code, message } }. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** More for the client to act on, sent inside `error` (e.g. `retryAfter` seconds with a 429). */
    readonly details?: { retryAfter?: number },
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError(404, ErrorCode.notFound, `${what} not found`);
export const forbidden = (message: string, code: string = ErrorCode.forbidden) => new AppError(403, code, message);
export const unauthenticated = () => new AppError(401, ErrorCode.unauthenticated, 'sign in first');

export const errorBody = (code: string, message: string, details?: AppError['details']) => ({
  error: { code, message, ...details },
});

// PostgreSQL's codes for "cannot reach or stay connected" (class 08, shutdown, log-in refused,
// too many connections), and the socket errors of a server that is gone.
const unreachableCodes = new Set(['57P01', '57P02', '57P03', '28000', '28P01', '53300', '53400']);
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const lostConnection = /connection terminated|timeout exceeded when trying to connect|not queryable/i;

/** Whether `err` says the database is unreachable (then nothing was committed: a 503, not a 500). */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 3;
    depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (code.startsWith('08') || unreachableCodes.has(code) || socketCodes.has(code)) return true;
    if (typeof e.message === 'string' && lostConnection.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

export const unavailable = () =>
  new AppError(503, ErrorCode.unavailable, 'the database is unreachable: nothing was changed; try again shortly', {
    retryAfter: 5,
  });

/** The error a client is told about `err`: itself, a 503 for an unreachable database, or null (a bug: 500). */
export function clientError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  return isDatabaseUnreachable(err) ? unavailable() : null;
}

/** The socket form of an error: `{type:'error', id?, error}`. */
export const socketError = (err: AppError, id?: string) => ({
  type: 'error' as const,
  ...(id !== undefined && { id }),
  ...errorBody(err.code, err.message, err.details),
});

/**
 * Maps every failure, ours or the framework's, to one clear error shape. With `spaIndex`, GETs of
 * extensionless non-API paths (/u/ada, /messages) get the web app; API paths stay JSON 404s.
 */
export function installErrorHandling(app: FastifyInstance, spaIndex?: string) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (!(err instanceof AppError) && isDatabaseUnreachable(err))
      request.log.warn({ err, code: 'database_unavailable' }, 'the database is unreachable');
    const known = clientError(err);
    if (known) {
      if (known.details?.retryAfter) reply.header('Retry-After', String(known.details.retryAfter));
      return reply.status(known.status).send(errorBody(known.code, known.message, known.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => {
        const where = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
        const params = v.params as { issue?: { code?: string; keys?: string[] } };
        if (params.issue?.code === 'unrecognized_keys') return `unknown field(s): ${params.issue.keys?.join(', ')}`;
        return where ? `${where}: ${v.message}` : (v.message ?? 'invalid');
      });
      return reply.status(400).send(
        errorBody(
          ErrorCode.invalidRequest,
          // Body messages are written for people ("password: a password has at least 8 characters").
          err.validationContext === 'body'
            ? issues.join('; ')
            : `invalid ${err.validationContext}: ${issues.join('; ')}`,
        ),
      );
    }
    const status = err.statusCode ?? 500;
    const frameworkCodes: Record<string, [string, string]> = {
      FST_ERR_CTP_INVALID_JSON_BODY: [ErrorCode.invalidJson, 'the body is not valid JSON'],
      FST_ERR_CTP_EMPTY_JSON_BODY: [ErrorCode.invalidJson, 'the JSON body is empty'],
      FST_ERR_CTP_BODY_TOO_LARGE: [ErrorCode.bodyTooLarge, 'the body is too large'],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: [
        ErrorCode.unsupportedMediaType,
        'unsupported content type; send application/json',
      ],
    };
    const framework = frameworkCodes[err.code];
    if (framework) return reply.status(status).send(errorBody(framework[0], framework[1]));
    if (status === 429) return reply.status(429).send(errorBody(ErrorCode.rateLimited, err.message));
    if (status < 500) return reply.status(status).send(errorBody(ErrorCode.invalidRequest, err.message));
    request.log.error({ err, code: ErrorCode.internal }, 'request failed');
    return reply.status(500).send(errorBody(ErrorCode.internal, 'something went wrong on our side'));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (spaIndex && request.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path))
      return reply.sendFile(spaIndex);
    return reply.status(404).send(errorBody(ErrorCode.notFound, `no route ${request.method} ${path}`));
  });
}
