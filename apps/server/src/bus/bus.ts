import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

/**
 * Publish/subscribe of JSON events by channel name ("user:ID", later "space:ID").
 * In-memory for one process; Redis so that every node sees every event.
 */
export interface Bus {
  publish(channel: string, event: unknown): Promise<void>;
  /** Resolves once the subscription is live; returns the unsubscribe function. */
  subscribe(channel: string, handler: (event: unknown) => void): Promise<() => void>;
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
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export function redisBus(url: string, prefix: string): Bus {
  const publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscriber = new Redis(url, { lazyConnect: false });
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const counts = new Map<string, number>();
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
      await publisher.publish(prefix + channel, JSON.stringify(event));
    },
    async subscribe(channel, handler) {
      local.on(channel, handler);
      const n = (counts.get(channel) ?? 0) + 1;
      counts.set(channel, n);
      if (n === 1) await subscriber.subscribe(prefix + channel);
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
    async close() {
      local.removeAllListeners();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

/** The bus channel that reaches every open connection of one user. */
export const userChannel = (userId: string) => `user:${userId}`;
