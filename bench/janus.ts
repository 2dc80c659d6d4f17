// Earshot against Janus (Debian's janus 1.1, streaming plugin), side by side in one run (issue 12):
//   npm run bench:janus -- [LISTENERS=100,300,1000] [SECONDS=20] [EVENT_LOOPS=1,2]
// One Opus stream (the fan-out bench's speaker packets: 50/s) to N node-datachannel listeners in
// two client processes, the same listener code for both servers (bench/media-clients.ts,
// bench/janus/client.ts). Earshot gets them over WHIP/WHEP with MEDIA_WORKERS (default 2) media
// workers; Janus gets the same packets as plain RTP on loopback UDP into one mountpoint, configured
// from bench/janus/*.jcfg with each `event_loops` value asked for. For each server and N: server CPU
// per delivered packet (every process of the server, from /proc) and the share delivered.
// Janus is installed by bench/janus/setup.sh (apt-get) when missing.
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { speechPackets } from './corpus';
import { api, cpuSeconds, here, now, signup, sleep, startServer } from './harness';
import { pacedSpeaker } from './media-clients';

const [listenersArg = '100,300,1000', secondsArg = '20', loopsArg = '1,2'] = process.argv.slice(2);
const counts = listenersArg.split(',').map(Number);
const seconds = Number(secondsArg);
const eventLoops = loopsArg.split(',').map(Number);
const CLIENT_PROCESSES = 2;
const JANUS_HTTP = 'http://127.0.0.1:8288/janus';
const JANUS_RTP_PORT = 5202;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));
// Real Opus speech (espeak-ng, encoded once), looped: what both servers forward.
const payloads = await speechPackets();

type Counts = { received: number; silent: number };
type Point = {
  server: string;
  listeners: number;
  load_average: number;
  delivered_percent: number;
  listeners_hearing_nothing: number;
  server_cpu_percent_of_one_core: number;
  server_cpu_us_per_delivered_packet: number;
  /** Above the server's CPU with the speaker talking to nobody (its fixed costs). */
  server_cpu_us_per_delivered_packet_above_idle: number;
};

/** CPU of `pids` (% of one core) over 5 s of the source talking to no listener. */
async function idleCpu(source: { send: () => void }, pids: number[]) {
  await tick(source.send, now() + 1000);
  const cpu0 = pids.map(cpuSeconds);
  const wall0 = now();
  await tick(source.send, now() + 5000);
  const cpu = pids.reduce((a, pid, i) => a + cpuSeconds(pid) - (cpu0[i] ?? 0), 0);
  return cpu / ((now() - wall0) / 1000);
}

/** Forks the listener processes and waits until every listener has joined. */
async function joinListeners(script: string, args: (share: number) => string[], listeners: number) {
  const children: ChildProcess[] = [];
  const reports: Counts[] = [];
  await Promise.all(
    Array.from({ length: CLIENT_PROCESSES }, (_, w) => {
      const share = Math.floor(listeners / CLIENT_PROCESSES) + (w < listeners % CLIENT_PROCESSES ? 1 : 0);
      const child = fork(script, args(share), { execArgv: ['--import', 'tsx'] });
      children.push(child);
      child.on('message', (m: Counts & { type: string }) => {
        if (m.type === 'count') reports.push(m);
      });
      return new Promise<void>((resolve, reject) => {
        child.on('message', (m: { type: string }) => m.type === 'ready' && resolve());
        child.on('exit', (code) => reject(new Error(`listener process exited ${code}`)));
      });
    }),
  );
  return {
    reset: () => {
      for (const c of children) c.send({ type: 'reset' });
    },
    async count() {
      for (const c of children) c.send({ type: 'count' });
      while (reports.length < children.length) await sleep(50);
      return {
        received: reports.reduce((a, r) => a + r.received, 0),
        silent: reports.reduce((a, r) => a + r.silent, 0),
      };
    },
    stop() {
      for (const c of children) {
        c.removeAllListeners('exit');
        c.kill('SIGKILL');
      }
    },
  };
}

/** Sends one packet every 20 ms until `until` (catching up after a late timer, as a sender must). */
const tick = (send: () => void, until: number) =>
  new Promise<void>((resolve) => {
    let next = now();
    const step = () => {
      send();
      next += 20;
      if (next >= until) return resolve();
      setTimeout(step, Math.max(0, next - now()));
    };
    step();
  });

