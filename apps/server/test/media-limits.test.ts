import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { iceAllowsPrivate, loadConfig } from '../src/config';
import { Client, exitWhenDone, mediaRoom, type Running, signUp, startEarshot } from './helpers';
import { connected, listen, publishTone, type Signal, sampleOffer, until } from './media-bots';

/** Posts an offer as `client` (signed out without one); the whole response. */
const post = (server: Running, kind: 'whip' | 'whep', id: string, offer: string, client?: Client) =>
  (client ?? new Client(server.url)).request('POST', `/api/spaces/${id}/${kind}`, offer, {
    'content-type': 'application/sdp',
  });

const signal =
  (server: Running, kind: 'whip' | 'whep', id: string, client?: Client, sessions: string[] = []): Signal =>
  async (offer) => {
    const res = await post(server, kind, id, offer, client);
    if (res.status !== 201) throw Object.assign(new Error(`${res.status} ${JSON.stringify(res.body)}`), res);
    sessions.push(res.headers.get('location') ?? '');
    return res.body as string;
  };

async function liveSpace(server: Running) {
  const host = await signUp(server.url, 'mlhost');
  const res = await host.c.post('/api/spaces', { title: 'Limits', topics: [] });
  const id = res.body.space.id as string;
  assert.equal((await host.c.post(`/api/spaces/${id}/start`, {})).status, 200);
  return { id, host };
}

/** An offer with no candidates of its own and `candidates` (a=candidate lines) in its audio section. */
async function offerWith(candidates: string[]) {
  const sdp = await sampleOffer('recvonly');
  const lines = sdp.split('\r\n').filter((l) => l && !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates');
  return `${[...lines, ...candidates, 'a=end-of-candidates'].join('\r\n')}\r\n`;
}

/** A UDP port on loopback that counts the STUN binding requests it receives. */
async function decoy() {
  const socket = createSocket('udp4');
  let requests = 0;
  socket.on('message', (m) => {
    if (m.length >= 20 && m.readUInt16BE(0) === 0x0001) requests += 1;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, requests: () => requests, close: () => socket.close() };
}

/** Candidates an attacker might offer to make the server probe a port on its own machine. */
const aimedAt = (port: number) => [
  `a=candidate:1 1 udp 2122260223 127.0.0.1 ${port} typ host`,
  `a=candidate:2 1 udp 2122260222 localhost ${port} typ host`,
  `a=candidate:3 1 udp 2122260221 2130706433 ${port} typ host`,
  `a=candidate:4 1 udp 1686052607 127.0.0.1 ${port} typ srflx raddr 0.0.0.0 rport 0`,
];

describe('media limits: signed-out WHEP per IP, candidates per offer, where ICE checks may go', () => {
  let strict: Running;
  let open: Running;
  before(async () => {
    // The production default for a public PUBLIC_URL, and a local run's (private addresses probed).
    strict = await startEarshot({ ANON_WHEP_PER_IP: '2', ICE_ALLOW_PRIVATE: 'false' });
    open = await startEarshot({ ICE_ALLOW_PRIVATE: 'true' });
  });
  after(async () => {
    await strict.close();
    await open.close();
  });
  exitWhenDone();

  it('ICE_ALLOW_PRIVATE=auto probes private addresses only for a local PUBLIC_URL', () => {
    const allows = (env: Record<string, string>) => iceAllowsPrivate(loadConfig(env));
    assert.equal(allows({}), true, 'PUBLIC_URL unset: a local run');
    for (const url of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://192.168.1.5', 'http://[::1]:3000'])
      assert.equal(allows({ PUBLIC_URL: url }), true, url);
    for (const url of ['https://spaces.example.org', 'http://93.184.216.34', 'https://8.8.8.8'])
      assert.equal(allows({ PUBLIC_URL: url }), false, url);
    assert.equal(allows({ PUBLIC_URL: 'https://spaces.example.org', ICE_ALLOW_PRIVATE: 'true' }), true);
    assert.equal(allows({ ICE_ALLOW_PRIVATE: 'false' }), false);
  });

  it('sends no ICE checks to loopback, private or named candidates unless allowed; a real peer still connects', async () => {
    const target = await decoy();
    try {
      for (const [server, allowed] of [
        [strict, false],
        [open, true],
      ] as const) {
        const { id } = await liveSpace(server);
        const res = await post(server, 'whep', id, await offerWith(aimedAt(target.port)));
        assert.equal(res.status, 201, JSON.stringify(res.body));
        const before = target.requests();
        // libjuice checks every pair within a few hundred ms, then retries: 3 s is plenty.
        await new Promise((r) => setTimeout(r, 3000));
        const probes = target.requests() - before;
        if (allowed) assert.ok(probes > 0, 'control: with private targets allowed the decoy is probed');
        else assert.equal(probes, 0, 'no STUN request reached the loopback decoy');
        const session = res.headers.get('location');
        assert.equal((await new Client(server.url).delete(session ?? '')).status, 204);
      }
    } finally {
      target.close();
    }

    // Without its private candidates a peer on this machine still connects: its checks reach us.
    const { id, host } = await liveSpace(strict);
    await host.c.post(`/api/spaces/${id}/unmute`, { userId: host.user.id });
    const mic = await publishTone(signal(strict, 'whip', id, host.c));
    const ear = await listen(signal(strict, 'whep', id, host.c));
    await Promise.all([connected(mic.pc), connected(ear.pc)]);
    await until(() => ear.rms(200) > 3000, 5000, 'tone heard through a server that probes public addresses only');
    mic.close();
    ear.close();
  });

  it('refuses an offer whose section carries more than 32 candidates (400), and makes no peer for it', async () => {
    const { id } = await liveSpace(strict);
    const many = Array.from(
      { length: 33 },
      (_, i) => `a=candidate:${i} 1 udp 2122260223 203.0.113.${i + 1} 9 typ host`,
    );
    const res = await post(strict, 'whep', id, await offerWith(many));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'too_many_candidates');
    assert.equal(mediaRoom(strict, id)?.subscribers().length ?? 0, 0);
    // 32 public ones are fine (a browser's usual offer has a handful).
    const ok = await post(strict, 'whep', id, await offerWith(many.slice(0, 32)));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal((await new Client(strict.url).delete(ok.headers.get('location') ?? '')).status, 204);
  });

  it('caps signed-out listening sessions per IP with 429 and retryAfter; signed-in listeners do not count; a closed session frees its place', async () => {
    const { id, host } = await liveSpace(strict);
    const sessions: string[] = [];
    const ears = [];
    for (let i = 0; i < 2; i++) ears.push(await listen(signal(strict, 'whep', id, undefined, sessions)));
    const refused = await post(strict, 'whep', id, await sampleOffer('recvonly'));
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'rate_limited');
    assert.ok(refused.body.error.retryAfter >= 1);
    assert.equal(mediaRoom(strict, id)?.subscribers().length, 2, 'the refused offer made no peer');
    const signedIn = await listen(signal(strict, 'whep', id, host.c));
    assert.equal((await new Client(strict.url).delete(sessions[0] ?? '')).status, 204);
    // The place is free once the plane reports the session closed.
    await until(() => mediaRoom(strict, id)?.subscribers().length === 2, 5000, 'session closed');
    const again = await listen(signal(strict, 'whep', id));
    for (const e of [...ears, signedIn, again]) e.close();
  });
});
