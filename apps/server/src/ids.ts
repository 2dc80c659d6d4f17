import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

/**
 * A new row id: 10 characters of millisecond time then 10 random ones, base32. Ids sort by
 * creation time, so "newest first" and cursors are simply `order by id`.
 */
export function newId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let rand = '';
  for (const b of bytes) rand += ALPHABET[b % 32];
  return time + rand;
}

/** A secret for a cookie or API token: 32 random bytes, URL-safe. */
export const newSecret = () => randomBytes(32).toString('base64url');
