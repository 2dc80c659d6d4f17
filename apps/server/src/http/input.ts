import { ErrorCode } from '@earshot/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors';

// C0 controls but tab, line feed and carriage return (text and SDP need those), and DEL.
// PostgreSQL refuses NUL in text (a 500), and the others have no business in anything we store.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// With the u flag a surrogate pair is one code point: only a half without its other half matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Whether a string, or any key or string inside an object or array, holds a control character or
 * an unpaired surrogate (half an emoji: PostgreSQL's json refuses it, a 500 where it reached a
 * notification).
 */
export function hasControlCharacter(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return CONTROL.test(value) || LONE_SURROGATE.test(value);
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasControlCharacter(v, depth + 1));
  return Object.entries(value).some(([k, v]) => hasControlCharacter(k) || hasControlCharacter(v, depth + 1));
}

export const controlCharacterError = () =>
  new AppError(
    400,
    ErrorCode.invalidRequest,
    'control characters (such as NUL) and unpaired surrogates (half an emoji) are not accepted',
  );

/** Every route: the body, the query and the path parameters are refused with 400 if they hold one. */
export function refuseControlCharacters(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    if (hasControlCharacter(request.params) || hasControlCharacter(request.query) || hasControlCharacter(request.body))
      throw controlCharacterError();
  });
}
