import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

/**
 * Publish/subscribe of JSON events by channel name ("user:ID", later "space:ID").
 * In-memory for one process; Redis so that every node sees every event.
 */
export interface Bus {
  /**
   * Never fails: everything published was committed first (the database is the record), so an
   * unreachable Redis loses a delivery, never a write; readers catch up from the store (see onRecover).
   */
  publish(channel: string, event: unknown): Promise<void>;
  /** Resolves once the subscription is live (or, with Redis unreachable, will be when it is back); returns the unsubscribe function. */
  subscribe(channel: string, handler: (event: unknown) => void): Promise<() => void>;
  /** Whether events reach other nodes now (Redis answers a PING within a second). */
  reachable(): Promise<boolean>;
  /** Called when Redis is reachable again after an outage: what was published meanwhile is lost. */
  onRecover(handler: () => void): void;
  close(): Promise<void>;
}

export function memoryBus(): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(channel, event) {
      // Deliver a copy on a later tick, as Redis would: no shared objects, no reentrancy.
      const copy = structuredClone(event);
      queueMicrotask(() => emitter.emit(channel, copy));
    },
    async subscribe(channel, handler) {
      emitter.on(channel, handler);
      return () => emitter.off(channel, handler);
    },
    reachable: async () => true,
    onRecover() {},
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export function redisBus(url: string, prefix: string, log: FastifyBaseLogger): Bus {
  // No offline queue for publishing: while Redis is away a publish fails at once instead of holding
  // the request that made it (the write is committed already). Subscriptions wait for it instead
  // (ioredis sends them, and re-subscribes every channel, on reconnect).
  const publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const counts = new Map<string, number>();
  const recovered: Array<() => void> = [];
  watchConnection(subscriber, log, 'bus', () => {
    for (const handler of recovered) handler();
  });
  watchConnection(publisher, log, 'bus');
  let lostSince = 0;
  subscriber.on('message', (key: string, payload: string) => {
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch {
      return;
    }
    local.emit(key.slice(prefix.length), event);
  });
  return {
    async publish(channel, event) {
      try {
        await publisher.publish(prefix + channel, JSON.stringify(event));
      } catch (err) {
        // This node's own sockets still get it (a copy, on a later tick, as from Redis); other
        // nodes catch up when Redis is back.
        const copy = structuredClone(event);
        queueMicrotask(() => local.emit(channel, copy));
        // Logged once a second at most: a busy server publishes thousands of events a second.
        if (Date.now() - lostSince < 1000) return;
        lostSince = Date.now();
        log.warn({ err, code: 'bus_unavailable', channel }, 'events are not reaching other nodes');
      }
    },
    async subscribe(channel, handler) {
      local.on(channel, handler);
      const n = (counts.get(channel) ?? 0) + 1;
      counts.set(channel, n);
      if (n === 1) {
        const subscribed = subscriber.subscribe(prefix + channel).catch((err) => {
          log.warn({ err, code: 'bus_unavailable', channel }, 'subscribing failed');
        });
        if (subscriber.status === 'ready') await subscribed;
      }
      let done = false;
      return () => {
        if (done) return;
        done = true;
        local.off(channel, handler);
        const left = (counts.get(channel) ?? 1) - 1;
        if (left > 0) counts.set(channel, left);
        else {
          counts.delete(channel);
          subscriber.unsubscribe(prefix + channel).catch(() => {});
        }
      };
    },
    async reachable() {
      if (publisher.status !== 'ready' || subscriber.status !== 'ready') return false;
      const pong = await Promise.race([publisher.ping().catch(() => ''), sleep(1000).then(() => '')]);
      return pong === 'PONG';
    },
    onRecover(handler) {
      recovered.push(handler);
    },
    async close() {
      local.removeAllListeners();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Logs a Redis connection's outage once (with a code), and its return; ioredis reconnects by
 * itself. Without an error listener ioredis writes every failed attempt to stderr unstructured.
 */
export function watchConnection(redis: Redis, log: FastifyBaseLogger, role: string, onRecover?: () => void) {
  let logged = false;
  let lost = false;
  let attempts = 0;
  const report = (err: { type: string; message: string; code?: string }) => {
    if (logged) return log.debug({ err, role }, 'redis still unreachable');
    logged = true;
    log.error({ err, code: 'redis_unavailable', role }, 'redis is unreachable; retrying');
  };
  redis.on('error', (error: Error) => {
    // Not the error itself: ioredis attaches the failed command, and a failed HELLO carries the
    // password from REDIS_URL.
    report({ type: error.name, message: error.message, code: (error as { code?: string }).code });
  });
  // A second reconnect means the first failed: an outage, even when ioredis emitted no error
  // (a refused AUTH after a dropped connection often only closes it).
  redis.on('reconnecting', () => {
    attempts += 1;
    if (attempts >= 2)
      report({ type: 'ReconnectFailed', message: `reconnect attempt ${attempts} of a dropped connection` });
  });
  // A connection that was ready and closed: whatever was published meanwhile did not arrive.
  redis.on('close', () => {
    if (redis.status !== 'end') lost = true;
  });
  redis.on('ready', () => {
    if (logged) log.info({ role }, 'redis is reachable again');
    logged = false;
    attempts = 0;
    if (!lost) return;
    lost = false;
    onRecover?.();
  });
}

/** The bus channel that reaches every open connection of one user. */
export const userChannel = (userId: string) => `user:${userId}`;
