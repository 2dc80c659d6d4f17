import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { CardImage } from './card';

/** A card's cache key: the same picture, the same key (it is also the `?v=` of og:image). */
export const cardKey = (card: CardImage) =>
  createHash('sha256').update(JSON.stringify(card)).digest('base64url').slice(0, 16);

const MAX_CACHED = 200; // ≈ 40 KB each
const RENDER_TIMEOUT_MS = 20_000;

/**
 * Share-card PNGs, drawn in one worker thread (started on first use, so that a server nobody
 * shares pays nothing) and kept per card state: a Space's picture changes with its state and
 * listener count, not with each request.
 */
export class CardRenderer {
  #worker?: Worker;
  #nextId = 0;
  #pending = new Map<number, { resolve: (png: Buffer) => void; reject: (err: Error) => void }>();
  #cache = new Map<string, Promise<Buffer>>();

  render(card: CardImage): Promise<Buffer> {
    const key = cardKey(card);
    const cached = this.#cache.get(key);
    if (cached) {
      // Most recently used last: Map keeps insertion order.
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }
    const png = this.#draw(card);
    this.#cache.set(key, png);
    png.catch(() => this.#cache.delete(key));
    while (this.#cache.size > MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value as string);
    return png;
  }

  async close() {
    await this.#worker?.terminate();
    this.#worker = undefined;
  }

  #draw(card: CardImage): Promise<Buffer> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error('the share card took too long to draw'));
      }, RENDER_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (png) => {
          clearTimeout(timer);
          resolve(png);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      worker.postMessage({ id, card });
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    // The worker is TypeScript: register tsx in it first (a plain --import does not reach a worker's entry).
    const entry = new URL('./render-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const worker = new Worker(
      `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`,
      { eval: true },
    );
    worker.unref();
    worker.on('message', (m: { id: number; png?: Uint8Array; error?: string }) => {
      const waiter = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.png) waiter?.resolve(Buffer.from(m.png.buffer, m.png.byteOffset, m.png.byteLength));
      else waiter?.reject(new Error(m.error ?? 'the share card could not be drawn'));
    });
    const fail = (err: Error) => {
      this.#worker = undefined;
      for (const w of this.#pending.values()) w.reject(err);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the share-card worker stopped (${code})`)));
    this.#worker = worker;
    return worker;
  }
}
