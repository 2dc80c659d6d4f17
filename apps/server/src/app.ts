import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import { type Bus, memoryBus, redisBus, watchConnection } from './bus/bus';
import { Captioner } from './captions/captioner';
import { CAPTIONS_SINK } from './captions/feed-sink';
import { captionsRoutes } from './captions/routes';
import { CaptionsWorker } from './captions/worker-client';
import { type Clock, systemClock } from './clock';
import { type Config, iceAllowsPrivate } from './config';
import type { Services } from './context';
import { installAuth, redactSecrets } from './http/auth';
import { installErrorHandling } from './http/errors';
import { installSecurityHeaders } from './http/headers';
import { installIdempotency } from './http/idempotency';
import { refuseControlCharacters } from './http/input';
import { JobRunner } from './jobs/jobs';
import { Limits, tooMany } from './limits/limits';
import type { SinkSpec } from './media/api';
import { HlsHub } from './media/hls/hub';
import { HLS_SINK } from './media/hls/sink';
import { createMediaPlane } from './media/plane';
import { opsRoutes } from './ops/ops';
import { pushRoutes } from './push/routes';
import { createPushService } from './push/service';
import { realtimeRoutes } from './realtime/hub';
import { Recorder, TRACK_SINK } from './recording/recorder';
import { recordingRoutes } from './recording/routes';
import { createRecordingService } from './recording/service';
import { safetyRoutes } from './safety/routes';
import { shareRoutes } from './share/routes';
import { accountRoutes } from './social/accounts';
import { avatarRoutes } from './social/avatars';
import { dmRoutes } from './social/dms';
import { registerLiveNotices } from './social/live-notices';
import { createNotifier, notificationRoutes } from './social/notifications';
import { postRoutes } from './social/posts';
import { userRoutes } from './social/users';
import { hostAbsence } from './spaces/absence';
import { SpaceHub } from './spaces/live';
import { SpaceMedia } from './spaces/media';
import { spaceRoutes } from './spaces/routes';
import { createSpaceService } from './spaces/service';
import { openStore, type Store } from './store/db';
import { paymentProvider } from './tickets/payments';
import { ticketRoutes } from './tickets/routes';
import { createTicketService } from './tickets/service';

export interface Earshot {
  app: FastifyInstance;
  services: Services;
  store: Store;
  /** Durable work (mixdowns, retention); `runDue()` runs what is due now. */
  jobs: JobRunner;
  /** Stops accepting work, then closes sockets, bus and database, in that order. */
  close(): Promise<void>;
}

const sinkModule = (relative: string) => new URL(relative, import.meta.url).href;

const defaultWebDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** The composition root: config in, a wired (not yet listening) Earshot out. */
export async function createEarshot(
  config: Config,
  options: { dataDir?: string | null; clock?: Clock; logStream?: NodeJS.WritableStream } = {},
): Promise<Earshot> {
  // `dataDir: null` keeps the embedded database in memory (tests).
  const dataDir = options.dataDir === null ? undefined : (options.dataDir ?? config.DATA_DIR);
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      ...(options.logStream && { stream: options.logStream }),
      serializers: {
        // Fastify's own request line, with any ?token= secret blanked out.
        req: (req: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: req.method,
          url: redactSecrets(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
    },
    bodyLimit: 64 * 1024,
    // Only the proxies named: anyone can send an X-Forwarded-For header.
    trustProxy: config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false,
    forceCloseConnections: true,
  });
  const recordingsDir = config.RECORDINGS_DIR ?? path.join(config.DATA_DIR, 'recordings');
  // Sinks run beside each room, in the media worker that owns it: they are named by module.
  const sinks: SinkSpec[] = [
    { name: TRACK_SINK, module: sinkModule('./recording/track-sink.ts'), options: { dir: recordingsDir } },
    { name: HLS_SINK, module: sinkModule('./media/hls/sink.ts') },
  ];
  if (config.CAPTIONS_ENGINE !== 'off')
    sinks.push({ name: CAPTIONS_SINK, module: sinkModule('./captions/feed-sink.ts'), options: {} });
  // Media workers start with the first room (or now, with MEDIA_IDLE_STOP_MS=0, while the database opens).
  const mediaStarting = createMediaPlane({
    port: config.MEDIA_PORT,
    workers: config.MEDIA_WORKERS,
    idleStopMs: config.MEDIA_IDLE_STOP_MS,
    bindAddress: config.MEDIA_BIND_ADDRESS,
    publicIp: config.MEDIA_PUBLIC_IP,
    iceServers: config.ICE_SERVERS,
    privateCandidates: iceAllowsPrivate(config),
    answerTimeoutMs: 5000,
    peerTimeoutMs: config.MEDIA_PEER_TIMEOUT_MS,
    mixFrameMs: config.MIX_FRAME_MS,
    sinks,
    onError: (err) => app.log.error({ err }, 'a media peer failed'),
    log: app.log,
  });
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir,
    onConnectionError: (err) => app.log.warn({ err }, 'an idle database connection failed'),
  }).catch(async (err) => {
    await mediaStarting.then((m) => m.close()).catch(() => {});
    throw err;
  });
  const media = await mediaStarting.catch(async (err) => {
    await store.close();
    throw err;
  });
  const bus: Bus = config.REDIS_URL ? redisBus(config.REDIS_URL, config.REDIS_PREFIX, app.log) : memoryBus();
  // No offline queue: with Redis away a limit falls back to this node's own count at once
  // (rate-limiter-flexible's insurance limiter) instead of holding the request.
  const rateLimitRedis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  if (rateLimitRedis) watchConnection(rateLimitRedis, app.log, 'rate limits');
  const clock = options.clock ?? systemClock;
  // Built first: each capability registers its own job kinds on it.
  const jobs = new JobRunner(store.db, clock, app.log);
  const notifier = createNotifier(store.db, bus);
  const recorder = new Recorder(store.db, media, recordingsDir, app.log);
  const captionsWorker =
    config.CAPTIONS_ENGINE === 'off'
      ? null
      : new CaptionsWorker({ CAPTIONS_ENGINE: config.CAPTIONS_ENGINE, CAPTIONS_MODEL: config.CAPTIONS_MODEL }, app.log);
  const captioner = new Captioner(store.db, bus, media, captionsWorker, app.log);
  const tickets = createTicketService(
    { db: store.db, config, clock, notifier, log: app.log, jobs },
    paymentProvider(config),
  );
  const recordings = createRecordingService({
    db: store.db,
    config,
    clock,
    notifier,
    recorder,
    admission: tickets.admission,
    log: app.log,
    jobs,
  });
  const limits = new Limits(
    config.RATE_LIMITS,
    config.LOGIN_FREE_FAILURES,
    rateLimitRedis && { client: rateLimitRedis, prefix: config.REDIS_PREFIX },
  );
  const hls = new HlsHub(media);
  const spaces = createSpaceService({ db: store.db, bus, config, notifier, clock, recordings, tickets, limits });
  const services: Services = {
    config,
    db: store.db,
    bus,
    notifier,
    clock,
    jobs,
    media,
    recordings,
    captioner,
    spaces,
    push: await createPushService({ db: store.db, config, notifier, log: app.log }),
    spaceMedia: new SpaceMedia(media, spaces, bus, app.log, hls, config.ANON_WHEP_PER_IP),
    spaceHub: new SpaceHub(bus, store.db, spaces, config.PRESENCE_GRACE_MS, app.log, config.LIVE_HEARTBEAT_MS),
    tickets,
    limits,
  };
  registerLiveNotices(services);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const webDir = config.WEB_DIR ?? defaultWebDir;
  const hasWeb = existsSync(path.join(webDir, 'index.html'));
  installErrorHandling(app, hasWeb ? 'index.html' : undefined);
  // An empty body on a JSON request means "no body" (POST /api/auth/logout and friends).
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body: string, done) => {
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch {
      done(Object.assign(new Error('invalid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }));
    }
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Earshot API',
        version: '0.1.0',
        description: 'Live audio Spaces: the HTTP API the web app uses.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'earshot_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    ...(rateLimitRedis && { redis: rateLimitRedis, nameSpace: `${config.REDIS_PREFIX}ratelimit:` }),
    // Redis unreachable: sign-up and log-in go on (log-ins stay throttled per handle+IP in memory).
    skipOnError: true,
    errorResponseBuilder: (_req, ctx) => tooMany('attempts', ctx.ttl),
  });
  await app.register(fastifyWebsocket, {
    options: { maxPayload: 64 * 1024 },
    // A frame over the limit, bad UTF-8 or a dropped connection is the client's doing: not an error of ours.
    errorHandler: (err, socket, request) => {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code.startsWith('WS_ERR_') || code === 'ECONNRESET') request.log.info({ err }, 'a client broke its socket');
      else request.log.error({ err }, 'a socket handler failed');
      socket.terminate();
    },
  });
  installAuth(app, store.db, config.PUBLIC_URL, config.MODERATORS);
  installIdempotency(app, store.db);
  refuseControlCharacters(app);
  installSecurityHeaders(app);

  for (const routes of [
    opsRoutes,
    accountRoutes,
    userRoutes,
    avatarRoutes,
    postRoutes,
    dmRoutes,
    notificationRoutes,
    realtimeRoutes,
    spaceRoutes,
    safetyRoutes,
    recordingRoutes,
    captionsRoutes,
    ticketRoutes,
    pushRoutes,
  ]) {
    await app.register(async (scope) => routes(scope, services));
  }
  // A crash (SIGKILL, power) left speaking flags and listener counts of a node that is gone.
  await spaces.clearAfterRestart(!config.REDIS_URL);
  await services.recordings.scheduleRetention();
  const absence = hostAbsence({
    db: store.db,
    clock,
    jobs,
    spaces,
    hub: services.spaceHub,
    media,
    log: app.log,
    minutes: config.HOST_ABSENT_END_MINUTES,
  });
  await absence.start();
  jobs.start(config.JOBS_POLL_MS);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (hasWeb) {
    // Pages that link previews read (Spaces, profiles) get their tags in the head of index.html.
    const index = readFileSync(path.join(webDir, 'index.html'), 'utf8');
    await app.register(async (scope) => shareRoutes(scope, services, index));
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  } else {
    app.log.warn({ webDir }, 'web app not built (npm run build:web); serving the API only');
  }

  let closed = false;
  return {
    app,
    services,
    store,
    jobs,
    async close() {
      if (closed) return;
      closed = true;
      // Each step timed: a slow shutdown says which step held it (logged when it took over 2 s).
      const took: Record<string, number> = {};
      const step = async (name: string, fn: () => unknown) => {
        const t0 = performance.now();
        // Said while it lasts too: the 10 s kill would come before the summary.
        const slow = setTimeout(
          () => app.log.warn({ code: 'slow_shutdown', step: name }, `shutdown: ${name} is slow`),
          2000,
        );
        try {
          await fn();
        } finally {
          clearTimeout(slow);
          took[name] = Math.round(performance.now() - t0);
        }
      };
      await step('http', () => app.close());
      await step('jobs', () => jobs.stop());
      await step('absence', () => absence.stop());
      await step('push', () => services.push.close());
      await step('spaceMedia', () => services.spaceMedia.close());
      hls.close();
      await step('spaceHub', () => services.spaceHub.close());
      await step('media', () => media.close());
      await step('captions', () => captioner.close());
      await step('recordings', () => recorder.close());
      await step('bus', () => bus.close());
      await step('rateLimits', () => rateLimitRedis?.quit().catch(() => {}));
      await step('store', () => store.close());
      const total = Object.values(took).reduce((a, b) => a + b, 0);
      if (total > 2000) app.log.warn({ code: 'slow_shutdown', took }, `shutting down took ${total} ms`);
    },
  };
}
