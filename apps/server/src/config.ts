import { availableParallelism } from 'node:os';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { parseBudgets } from './limits/limits';

/** A comma-separated list: entries trimmed (and lower-cased for names that ignore case), empty ones dropped. */
const commaList = (fallback = '', lowerCase = false) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((entry) => (lowerCase ? entry.trim().toLowerCase() : entry.trim()))
        .filter(Boolean),
    );

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(
      z
        .url()
        .refine(
          (u) => URL.canParse(u) && protocols.includes(new URL(u).protocol),
          `must start with ${protocols.join(' or ')}//`,
        )
        .optional(),
    )
    .optional();

/** Every setting Earshot reads, from the environment, validated once at start. */
export const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    /** PostgreSQL server; unset = embedded PGlite in DATA_DIR. */
    DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
    /** Redis for events and presence across nodes; unset = in-memory bus. */
    REDIS_URL: optionalUrl(['redis:', 'rediss:']),
    /** Key prefix in Redis, so several deployments (or test runs) can share one server. */
    REDIS_PREFIX: z.string().default('earshot:'),
    /** The address people use to reach Earshot (origin check, Secure cookies, links). */
    PUBLIC_URL: optionalUrl(['http:', 'https:']),
    /** A CDN in front of the LL-HLS files: playlists name parts and segments under this base; unset = this server. */
    HLS_PUBLIC_URL: optionalUrl(['http:', 'https:']).transform((v) => v?.replace(/\/+$/, '')),
    /**
     * The reverse proxies whose X-Forwarded-For / -Proto / -Host are believed: addresses or CIDRs,
     * comma-separated (or proxy-addr's names loopback, linklocal, uniquelocal). Unset: none, every
     * request's address is its TCP peer's.
     */
    TRUST_PROXY: commaList().pipe(
      z.array(
        z.union([
          z.ipv4(),
          z.ipv6(),
          z.cidrv4(),
          z.cidrv6(),
          z.enum(['loopback', 'linklocal', 'uniquelocal'], {
            error: 'each entry is an address, a CIDR, loopback, linklocal or uniquelocal',
          }),
        ]),
      ),
    ),
    /** Sign-up and log-in attempts allowed per minute from one IP address; sign-ups for one handle. */
    AUTH_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(30),
    AUTH_RATE_LIMIT_PER_HANDLE: z.coerce.number().int().min(1).default(10),
    /** Wrong passwords for one handle from one IP before each further try waits (1 s, 2 s, 4 s … 15 min). */
    LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
    /** Budgets of Space commands, new Spaces, DMs, invitations and reports (see limits/limits.ts): off or overrides. */
    RATE_LIMITS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const budgets = parseBudgets(v);
        if (typeof budgets === 'string') {
          ctx.addIssue({ code: 'custom', message: budgets });
          return z.NEVER;
        }
        return budgets;
      }),
    /** Spaces: role limits, who may host, and how long a dropped listener still counts as present. */
    // Every stage member is an audio track for each listener of our web app: keep the stage small.
    MAX_COHOSTS: z.coerce.number().int().min(0).max(5).default(2),
    MAX_SPEAKERS: z.coerce.number().int().min(1).max(24).default(10),
    HOST_MIN_FOLLOWERS: z.coerce.number().int().min(0).default(0),
    PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
    /**
     * A live Space ends by itself when no host or co-host has been connected for this long (a host
     * whose phone dropped may come back within it); fractions allowed; 0 = never.
     */
    HOST_ABSENT_END_MINUTES: z.coerce
      .number()
      .min(0)
      .max(24 * 60)
      .default(5),
    /** Scheduled Spaces: how far ahead, how many upcoming per host, when one is missed, when hosts are told. */
    SCHEDULE_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    SCHEDULE_MAX_PER_HOST: z.coerce.number().int().min(1).max(1000).default(10),
    SCHEDULE_GRACE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60),
    SCHEDULE_HOST_NOTICE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(10),
    /** Signed-out live-socket connections one IP address may hold on one node. */
    ANON_SOCKETS_PER_IP: z.coerce.number().int().min(1).default(20),
    /** Signed-out WHEP (listening) sessions one IP address may hold on one node. */
    ANON_WHEP_PER_IP: z.coerce.number().int().min(1).default(20),
    /** The one UDP port every WebRTC peer uses (0 = any free port, for tests). */
    MEDIA_PORT: z.coerce.number().int().min(0).max(65535).default(40000),
    /** Media worker processes, each on its own UDP port from MEDIA_PORT up; 0 runs media in the main process. */
    MEDIA_WORKERS: z.coerce.number().int().min(0).max(64).default(availableParallelism()),
    /** The media workers start with the first room and stop this long after the last one closes; 0 = always run. */
    MEDIA_IDLE_STOP_MS: z.coerce.number().int().min(0).default(300_000),
    /** Address to bind the media port to; unset = every interface. */
    MEDIA_BIND_ADDRESS: z.string().trim().min(1).optional(),
    /** The address peers should send media to, when it is not the machine's own (1:1 NAT, cloud). */
    MEDIA_PUBLIC_IP: z.union([z.ipv4(), z.ipv6()]).optional(),
    /** STUN/TURN servers for the server's side, comma-separated: stun:host:port, turn:user:pass@host:port. */
    ICE_SERVERS: commaList().pipe(
      z.array(z.string().regex(/^(stun|turns?):\S+$/, 'each entry starts with stun: turn: or turns:')),
    ),
    /**
     * From this many listeners in a Space, the web app listens to the room mix (one stream) instead
     * of a track per stage slot; 0 = always the mix. See BENCHMARKS.md (room mix) for why 50.
     */
    MIX_LISTENERS_FROM: z.coerce.number().int().min(0).default(50),
    /** Opus frame length of the room mix: 20 ms, or 60 ms (a third of the packets, ~40 ms more delay). */
    MIX_FRAME_MS: z
      .union([z.literal('20'), z.literal('60')])
      .default('20')
      .transform(Number)
      .pipe(z.union([z.literal(20), z.literal(60)])),
    /**
     * Whether the media plane sends ICE checks to loopback, private and link-local candidates of
     * offers. auto: only when PUBLIC_URL is unset or names such an address or localhost (a local run).
     */
    ICE_ALLOW_PRIVATE: z.enum(['auto', 'true', 'false']).default('auto'),
    /** A media peer that sends nothing at all (not even ICE consent checks) this long is closed. */
    MEDIA_PEER_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
    /** Where recordings are kept (speaker tracks and mixdowns); unset = DATA_DIR/recordings. */
    RECORDINGS_DIR: z.string().min(1).optional(),
    /** The ffmpeg that makes the downloadable mixdown (Debian: apt-get install ffmpeg). */
    FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
    /**
     * Live captions' speech engine: pocketsphinx (Debian's pocketsphinx + pocketsphinx-en-us, offline,
     * inaccurate), sherpa-onnx (a model you download, see README) or off.
     */
    CAPTIONS_ENGINE: z.enum(['pocketsphinx', 'sherpa-onnx', 'off']).default('pocketsphinx'),
    /** The engine's model: a sherpa-onnx model directory (required), or another pocketsphinx model directory. */
    CAPTIONS_MODEL: z.string().min(1).optional(),
    /** How often each node looks for due jobs (mixdowns, retention). */
    JOBS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** Handles of moderators (the admin role), comma-separated; also granted with `npm run admin`. */
    MODERATORS: commaList('', true),
    /** Ticketed Spaces: how buyers pay (ledger: balances an admin tops up; stripe: Stripe Checkout). */
    PAYMENTS_PROVIDER: z.enum(['ledger', 'stripe']).default('ledger'),
    STRIPE_SECRET_KEY: z.string().trim().min(1).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().trim().min(1).optional(),
    /** Another Stripe API address (a test server); unset = api.stripe.com. */
    STRIPE_API_BASE: optionalUrl(['http:', 'https:']),
    /** Who may sell tickets (the admin may grant it by hand), and at what price (minor units). */
    TICKETS_MIN_FOLLOWERS: z.coerce.number().int().min(0).default(1000),
    TICKETS_MIN_HOSTED_SPACES: z.coerce.number().int().min(0).default(3),
    TICKETS_HOSTED_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    TICKETS_REQUIRE_ADULT: z.stringbool().default(true),
    TICKETS_MIN_PRICE_MINOR: z.coerce.number().int().min(1).default(100),
    TICKETS_MAX_PRICE_MINOR: z.coerce.number().int().min(1).default(99_900),
    /** Revenue share: the host's basis points below and beyond the lifetime-gross threshold. */
    TICKETS_HOST_SHARE_BP: z.coerce.number().int().min(0).max(10_000).default(9700),
    TICKETS_HOST_SHARE_AFTER_BP: z.coerce.number().int().min(0).max(10_000).default(8000),
    TICKETS_SHARE_THRESHOLD_MINOR: z.coerce.number().int().min(0).default(5_000_000),
    /** The currency of `npm run admin -- credit` when none is named. */
    TICKETS_DEFAULT_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
      .default('USD'),
    /**
     * Web Push: the server's VAPID key pair (base64url, as `npx web-push generate-vapid-keys` prints);
     * unset = made on first start and kept in the database. Set both or neither.
     */
    VAPID_PUBLIC_KEY: z.string().trim().min(1).optional(),
    VAPID_PRIVATE_KEY: z.string().trim().min(1).optional(),
    /** Who push services can contact about this server: mailto:… or https://…; unset = PUBLIC_URL when https. */
    VAPID_SUBJECT: z
      .string()
      .trim()
      .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'a mailto: address or an https:// URL')
      .optional(),
    /**
     * Push services the server will send to (host names, each also matching its subdomains; `*` = any):
     * the browsers' own by default, so that a subscription cannot make the server post elsewhere.
     */
    PUSH_ALLOWED_HOSTS: commaList(
      'fcm.googleapis.com,android.googleapis.com,push.services.mozilla.com,push.apple.com,notify.windows.com',
      true,
    ),
    /** A PEM file of extra certificate authorities to trust for push services (a private push service, tests). */
    PUSH_CA_FILE: z.string().min(1).optional(),
    /** Set: GET /metrics answers only `Authorization: Bearer <this>`. Unset: only requests from loopback. */
    METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
    /** How often /api/ws sockets are pinged; one that misses a pong is closed. */
    WS_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
    /** How often a Space's live sockets are pinged; one that misses a pong (and sends nothing) is closed. */
    LIVE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(5000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Folder of the built web app; unset = apps/web/dist. */
    WEB_DIR: z.string().optional(),
  })
  .superRefine((c, ctx) => {
    // Web Push keys: both or neither, each the size of a P-256 key.
    if (Boolean(c.VAPID_PUBLIC_KEY) !== Boolean(c.VAPID_PRIVATE_KEY))
      ctx.addIssue({
        code: 'custom',
        path: [c.VAPID_PUBLIC_KEY ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY'],
        message: 'set both VAPID keys or neither',
      });
    const bytes = (v: string | undefined) => (v ? Buffer.from(v, 'base64url').length : 0);
    if (c.VAPID_PUBLIC_KEY && bytes(c.VAPID_PUBLIC_KEY) !== 65)
      ctx.addIssue({ code: 'custom', path: ['VAPID_PUBLIC_KEY'], message: 'a P-256 public key: 65 bytes, base64url' });
    if (c.VAPID_PRIVATE_KEY && bytes(c.VAPID_PRIVATE_KEY) !== 32)
      ctx.addIssue({
        code: 'custom',
        path: ['VAPID_PRIVATE_KEY'],
        message: 'a P-256 private key: 32 bytes, base64url',
      });
    if (c.PAYMENTS_PROVIDER !== 'stripe') return;
    for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const)
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required with PAYMENTS_PROVIDER=stripe' });
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** ICE_ALLOW_PRIVATE decided: a server people reach at a public name probes only public addresses. */
export function iceAllowsPrivate(config: Pick<Config, 'ICE_ALLOW_PRIVATE' | 'PUBLIC_URL'>): boolean {
  if (config.ICE_ALLOW_PRIVATE !== 'auto') return config.ICE_ALLOW_PRIVATE === 'true';
  if (!config.PUBLIC_URL) return true;
  const host = new URL(config.PUBLIC_URL).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() !== 'unicast';
}

/** Reads config from an env-like record; throws ConfigError listing every bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`,
  );
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
