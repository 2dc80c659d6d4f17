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
    if (err instanceof AppError) {
      if (err.details?.retryAfter) reply.header('Retry-After', String(err.details.retryAfter));
      return reply.status(err.status).send(errorBody(err.code, err.message, err.details));
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
    const known = frameworkCodes[err.code];
    if (known) return reply.status(status).send(errorBody(known[0], known[1]));
    if (status === 429) return reply.status(429).send(errorBody(ErrorCode.rateLimited, err.message));
    if (status < 500) return reply.status(status).send(errorBody(ErrorCode.invalidRequest, err.message));
    request.log.error({ err }, 'request failed');
    return reply.status(500).send(errorBody(ErrorCode.internal, 'something went wrong on our side'));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (spaIndex && request.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path))
      return reply.sendFile(spaIndex);
    return reply.status(404).send(errorBody(ErrorCode.notFound, `no route ${request.method} ${path}`));
  });
}
