import { execFileSync } from 'node:child_process';
import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  type ECDH,
  hkdfSync,
  randomBytes,
  randomUUID,
  verify,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * What a browser holds for one push subscription: its own P-256 key pair and auth secret (RFC
 * 8291 §2), made here as a browser makes them, so that only this side can read the pushes.
 */
export class BrowserKeys {
  readonly ecdh: ECDH = createECDH('prime256v1');
  readonly publicKey: Buffer;
  readonly auth = randomBytes(16);
  constructor() {
    this.publicKey = this.ecdh.generateKeys();
  }
  subscription(endpoint: string) {
    return {
      endpoint,
      expirationTime: null,
      keys: { p256dh: this.publicKey.toString('base64url'), auth: this.auth.toString('base64url') },
    };
  }

  /** Decrypts an `aes128gcm` body (RFC 8188 record, RFC 8291 keys), written independently of web-push. */
  decrypt(body: Buffer): string {
    const salt = body.subarray(0, 16);
    const recordSize = body.readUInt32BE(16);
    const idLength = body[20] as number;
    const serverPublic = body.subarray(21, 21 + idLength);
    const record = body.subarray(21 + idLength);
    if (idLength !== 65) throw new Error(`keyid is the sender's 65-byte key, got ${idLength} bytes`);
    if (record.length > recordSize) throw new Error('one record expected');
    const ecdhSecret = this.ecdh.computeSecret(serverPublic);
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), this.publicKey, serverPublic]);
    const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, this.auth, keyInfo, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // Padding: the last record ends with the delimiter 0x02, then zeros.
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end -= 1;
    if (plain[end] !== 2) throw new Error('no last-record delimiter');
    return plain.subarray(0, end).toString('utf8');
  }
}

export type VapidClaims = { aud: string; exp: number; sub: string };

/** Checks `Authorization: vapid t=JWT, k=KEY` (RFC 8292): an ES256 JWT signed by the key in `k`. */
export function verifyVapid(authorization: string | undefined): { claims: VapidClaims; key: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!match) throw new Error(`not a vapid Authorization header: ${authorization}`);
  const [, jwt, key] = match as unknown as [string, string, string];
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const head = JSON.parse(Buffer.from(header, 'base64url').toString());
  if (head.alg !== 'ES256') throw new Error(`alg ${head.alg}`);
  const raw = Buffer.from(key, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('k is not an uncompressed P-256 key');
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('the VAPID signature does not verify');
  return { claims: JSON.parse(Buffer.from(payload, 'base64url').toString()), key };
}

export type Received = {
  id: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
};

/**
 * A push service (RFC 8030 §5) on loopback HTTPS with a certificate of its own (`caFile` is the
 * server's PUSH_CA_FILE). Each subscription is `endpoint(name)`; `gone(name)` makes it answer 410.
 */
export async function startPushService() {
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-push-'));
  const keyFile = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const received: Received[] = [];
  const goneNames = new Set<string>();
  const heldNames = new Set<string>();
  const holding: Array<() => void> = [];
  const waiters: Array<{ test: (r: Received) => boolean; resolve: (r: Received) => void }> = [];
  const server: Server = createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const name = decodeURIComponent((req.url ?? '').replace(/^\/push\//, ''));
      if (req.method !== 'POST' || !req.url?.startsWith('/push/')) {
        res.writeHead(404).end();
        return;
      }
      if (goneNames.has(name)) {
        res.writeHead(410).end('gone');
        return;
      }
      const r: Received = { id: name, headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      for (const w of [...waiters])
        if (w.test(r)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      const answer = () => res.writeHead(201, { location: `/message/${randomUUID()}` }).end();
      if (heldNames.has(name)) holding.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const origin = `https://127.0.0.1:${address.port}`;
  return {
    origin,
    caFile,
    received,
    endpoint: (name: string) => `${origin}/push/${encodeURIComponent(name)}`,
    gone: (name: string) => goneNames.add(name),
    /** Pushes to `name` are received but not answered until `release()`: a slow push service. */
    hold: (name: string) => heldNames.add(name),
    release() {
      heldNames.clear();
      for (const answer of holding.splice(0)) answer();
    },
    /** How many pushes wait for their answer. */
    get waiting() {
      return holding.length;
    },
    /** The first push (already received or to come) to subscription `name` that passes `test`. */
    next(name: string, test: (r: Received) => boolean = () => true, ms = 5000) {
      const match = (r: Received) => r.id === name && test(r);
      const seen = received.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<Received>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no push to ${name} within ${ms} ms`)), ms);
        waiters.push({
          test: match,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
