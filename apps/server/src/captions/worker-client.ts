import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { ToParent } from './worker-protocol';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const RESTART_MS = [1000, 5000, 30_000];

export type WorkerResult = Extract<ToParent, { type: 'result' }>;

/**
 * The server's side of the captions worker process: started on first use, restarted (with
 * backoff) if it dies, never restarted when the engine cannot load (the problem is kept for
 * GET /api/captions). Sends are dropped while it is not ready: captions are best effort, audio is not.
 */
export class CaptionsWorker extends EventEmitter<{
  result: [WorkerResult];
  closed: [string];
  lost: [];
  ready: [];
}> {
  #child: ChildProcess | null = null;
  #ready = false;
  #engine: string | null = null;
  #port: number | null = null;
  #problem: string | null = null;
  #crashes = 0;
  #closed = false;
  /** The start under way, shared by every caller until it settles. */
  #starting: Promise<boolean> | null = null;

  constructor(
    private readonly env: { CAPTIONS_ENGINE: string; CAPTIONS_MODEL?: string },
    private readonly log: FastifyBaseLogger,
  ) {
    super();
  }

  get engine() {
    return this.#ready ? this.#engine : null;
  }
  get problem() {
    return this.#problem;
  }

  /** Starts the process if it is not running; resolves when the engine is ready (false if it cannot be). */
  start(): Promise<boolean> {
    if (this.#ready) return Promise.resolve(true);
    if (this.#problem && !this.#child) return Promise.resolve(false);
    if (this.#starting) return this.#starting;
    if (!this.#child) this.#spawn();
    this.#starting = new Promise<boolean>((resolve) => {
      const child = this.#child;
      if (!child) return resolve(false);
      const onMessage = (m: ToParent) => {
        if (m.type === 'ready') done(true);
        if (m.type === 'failed') done(false);
      };
      const done = (ok: boolean) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(ok);
      };
      const onExit = () => done(false);
      child.on('message', onMessage);
      child.once('exit', onExit);
    }).finally(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  /** The loopback port the feed sinks send audio to, while the worker is ready. */
  get port(): number | null {
    return this.#ready ? this.#port : null;
  }

  get ready() {
    return this.#ready;
  }

  close() {
    this.#closed = true;
    this.#child?.kill();
    this.#child = null;
    this.#ready = false;
  }

  #spawn() {
    const child = fork(WORKER, [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      env: { ...process.env, CAPTIONS_ENGINE: this.env.CAPTIONS_ENGINE, CAPTIONS_MODEL: this.env.CAPTIONS_MODEL ?? '' },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child = child;
    // Best effort: under load the media path gets the CPU first and captions fall behind, not audio.
    if (child.pid) {
      try {
        setPriority(child.pid, 10);
      } catch (err) {
        this.log.warn({ err }, 'could not lower the captions worker priority');
      }
    }
    child.on('message', (m: ToParent) => {
      if (m.type === 'ready') {
        this.#ready = true;
        this.#engine = m.engine;
        this.#port = m.port;
        this.#problem = null;
        this.log.info({ engine: m.engine, pid: child.pid }, 'captions engine ready');
        this.emit('ready');
      } else if (m.type === 'failed') {
        this.#problem = m.message;
        this.log.error({ engine: this.env.CAPTIONS_ENGINE }, `captions are unavailable: ${m.message}`);
      } else if (m.type === 'result') this.emit('result', m);
      else if (m.type === 'closed') this.emit('closed', m.stream);
      else if (m.type === 'error') this.log.warn({ stream: m.stream }, `captions worker: ${m.message}`);
    });
    child.once('exit', (code, signal) => {
      const wasReady = this.#ready;
      this.#child = null;
      this.#ready = false;
      if (this.#closed || this.#problem) return;
      this.log.error({ code, signal }, 'the captions worker stopped');
      if (wasReady) this.emit('lost');
      const delay = RESTART_MS[Math.min(this.#crashes++, RESTART_MS.length - 1)];
      setTimeout(() => {
        if (!this.#closed && !this.#child) void this.start();
      }, delay).unref();
    });
  }
}
