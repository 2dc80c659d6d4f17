import { createEarshot } from './app';
import { ConfigError, loadConfig } from './config';

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

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  // A second signal, or a stuck close, ends the process anyway.
  setTimeout(() => process.exit(1), 10_000).unref();
  await earshot.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

await app.listen({ port: config.PORT, host: config.HOST });
app.log.info(
  `Earshot is listening on ${config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`} ` +
    `(database: ${earshot.store.engine}${config.DATABASE_URL ? '' : ` in ${config.DATA_DIR}`}, bus: ${config.REDIS_URL ? 'redis' : 'in-memory'})`,
);
