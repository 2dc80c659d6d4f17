import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import type { Services } from '../context';
import { errorBody } from '../http/errors';

/** Health, readiness and Prometheus metrics. Each app has its own registry (tests run several). */
export async function opsRoutes(app: FastifyInstance, { db, bus, media, push, config }: Services) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'earshot_' });
  const requests = new Counter({
    name: 'earshot_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'earshot_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'earshot_media_workers',
    help: 'Media worker processes running (0: none started since the last room, or the media plane runs in the main process)',
    registers: [registry],
    collect() {
      this.set(media.stats().workers.filter((w) => w.pid !== null).length);
    },
  });
  new Gauge({
    name: 'earshot_media_peers',
    help: 'WebRTC peers on this node by worker ("main" in-process): publishers (speakers) and subscribers (listeners)',
    labelNames: ['kind', 'worker'],
    registers: [registry],
    collect() {
      this.reset();
      const s = media.stats();
      if (s.workers.length === 0) {
        this.set({ kind: 'publisher', worker: 'main' }, s.publishers);
        this.set({ kind: 'subscriber', worker: 'main' }, s.subscribers);
      }
      for (const w of s.workers) {
        this.set({ kind: 'publisher', worker: String(w.worker) }, w.publishers);
        this.set({ kind: 'subscriber', worker: String(w.worker) }, w.subscribers);
      }
    },
  });
  new Gauge({
    name: 'earshot_media_worker_memory_bytes',
    help: 'Memory of each media worker as it last reported: resident set (rss), JS heap in use (heap), Buffers and ArrayBuffers (buffers); the rest is native',
    labelNames: ['worker', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of media.stats().workers) {
        if (!w.memory || w.pid === null) continue;
        this.set({ worker: String(w.worker), kind: 'rss' }, w.memory.rss);
        this.set({ worker: String(w.worker), kind: 'heap' }, w.memory.heapUsed);
        this.set({ worker: String(w.worker), kind: 'buffers' }, w.memory.arrayBuffers);
      }
    },
  });
  new Gauge({
    name: 'earshot_media_worker_loop_delay_seconds',
    help: "How late each media worker's event loop ran, the worst of its last ten 1 s windows (max; p99: the worst window's p99): a stalled worker delays every packet and answer it holds",
    labelNames: ['worker', 'stat'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of media.stats().workers) {
        if (!w.loopDelay || w.pid === null) continue;
        this.set({ worker: String(w.worker), stat: 'max' }, w.loopDelay.maxMs / 1000);
        this.set({ worker: String(w.worker), stat: 'p99' }, w.loopDelay.p99Ms / 1000);
      }
    },
  });
  new Counter({
    name: 'earshot_media_worker_crashes_total',
    help: 'Media workers that died (each is restarted; its peers were told to reconnect)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(media.stats().crashes);
    },
  });
  new Counter({
    name: 'earshot_media_forwarded_packets_total',
    help: 'RTP packets sent to listeners (workers report theirs every second)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(media.stats().forwarded);
    },
  });
  new Counter({
    name: 'earshot_media_late_packets_total',
    help: 'Packets from speakers too late to send live (over LATE_MS, 2 s, behind their pace: a media worker fell behind); recordings still have them',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(media.stats().late);
    },
  });
  new Gauge({
    name: 'earshot_media_mixing_rooms',
    help: 'Rooms whose mix runs now (someone listens to the mix or its HLS stream)',
    registers: [registry],
    collect() {
      this.set(media.stats().mixing);
    },
  });
  new Gauge({
    name: 'earshot_media_mix_busy_seconds',
    help: 'Time the open rooms’ mixers have spent decoding, mixing and encoding (wall clock)',
    registers: [registry],
    collect() {
      this.set(media.stats().mixMs / 1000);
    },
  });
  new Counter({
    name: 'earshot_push_sends_total',
    help: 'Web Push sends by result: sent (accepted by the push service), gone (404/410: subscription deleted), failed, dropped (queue full)',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.reset();
      const s = push.stats();
      for (const result of ['sent', 'gone', 'failed', 'dropped'] as const) this.inc({ result }, s[result]);
    },
  });
  new Gauge({
    name: 'earshot_push_queued',
    help: 'Web Push sends waiting or under way on this node',
    registers: [registry],
    collect() {
      this.set(push.stats().queued);
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: reply.statusCode });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/health',
    { schema: { tags: ['ops'], response: { 200: z.object({ ok: z.literal(true) }) } } },
    async () => ({
      ok: true as const,
    }),
  );
  // Each dependency on its own, so an operator (or a load balancer) sees which one is away.
  r.get(
    '/api/ready',
    {
      schema: {
        tags: ['ops'],
        response: { '2xx': Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      const [dbUp, busUp] = await Promise.all([
        within(2000, sql`select 1`.execute(db)).then(
          () => true,
          (err) => {
            request.log.warn({ err, code: 'database_unavailable' }, 'readiness: the database is unreachable');
            return false;
          },
        ),
        within(2000, bus.reachable()).catch(() => false),
      ]);
      const { workers, idle } = media.stats();
      const running = workers.filter((w) => w.pid !== null).length;
      const mediaState = idle || running === workers.length ? 'ok' : running > 0 ? 'degraded' : 'down';
      const body = {
        ok: dbUp && busUp && mediaState !== 'down',
        db: dbUp ? 'ok' : 'down',
        bus: busUp ? 'ok' : 'down',
        media: mediaState,
      } as const;
      return reply.status(body.ok ? 200 : 503).send(body);
    },
  );
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // Metrics tell who uses what: a scraper with the token, or (no token set) this machine only.
    if (config.METRICS_TOKEN) {
      const given = Buffer.from(request.headers.authorization ?? '');
      const wanted = Buffer.from(`Bearer ${config.METRICS_TOKEN}`);
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
        return reply.status(401).send(errorBody('unauthenticated', 'send Authorization: Bearer $METRICS_TOKEN'));
    } else if (!isLoopback(request.ip))
      return reply
        .status(403)
        .send(errorBody('forbidden', 'metrics answer loopback requests only (or set METRICS_TOKEN)'));
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

const Readiness = z.object({
  ok: z.boolean(),
  db: z.enum(['ok', 'down']),
  /** Redis (always ok with the in-memory bus). */
  bus: z.enum(['ok', 'down']),
  /** The media workers: ok (all running, or media in-process), degraded (some restarting), down (none). */
  media: z.enum(['ok', 'degraded', 'down']),
});

/** Rejects when `promise` takes longer than `ms` (a database that hangs rather than refuses). */
const within = <T>(ms: number, promise: Promise<T>) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

const isLoopback = (ip: string) => ip === '::1' || /^(::ffff:)?127\./.test(ip);
