import { Worker } from 'node:worker_threads';
import { createEarshot } from './app';
import { ConfigError, loadConfig } from './config';

/** How long a shutdown may take before the process is killed. */
const GRACE_MS = 10_000;

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const earshot = await createEarshot(config);
const { app } = earshot;

/**
 * Kills this process after `ms` from a thread of its own. A timer on the main thread is not
 * enough: under a command flood that thread can sit in the embedded database (PGlite runs its
 * queries synchronously inside WebAssembly) or behind thousands of queued callbacks, and a
 * `setTimeout` there fires only when it is free (the server once ignored SIGTERM that way). A
 * worker's timer runs on its own event loop; SIGKILL loses nothing acknowledged, since every
 * answered write was committed first. It writes its own log line: pino lives on the main thread.
 */
function killAfter(ms: number) {
  const line = JSON.stringify({
    level: 50,
    pid: process.pid,
    code: 'shutdown_timeout',
    msg: `shutdown took longer than ${ms / 1000} s: killed`,
  });
  const worker = new Worker(
    `const { writeSync } = require('node:fs');
     setTimeout(() => { try { writeSync(1, ${JSON.stringify(`${line}\n`)}); } finally { process.kill(${process.pid}, 'SIGKILL'); } }, ${ms});`,
    { eval: true },
  );
  worker.unref();
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  killAfter(GRACE_MS);
  app.log.info({ signal }, 'shutting down');
  try {
    await earshot.close();
  } catch (err) {
    app.log.error({ err, code: 'shutdown_failed' }, 'shutting down failed');
    process.exit(1);
  }
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// Whatever escapes every handler is logged as one JSON line with a code before the process ends.
process.on('uncaughtException', (err) => {
  app.log.fatal({ err, code: 'uncaught' }, 'uncaught exception');
  process.exit(1);
});

const address = await app.listen({ port: config.PORT, host: config.HOST });
app.log.info(
  { address },
  `Earshot is listening on ${config.PUBLIC_URL ?? address.replace('0.0.0.0', 'localhost')} ` +
    `(database: ${earshot.store.engine}${config.DATABASE_URL ? '' : ` in ${config.DATA_DIR}`}, bus: ${config.REDIS_URL ? 'redis' : 'in-memory'})`,
);
