import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Notification } from '@earshot/protocol';
import type { FastifyBaseLogger } from 'fastify';
import webpush, { WebPushError } from 'web-push';
import type { Config } from '../config';
import type { Notifier } from '../social/notifications';
import { languageOf } from '../social/users-store';
import type { Db } from '../store/db';
import { deliveryOf, pushPayload } from './messages';
import { BackgroundQueue } from './queue';
import { dropEndpoint, listSubscriptions, mutedKinds, vapidKeys } from './store';

export interface PushService {
  /** The VAPID public key browsers subscribe with (base64url). */
  publicKey: string;
  /** Whether the server may send to this endpoint (PUSH_ALLOWED_HOSTS). */
  allows(endpoint: string): boolean;
  /** Resolves once every push queued so far has been sent or given up on (tests, shutdown). */
  idle(): Promise<void>;
  /** Counts since start, for /metrics: pushes accepted, subscriptions found gone, refusals and errors, pushes dropped unsent. */
  stats(): { sent: number; gone: number; failed: number; dropped: number; queued: number };
  close(): Promise<void>;
}

/** A push service that takes longer than this is given up on for that push. */
const SEND_TIMEOUT_MS = 10_000;

/**
 * Web Push for every notification of a pushable kind. Pushing happens in a background queue in
 * this process, not in the `jobs` table: the job runner runs one job at a time per node and a
 * mixdown holds it for tens of seconds, while a push is worth sending within a second or not at
 * all (push services themselves drop it after its TTL). The notification itself is stored before
 * the push is queued, so a crash loses only the lock-screen copy of the last moment's pushes.
 */
export async function createPushService({
  db,
  config,
  notifier,
  log,
}: {
  db: Db;
  config: Config;
  notifier: Notifier;
  log: FastifyBaseLogger;
}): Promise<PushService> {
  const keys =
    config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY
      ? { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY }
      : await vapidKeys(db, () => webpush.generateVAPIDKeys());
  const subject = vapidSubject(config, log);
  const agent = config.PUSH_CA_FILE
    ? new Agent({ ca: [...rootCertificates, readFileSync(config.PUSH_CA_FILE, 'utf8')], keepAlive: true })
    : new Agent({ keepAlive: true });
  const allowed = config.PUSH_ALLOWED_HOSTS;
  const allows = (endpoint: string) => {
    if (!URL.canParse(endpoint)) return false;
    const url = new URL(endpoint);
    if (url.protocol !== 'https:') return false;
    const host = url.hostname.toLowerCase();
    return allowed.some((h) => h === '*' || host === h || host.endsWith(`.${h}`));
  };
  const counts = { sent: 0, gone: 0, failed: 0, dropped: 0 };
  const queue = new BackgroundQueue(
    4,
    10_000,
    (err) => {
      counts.failed += 1;
      log.warn({ err }, 'a push failed');
    },
    () => {
      counts.dropped += 1;
      log.warn('push queue full: the oldest push was dropped');
    },
  );

  async function send(userId: string, notification: Notification) {
    if ((await mutedKinds(db, userId)).has(notification.kind)) return;
    const payload = pushPayload(notification, await languageOf(db, userId));
    if (!payload) return;
    const subscriptions = await listSubscriptions(db, userId);
    const body = JSON.stringify(payload);
    const { TTL, urgency } = deliveryOf(notification.kind);
    await Promise.all(
      subscriptions.map(async (s) => {
        if (!allows(s.endpoint)) return; // the allow-list shrank since it was stored
        try {
          await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, body, {
            vapidDetails: { subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
            TTL,
            urgency,
            contentEncoding: 'aes128gcm',
            agent,
            timeout: SEND_TIMEOUT_MS,
          });
          counts.sent += 1;
        } catch (err) {
          // 404/410: the browser unsubscribed or the subscription expired (RFC 8030 §7.3): forget it.
          if (err instanceof WebPushError && (err.statusCode === 404 || err.statusCode === 410)) {
            counts.gone += 1;
            await dropEndpoint(db, s.endpoint);
            log.info({ status: err.statusCode }, 'a push subscription is gone; deleted');
            return;
          }
          counts.failed += 1;
          const status = err instanceof WebPushError ? err.statusCode : undefined;
          log.warn({ err, status, kind: notification.kind }, 'a push service refused a push');
        }
      }),
    );
  }

  notifier.onNotified((userId, notification) => {
    if (pushPayload(notification)) queue.add(() => send(userId, notification));
  });

  return {
    publicKey: keys.publicKey,
    allows,
    idle: () => queue.idle(),
    stats: () => ({ ...counts, queued: queue.size }),
    async close() {
      await queue.close(5000);
      agent.destroy();
    },
  };
}

/** VAPID_SUBJECT, else PUBLIC_URL when it is https (push services want a way to reach the operator). */
function vapidSubject(config: Config, log: FastifyBaseLogger) {
  if (config.VAPID_SUBJECT) return config.VAPID_SUBJECT;
  if (config.PUBLIC_URL?.startsWith('https://')) return new URL(config.PUBLIC_URL).origin;
  log.warn('VAPID_SUBJECT is not set: push services are told mailto:push@earshot.invalid; set it to reach you');
  return 'mailto:push@earshot.invalid';
}
