/**
 * Work done beside the requests, never inside them: tasks start on a later turn of the event loop,
 * at most `concurrency` at a time, oldest first. When more than `max` wait, the oldest is dropped
 * (a push that late is worth less than the memory). Nothing survives a restart: see push/service.ts.
 */
export class BackgroundQueue {
  #waiting: Array<() => Promise<void>> = [];
  #running = 0;
  #idle: Array<() => void> = [];
  #closed = false;

  constructor(
    private readonly concurrency: number,
    private readonly max: number,
    private readonly onError: (err: unknown) => void,
    private readonly onDrop: () => void,
  ) {}

  add(task: () => Promise<void>) {
    if (this.#closed) return;
    if (this.#waiting.length >= this.max) {
      this.#waiting.shift();
      this.onDrop();
    }
    this.#waiting.push(task);
    setImmediate(() => this.#pump());
  }

  get size() {
    return this.#waiting.length + this.#running;
  }

  /** Resolves once nothing waits or runs. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Takes no more work; resolves when what was queued has run, or after `ms` (the rest is dropped). */
  async close(ms: number) {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
    clearTimeout(timer);
    this.#waiting = [];
  }

  #pump() {
    while (this.#running < this.concurrency && this.#waiting.length > 0) {
      const task = this.#waiting.shift() as () => Promise<void>;
      this.#running += 1;
      task()
        .catch(this.onError)
        .finally(() => {
          this.#running -= 1;
          this.#pump();
          if (this.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
        });
    }
  }
}