/** Warms up 2 s, then measures `seconds`: CPU of `pids` per delivered packet, and the share delivered. */
async function measure(
  server: string,
  listeners: number,
  clients: Awaited<ReturnType<typeof joinListeners>>,
  source: { send: () => void; sent: () => number },
  pids: () => number[],
  idle: number,
): Promise<Point> {
  await tick(source.send, now() + 2000);
  await sleep(1500); // the clients drain the warm-up before counting starts
  clients.reset();
  await sleep(100);
  const load = loadavg()[0] ?? Number.NaN;
  const ids = pids();
  const cpu0 = ids.map(cpuSeconds);
  const sent0 = source.sent();
  const wall0 = now();
  await tick(source.send, now() + seconds * 1000);
  const cpu = ids.reduce((a, pid, i) => a + cpuSeconds(pid) - (cpu0[i] ?? 0), 0);
  const wall = (now() - wall0) / 1000;
  const sent = source.sent() - sent0;
  await sleep(1000); // the clients may still be reading their queues
  const { received, silent } = await clients.count();
  const point = {
    server,
    listeners,
    load_average: round(load, 2),
    delivered_percent: round((received / (sent * listeners)) * 100, 2),
    listeners_hearing_nothing: silent,
    server_cpu_percent_of_one_core: round((cpu / wall) * 100),
    server_cpu_us_per_delivered_packet: round((cpu / received) * 1e6, 2),
    server_cpu_us_per_delivered_packet_above_idle: round(((cpu - idle * wall) / received) * 1e6, 2),
  };
  console.error(JSON.stringify(point));
  return point;
}

/** An Earshot server; `point(N)` measures N listeners of a new Space's one speaker. */
async function earshot() {
  const workers = process.env.MEDIA_WORKERS ?? '2';
  const server = await startServer({ MEDIA_PEER_TIMEOUT_MS: '120000', MEDIA_WORKERS: workers, MEDIA_PORT: '0' });
  const host = await signup(server.base, 'bench_host');
  const me = (await api(server.base, 'GET', '/api/me', undefined, host)).body.user.id;
  async function point(listeners: number) {
    // A Space per point: ending it closes every session of the last one.
    const id = (await api(server.base, 'POST', '/api/spaces', { title: 'Janus side by side' }, host)).body.space
      .id as string;
    await api(server.base, 'POST', `/api/spaces/${id}/start`, {}, host);
    await api(server.base, 'POST', `/api/spaces/${id}/unmute`, { userId: me }, host);
    const mic = await pacedSpeaker(server.base, id, host, payloads);
    const idle = await idleCpu({ send: () => mic.send() }, [server.pid, ...server.mediaWorkers()]);
    console.error(`Earshot: ${listeners} listeners joining`);
    const clients = await joinListeners(
      path.join(here, 'fanout-listeners.ts'),
      (share) => [server.base, id, String(share), '1'],
      listeners,
    );
    try {
      return await measure(
        `Earshot (MEDIA_WORKERS=${workers})`,
        listeners,
        clients,
        { send: () => mic.send(), sent: () => mic.sent },
        () => [server.pid, ...server.mediaWorkers()],
        idle,
      );
    } finally {
      clients.stop();
      mic.pc.close();
      await api(server.base, 'POST', `/api/spaces/${id}/end`, {}, host);
      // Its recording's mixdown (ffmpeg) must not run into the next point.
      for (let i = 0; i < 60; i++) {
        const info = await api(server.base, 'GET', `/api/spaces/${id}/recording/info`, undefined, host);
        if (!['recording', 'processing'].includes(info.body?.status)) break;
        await sleep(500);
      }
      await sleep(1000);
    }
  }
  return { point, stop: () => server.stop() };
}

