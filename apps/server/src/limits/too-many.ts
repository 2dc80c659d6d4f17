import { ErrorCode } from '@earshot/protocol';
import { AppError } from '../http/errors';

/** The one refusal every limit gives: 429 with `retryAfter` in whole seconds. */
export const tooMany = (what: string, retryAfterMs: number) => {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(429, ErrorCode.rateLimited, `too many ${what}; try again in ${retryAfter} s`, { retryAfter });
};
