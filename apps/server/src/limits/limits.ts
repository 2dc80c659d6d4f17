import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { LoginThrottle } from './login-throttle';
import { tooMany } from './too-many';

/**
 * What one person (and one IP address) may do per window. Space commands share one budget
 * whichever way they come (HTTP or the live socket); invitations and reports are commands with a
 * budget of their own on top.
 */
export const budgetNames = [
  'command',
  'command_ip',
  'space',
  'space_ip',
  'dm',
  'dm_ip',
  'invite',
  'invite_ip',
  'report',
  'report_ip',
] as const;
export type BudgetName = (typeof budgetNames)[number];
export interface Budget {
  points: number;
  seconds: number;
}

export const defaultBudgets: Record<BudgetName, Budget> = {
  // 3 a second on average in bursts of at most 6: a burst's transactions queue ahead of everyone
  // else's on the database (30 per 10 s let a flooder stall a bystander ~0.9 s each window).
  command: { points: 6, seconds: 2 },
  command_ip: { points: 60, seconds: 2 },
  space: { points: 10, seconds: 3600 },
  space_ip: { points: 30, seconds: 3600 },
  dm: { points: 30, seconds: 60 },
  dm_ip: { points: 120, seconds: 60 },
  invite: { points: 30, seconds: 600 },
  invite_ip: { points: 100, seconds: 600 },
  report: { points: 10, seconds: 600 },
  report_ip: { points: 30, seconds: 600 },
};

/** The actions that carry a per-user and a per-IP budget. */
export type LimitedAction = 'command' | 'space' | 'dm' | 'invite' | 'report';

export { tooMany };

const WHAT: Record<LimitedAction, string> = {
  command: 'commands',
  space: 'new Spaces',
  dm: 'messages',
  invite: 'invitations',
  report: 'reports',
};

/**
 * Rate limits, counted in Redis when there is one (every node spends the same budget), else in
 * this process. A budget once spent is also remembered in memory until its window ends, so a flood
 * costs one map lookup per message, not a Redis round trip.
 */
export class Limits {
  readonly #limiters = new Map<BudgetName, RateLimiterAbstract>();

  /** Wrong passwords per handle and IP (see LoginThrottle). */
  readonly login: LoginThrottle;

  constructor(
    budgets: Record<BudgetName, Budget> | null,
    freeLoginFailures: number,
    redis?: { client: Redis; prefix: string },
  ) {
    this.login = new LoginThrottle(freeLoginFailures, redis);
    if (!budgets) return; // off
    for (const name of budgetNames) {
      const { points, seconds } = budgets[name];
      const memory = new RateLimiterMemory({ keyPrefix: name, points, duration: seconds });
      this.#limiters.set(
        name,
        redis
          ? new RateLimiterRedis({
              storeClient: redis.client,
              keyPrefix: `${redis.prefix}limit:${name}`,
              points,
              duration: seconds,
              inMemoryBlockOnConsumed: points + 1,
              // Redis unreachable: each node counts on its own rather than refusing everyone.
              insuranceLimiter: memory,
            })
          : memory,
      );
    }
  }

  /**
   * Spends one unit of `action`'s budget for the user (when signed in) and for the IP address;
   * throws 429 `rate_limited` with `retryAfter` (seconds) when either is spent.
   */
  async take(action: LimitedAction, userId: string | null, ip: string) {
    const spends: Array<[BudgetName, string]> = [[`${action}_ip`, ip]];
    if (userId) spends.unshift([action, userId]);
    for (const [name, key] of spends) {
      const limiter = this.#limiters.get(name);
      if (!limiter) continue;
      try {
        await limiter.consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) throw tooMany(WHAT[action], err.msBeforeNext);
        throw err;
      }
    }
  }
}

/**
 * RATE_LIMITS: `off`, or comma-separated overrides of the defaults, `name=POINTS/WINDOW` with the
 * window in s, m or h (`command=6/2s,space_ip=50/1h`).
 */
export function parseBudgets(value: string): Record<BudgetName, Budget> | null | string {
  const text = value.trim();
  if (text === 'off') return null;
  const budgets = { ...defaultBudgets };
  for (const part of text.split(',').map((s) => s.trim())) {
    if (!part) continue;
    const m = /^([a-z_]+)=(\d+)\/(\d+)(s|m|h)$/.exec(part);
    if (!m) return `"${part}" is not name=POINTS/WINDOW (e.g. command=6/2s)`;
    const [, name, points, amount, unit] = m as unknown as [string, string, string, string, 's' | 'm' | 'h'];
    if (!(budgetNames as readonly string[]).includes(name))
      return `unknown budget "${name}" (one of ${budgetNames.join(', ')})`;
    const seconds = Number(amount) * { s: 1, m: 60, h: 3600 }[unit];
    if (Number(points) < 1 || seconds < 1) return `"${part}": points and window must be at least 1`;
    budgets[name as BudgetName] = { points: Number(points), seconds };
  }
  return budgets;
}