/** Janus from the repo's configuration with `event_loops` set; stopped when `run` is done. */
async function withJanus<T>(loops: number, run: (pid: number) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'earshot-janus-'));
  cpSync(path.join(here, 'janus'), dir, { recursive: true });
  const config = path.join(dir, 'janus.jcfg');
  writeFileSync(config, readFileSync(config, 'utf8').replace(/event_loops = \d+/, `event_loops = ${loops}`));
  if ((await fetch(`${JANUS_HTTP}/info`).catch(() => null))?.ok)
    throw new Error(`another Janus answers at ${JANUS_HTTP}: stop it first`);
  const janus = spawn('janus', ['-F', dir, '-C', config, '-o'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`${JANUS_HTTP}/info`).catch(() => null))?.ok) break;
      if (i === 100 || janus.exitCode !== null) throw new Error('janus did not start');
      await sleep(100);
    }
    return await run(janus.pid as number);
  } finally {
    janus.kill('SIGTERM');
    await new Promise((resolve) => {
      if (janus.exitCode !== null) return resolve(null);
      janus.once('exit', resolve);
      setTimeout(() => {
        janus.kill('SIGKILL');
        resolve(null);
      }, 5000).unref();
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same RTP packets as the Earshot speaker's (bench/media-clients.ts), sent to the mountpoint. */
function rtpSource() {
  const socket = createSocket('udp4');
  const packet = Buffer.alloc(12);
  packet[0] = 0x80;
  packet[1] = 111;
  packet.writeUInt32BE(0x10000 + Math.floor(Math.random() * 0xffff), 8);
  let seq = 0;
  let sent = 0;
  return {
    send() {
      seq += 1;
      packet.writeUInt16BE(seq & 0xffff, 2);
      packet.writeUInt32BE((seq * 960) >>> 0, 4);
      socket.send(Buffer.concat([packet, payloads[seq % payloads.length] as Buffer]), JANUS_RTP_PORT, '127.0.0.1');
      sent += 1;
    },
    sent: () => sent,
    close: () => socket.close(),
  };
}

/** A fresh Janus per point (no sessions left over from the last one). */
const janusPoint = (loops: number, listeners: number) =>
  withJanus(loops, async (pid) => {
    const source = rtpSource();
    const idle = await idleCpu(source, [pid]);
    console.error(`Janus (event_loops=${loops}): ${listeners} listeners joining`);
    const clients = await joinListeners(
      path.join(here, 'janus', 'listeners.ts'),
      (share) => [JANUS_HTTP, '1', String(share)],
      listeners,
    );
    try {
      return await measure(`Janus (event_loops=${loops})`, listeners, clients, source, () => [pid], idle);
    } finally {
      clients.stop();
      source.close();
    }
  });

const setup = spawnSync('sh', [path.join(here, 'janus', 'setup.sh')], { stdio: 'inherit' });
if (setup.status !== 0) throw new Error('bench/janus/setup.sh failed: Janus is not installed');
const t0 = now();
// Each N for both servers in turn, so that both meet about the same load on the machine.
const server = await earshot();
const earshotPoints: Point[] = [];
const janus: Point[] = [];
try {
  for (const listeners of counts) {
    earshotPoints.push(await server.point(listeners));
    for (const loops of eventLoops) janus.push(await janusPoint(loops, listeners));
  }
} finally {
  await server.stop();
}
// The best Janus at each N: the most delivered, then the least CPU per packet.
const rows = counts.map((listeners) => {
  const e = earshotPoints.find((p) => p.listeners === listeners);
  const best = janus
    .filter((p) => p.listeners === listeners)
    .sort(
      (a, b) =>
        b.delivered_percent - a.delivered_percent ||
        a.server_cpu_us_per_delivered_packet - b.server_cpu_us_per_delivered_packet,
    )[0];
  const ratio =
    e && best ? round(e.server_cpu_us_per_delivered_packet / best.server_cpu_us_per_delivered_packet, 2) : NaN;
  return {
    listeners,
    earshot_us_per_packet: e?.server_cpu_us_per_delivered_packet,
    earshot_delivered_percent: e?.delivered_percent,
    earshot_us_per_packet_above_idle: e?.server_cpu_us_per_delivered_packet_above_idle,
    best_janus: best?.server,
    janus_us_per_packet: best?.server_cpu_us_per_delivered_packet,
    janus_delivered_percent: best?.delivered_percent,
    janus_us_per_packet_above_idle: best?.server_cpu_us_per_delivered_packet_above_idle,
    ratio_earshot_over_janus: ratio,
    target_met: ratio <= 0.5 && (listeners < 1000 || (e?.delivered_percent ?? 0) >= 99.9),
  };
});
console.log(
  JSON.stringify(
    { seconds, minutes_total: round((now() - t0) / 60000), points: [...earshotPoints, ...janus], rows },
    null,
    2,
  ),
);
process.exit(0);
