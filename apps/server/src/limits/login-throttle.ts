import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { tooMany } from './too-many';

const FAILURES_WINDOW_S = 24 * 3600;
const MAX_WAIT_S = 15 * 60;

/**
 * Wrong passwords, counted per handle and IP address: after `free` of them each further try from
 * that address waits 1 s, 2 s, 4 s … (at most 15 min), and a right password clears the count.
 * An attacker elsewhere slows only themselves: the owner, from their own address, is never locked
 * out by someone else's guesses (the per-IP limit on the route stops one address trying many
 * handles). Counted in Redis when there is one, so every node sees the same count.
 */
export class LoginThrottle {
  readonly #failures: RateLimiterAbstract;
  readonly #waits: RateLimiterAbstract;

  constructor(
    private readonly free: number,
    redis?: { client: Redis; prefix: string },
  ) {
    const make = (keyPrefix: string, points: number, duration: number) =>
      redis
        ? new RateLimiterRedis({
            storeClient: redis.client,
            keyPrefix: `${redis.prefix}${keyPrefix}`,
            points,
            duration,
            insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
          })
        : new RateLimiterMemory({ keyPrefix, points, duration });
    this.#failures = make('login:failures', 1_000_000, FAILURES_WINDOW_S);
    this.#waits = make('login:wait', 1, MAX_WAIT_S);
  }

  /** Throws 429 with retryAfter while this handle+IP must wait. */
  async check(handle: string, ip: string) {
    const wait = await this.#waits.get(key(handle, ip));
    if (wait && wait.consumedPoints > 1) throw tooMany('failed log-ins for this account', wait.msBeforeNext);
  }

  async failed(handle: string, ip: string) {
    const k = key(handle, ip);
    const res = await this.#failures.consume(k).catch((err) => {
      if (err instanceof RateLimiterRes) return err;
      throw err;
    });
    const over = res.consumedPoints - this.free;
    if (over > 0) await this.#waits.block(k, Math.min(2 ** (over - 1), MAX_WAIT_S));
  }

  async succeeded(handle: string, ip: string) {
    const k = key(handle, ip);
    await Promise.all([this.#failures.delete(k), this.#waits.delete(k)]);
  }
}

const key = (handle: string, ip: string) => `${handle.toLowerCase()}|${ip}`;
