import { z } from 'zod';

/** Every error, HTTP or WebSocket, has this shape. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** With `rate_limited`: seconds until the budget allows another try. */
    retryAfter: z.number().int().positive().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Codes a client may branch on. */
export const ErrorCode = {
  invalidRequest: 'invalid_request',
  invalidJson: 'invalid_json',
  bodyTooLarge: 'body_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  blocked: 'blocked',
  /** The account is suspended: it may read, log out and appeal, nothing else. */
  suspended: 'suspended',
  crossOrigin: 'cross_origin',
  notFound: 'not_found',
  conflict: 'conflict',
  handleTaken: 'handle_taken',
  invalidCredentials: 'invalid_credentials',
  rateLimited: 'rate_limited',
  internal: 'internal',
  /** A service the server needs (its database) is unreachable: nothing was changed; retry later. */
  unavailable: 'unavailable',
  /** An Idempotency-Key used again for another request (another route or body). */
  idempotencyKeyReused: 'idempotency_key_reused',
} as const;
