import { tooMany } from './too-many';

/**
 * Connections held open per key (an IP address) on this node, at most `max` at once: signed-out
 * live sockets, signed-out WHEP sessions. Over the cap: 429 with `retryAfter`.
 */
export class OpenPerKey {
  readonly #open = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly what: string,
  ) {}

  count(key: string) {
    return this.#open.get(key) ?? 0;
  }

  /** Throws 429 when `key` holds its cap already. */
  check(key: string) {
    if (this.count(key) >= this.max) throw tooMany(this.what, 10_000);
  }

  /** Counts one more for `key` (after `check`); the returned function lets go of it, once. */
  take(key: string): () => void {
    this.#open.set(key, this.count(key) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = this.count(key) - 1;
      if (left > 0) this.#open.set(key, left);
      else this.#open.delete(key);
    };
  }
}
