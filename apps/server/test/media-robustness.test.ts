import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { LATE_MS } from '../src/media/publisher';
import { OPUS_SILENCE } from '../src/media/rtp';
import { parseListenOffer, parsePublishOffer, SdpError } from '../src/media/sdp';
import { Client, exitWhenDone, mediaRoom, type Running, startEarshot, uniqueHandle, watch } from './helpers';
import { connected, listen, publishTone, rawPublisher, type Signal, sampleOffer, until } from './media-bots';

/** What a bad peer or a bad offer can do to the media plane: nothing but get a clear refusal. */
describe('media plane robustness', () => {
  let server: Running;
  let host: Client;
  let hostId: string;
  let spaceId: string;
  before(async () => {
    server = await startEarshot({ PRESENCE_GRACE_MS: '300', MEDIA_PEER_TIMEOUT_MS: '8000' });
    host = new Client(server.url);
    hostId = (await host.signup(uniqueHandle('rhost'))).id;
    spaceId = (await host.post('/api/spaces', { title: 'Robust', topics: [] })).body.space.id;
    await host.post(`/api/spaces/${spaceId}/start`, {});
    await host.post(`/api/spaces/${spaceId}/unmute`, { userId: hostId });
  });
  after(() => server.close());
  exitWhenDone();

  const post = (kind: 'whip' | 'whep', body: string, type = 'application/sdp', client = host) =>
    client.request('POST', `/api/spaces/${spaceId}/${kind}`, body, { 'content-type': type });
  const signal =
    (kind: 'whip' | 'whep', client = host): Signal =>
    async (offer) => {
      const res = await post(kind, offer, 'application/sdp', client);
      if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
      return res.body as string;
    };
  const peers = () => {
    const room = mediaRoom(server, spaceId);
    return (room?.publishers().length ?? 0) + (room?.subscribers().length ?? 0);
  };

  it('refuses bad offers with 400/413/415 and a clear error, and leaves no peer behind', async () => {
    const offer = await sampleOffer('sendonly');
    const video = offer.replace(/^m=audio (\d+) (\S+) .*$/m, 'm=video $1 $2 96').replace(/opus\/48000\/2/, 'VP8/90000');
    const pcmuOnly = offer
      .replace(/^m=audio (\d+) (\S+) .*$/m, 'm=audio $1 $2 0')
      .replace(/^a=rtpmap:\d+ opus.*$/m, 'a=rtpmap:0 PCMU/8000');
    const cases: Array<[string, string, string, number, string]> = [
      ['not SDP', 'hello', 'application/sdp', 400, 'invalid_sdp'],
      ['empty', '', 'application/sdp', 400, 'invalid_sdp'],
      ['no media section', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n', 'application/sdp', 400, 'no_audio'],
      ['video only', video, 'application/sdp', 400, 'unsupported_media'],
      ['no Opus', pcmuOnly, 'application/sdp', 400, 'unsupported_codec'],
      ['a listening offer on WHIP', await sampleOffer('recvonly'), 'application/sdp', 400, 'wrong_direction'],
      ['JSON instead of SDP', JSON.stringify({ sdp: offer }), 'application/json', 415, 'unsupported_media_type'],
      ['oversized', `${offer}${'a=x-padding\r\n'.repeat(6000)}`, 'application/sdp', 413, 'body_too_large'],
    ];
    for (const [what, body, type, status, code] of cases) {
      const res = await post('whip', body, type);
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, what);
      assert.ok(res.body.error.message.length > 10, what);
    }
    const publishing = await post('whep', offer);
    assert.equal(publishing.status, 400);
    assert.equal(publishing.body.error.code, 'wrong_direction');
    assert.equal(peers(), 0);
  });

  it('never throws anything but a refusal on fuzzed SDP (5,000 parses; 300 offers through node-datachannel)', async () => {
    const offer = await sampleOffer('sendonly');
    const lines = offer.split('\r\n');
    // Mutations of a real offer reach deeper than random text: drop, repeat or garble lines.
    const mutated = fc
      .array(
        fc.tuple(
          fc.nat(lines.length),
          fc.constantFrom('drop', 'repeat', 'garble', 'truncate'),
          fc.string({ maxLength: 40, unit: 'binary' }),
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((ops) => {
        const out = [...lines];
        for (const [i, op, text] of ops) {
          const at = i % out.length;
          if (op === 'drop') out.splice(at, 1);
          if (op === 'repeat') out.splice(at, 0, out[at] ?? '');
          if (op === 'garble') out[at] = `${(out[at] ?? '').slice(0, 2)}${text}`;
          if (op === 'truncate') out[at] = (out[at] ?? '').slice(0, text.length);
        }
        return out.join('\r\n');
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 2000 })), (sdp) => {
        for (const parse of [parsePublishOffer, parseListenOffer])
          try {
            parse(sdp);
          } catch (err) {
            if (!(err instanceof SdpError)) throw err;
          }
      }),
      { numRuns: 5000 },
    );
    // Through the real engine: every mutated offer is answered or refused, and no peer is left.
    const { media } = server.earshot.services;
    await media.openRoom('fuzz');
    await fc.assert(
      fc.asyncProperty(mutated, async (sdp) => {
        await media.publish('fuzz', sdp, { key: 'fuzz', slot: 0, muted: false }).then(
          ({ peerId }) => media.closePeer(peerId),
          (err) => assert.ok(err instanceof Error),
        );
      }),
      { numRuns: 300 },
    );
    await until(() => media.peers('fuzz').length === 0, 2000, 'every fuzz peer closed');
    await media.closeRoom('fuzz');
  });

  it('survives random RTP and RTCP from a connected peer and random datagrams on its port; others still hear', async () => {
    const raw = await rawPublisher(signal('whip'));
    let sent = 0;
    for (let i = 0; i < 5000; i++) {
      const bytes = randomBytes(2 + Math.floor(Math.random() * 400));
      bytes[0] = 0x80 | (bytes[0]! & 0x3f); // version 2, so it is not dropped before our code sees it
      if (raw.send(bytes)) sent++;
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.ok(sent > 1000, `the bot sent ${sent} packets`);
    const udp = createSocket('udp4');
    for (const port of server.earshot.services.media.ports)
      for (let i = 0; i < 2000; i++) udp.send(randomBytes(1 + Math.floor(Math.random() * 1200)), port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    udp.close();
    raw.close();

    // The server is fine: a real speaker is still heard.
    const speaker = await publishTone(signal('whip'));
    const ears = await listen(signal('whep'));
    await Promise.all([connected(speaker.pc), connected(ears.pc)]);
    await until(() => ears.rms(200) > 3000, 5000, 'tone heard after the garbage');
    assert.equal((await host.get('/api/health')).status, 200);
    speaker.close();
    ears.close();
  });

  it("does not send live what waited over 2 s in a stalled media process's queue, counts it, and goes on", async () => {
    const raw = await rawPublisher(signal('whip'));
    const ears = await listen(signal('whep'), 2); // a track per stage slot: the host's packets as they are
    await connected(ears.pc);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const counts = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const n = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
      return { late: n('earshot_media_late_packets_total'), forwarded: n('earshot_media_forwarded_packets_total') };
    };
    // Workers report their counts every second: the baseline is taken once they stop moving.
    let before = await counts();
    for (let i = 0; i < 20; i++) {
      await sleep(1200);
      const now = await counts();
      if (now.late === before.late && now.forwarded === before.forwarded) break;
      before = now;
    }
    const rtp = (i: number) => {
      const p = Buffer.concat([Buffer.alloc(12), OPUS_SILENCE]);
      p[0] = 0x80;
      p[1] = 111;
      p.writeUInt16BE(i, 2);
      p.writeUInt32BE(i * 960, 4);
      p.writeUInt32BE(0x1234_5678, 8); // the source the raw publisher announced
      return p;
    };
    // 300 packets, each at its due time (20 ms apart) or as soon after as this process can.
    const t0 = performance.now();
    let sent = 0;
    const sender = setInterval(() => {
      for (; sent < 300 && t0 + sent * 20 <= performance.now(); sent++) raw.send(rtp(sent));
    }, 5);
    let stopped: number | undefined;
    try {
      await until(() => sent >= 50, 5000, 'a second sent');
      const stalledFrom = sent;
      // The media process stops for 4 s: a worker with SIGSTOP (the kernel holds its packets), the
      // server in this process by a busy loop (libdatachannel queues them for JavaScript, and this
      // sender owes its packets meanwhile). Then it drains what waited, late by up to 4 s.
      const home = server.earshot.services.media.stats().workers.find((w) => w.publishers > 0);
      if (home?.pid) {
        stopped = home.pid;
        process.kill(stopped, 'SIGSTOP');
        await sleep(4000);
        process.kill(stopped, 'SIGCONT');
        stopped = undefined;
      } else {
        const stallUntil = performance.now() + 4000;
        while (performance.now() < stallUntil);
      }
      const resumedAt = performance.now() - t0;
      await until(() => sent >= 300, 10_000, 'all sent');
      let delta = { late: 0, forwarded: 0 };
      for (let i = 0; i < 40 && delta.late + delta.forwarded < 300; i++) {
        await sleep(250);
        const now = await counts();
        delta = { late: now.late - before.late, forwarded: now.forwarded - before.forwarded };
      }
      // A packet due at d ms is about resumedAt - d late when it gets out: late past LATE_MS, so the
      // held ones due before resumedAt - LATE_MS.
      const expected = Math.ceil((resumedAt - LATE_MS) / 20) - stalledFrom;
      assert.ok(
        delta.late >= expected - 5 && delta.late <= expected + 25,
        `late: ${delta.late}, about ${expected} expected (resumed at ${resumedAt.toFixed(0)} ms)`,
      );
      assert.ok(
        delta.late + delta.forwarded >= 295,
        `every packet is either sent or counted late: ${JSON.stringify(delta)}`,
      );
      // The speaker then pauses 3.5 s and goes on from packet 300, its timestamps too, as a paused
      // capture does: seconds "late", but with the loop on time that is the sender's lag, not a
      // queue here; its pace is taken from there and it is heard.
      await sleep(3500);
      const again = await counts();
      for (let i = 300; i < 325; i++) {
        raw.send(rtp(i));
        await sleep(20);
      }
      await sleep(1500);
      const after = await counts();
      assert.equal(after.late, again.late, 'nothing of the resumed speaker counted late');
      assert.ok(after.forwarded - again.forwarded >= 20, `resumed speaker sent: ${after.forwarded - again.forwarded}`);
    } finally {
      if (stopped) process.kill(stopped, 'SIGCONT');
      clearInterval(sender);
      raw.close();
      ears.close();
    }
  });

  it('reaps a listener that vanishes without closing (its media session and its presence); a quiet one stays', async () => {
    const quiet = await listen(signal('whep'));
    await connected(quiet.pc);
    const view = await watch(server.url, spaceId, host);
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'vanishing-listener.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, server.url, spaceId], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the vanishing listener did not start')), 15_000);
        child.stdout.on('data', (d) => String(d).includes('ready') && (clearTimeout(timer), resolve()));
      });
      await view.until(() => view.view.listenerCount === 2, 5000);
      const room = { subscribers: () => mediaRoom(server, spaceId)?.subscribers() ?? [] };
      assert.equal(room.subscribers().length, 2);

      child.kill('SIGSTOP');
      const stoppedAt = Date.now();
      await until(() => room?.subscribers().length === 1, 15_000, 'vanished WHEP session reaped');
      const mediaReaped = Date.now() - stoppedAt;
      await view.until(() => view.view.listenerCount === 1, 20_000);
      const presenceReaped = Date.now() - stoppedAt;
      // The test's media timeout is 8 s; the defaults (15 s media, pings every 5 s) stay within 30 s.
      assert.ok(mediaReaped < 30_000 && presenceReaped < 30_000, `${mediaReaped} / ${presenceReaped} ms`);
      assert.equal(quiet.pc.connectionState, 'connected', 'a listener with nothing to hear is not reaped');
      assert.equal(room?.subscribers().length, 1);
    } finally {
      child.kill('SIGKILL');
      quiet.close();
      view.close();
    }
  });
});
