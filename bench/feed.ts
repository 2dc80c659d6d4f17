// The feed between media workers: what it costs to move one packet from the room's worker to
// another worker, over loopback UDP (what media/feed.ts does) or over a Unix stream socket with
// length framing (the "pipe" alternative). Run: node --import tsx bench/feed.ts [PACKETS_PER_S=20000] [SECONDS=5]
// Reports CPU µs per packet on each side and the share delivered. One process sends, a child receives.
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFeed } from '../apps/server/src/media/feed';

const [role, transport, target] = process.argv.slice(2);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

if (role === 'receive') {
  let received = 0;
  let cpu0 = 0;
  const report = () => process.send?.({ type: 'count', received, cpu: cpu() - cpu0 });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'reset') {
      received = 0;
      cpu0 = cpu();
    } else if (m.type === 'count') report();
  });
  if (transport === 'udp') {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    socket.on('message', (d) => {
      if (d[0] === 1) received++;
    });
    socket.bind(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: socket.address().port }));
  } else {
    const server = createServer((conn) => {
      let pending: Buffer = Buffer.alloc(0);
      conn.on('data', (chunk: Buffer) => {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        let at = 0;
        while (pending.length - at >= 2) {
          const length = pending.readUInt16BE(at);
          if (pending.length - at - 2 < length) break;
          if (pending[at + 2] === 1) received++;
          at += 2 + length;
        }
        pending = pending.subarray(at);
      });
    });
    server.listen(target, () => process.send?.({ type: 'ready' }));
  }
} else {
  const rate = Number(process.argv[2] ?? 20_000);
  const seconds = Number(process.argv[3] ?? 5);
  const here = fileURLToPath(import.meta.url);
  const rtp = Buffer.alloc(12 + 100, 7); // a 20 ms Opus packet of speech is ~60–120 bytes
  rtp[0] = 0x80;
  const room = Buffer.from('01k8plnei8uegj16cdkj');
  const results: Record<string, unknown>[] = [];
  for (const kind of ['udp', 'pipe'] as const) {
    const socketPath = path.join(tmpdir(), `earshot-feed-${process.pid}.sock`);
    rmSync(socketPath, { force: true });
    const child = fork(here, ['receive', kind, socketPath], { execArgv: ['--import', 'tsx'] });
    const ready = await new Promise<{ port?: number }>((resolve) =>
      child.on('message', (m: { type: string; port?: number }) => m.type === 'ready' && resolve(m)),
    );
    let send: (b: Buffer) => void;
    let done = () => {};
    if (kind === 'udp') {
      const socket = createSocket({ type: 'udp4', sendBufferSize: 4 << 20 });
      send = (b) => socket.send(b, ready.port as number, '127.0.0.1');
      done = () => socket.close();
    } else {
      const conn = createConnection(socketPath);
      await new Promise((r) => conn.once('connect', r));
      const head = Buffer.alloc(2);
      send = (b) => {
        head.writeUInt16BE(b.length);
        conn.write(Buffer.concat([head, b]));
      };
      done = () => conn.end();
    }
    child.send({ type: 'reset' });
    await new Promise((r) => setTimeout(r, 200));
    const cpu0 = cpu();
    const start = performance.now();
    let sent = 0;
    // Paced in 1 ms steps, as a room forwards 20 ms packets from many slots and rooms.
    while (performance.now() - start < seconds * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      for (; sent < due; sent++) send(encodeFeed(room, { slot: sent % 8, source: 1234 }, rtp));
      await new Promise((r) => setTimeout(r, 1));
    }
    const senderCpu = cpu() - cpu0;
    await new Promise((r) => setTimeout(r, 500));
    const count = await new Promise<{ received: number; cpu: number }>((resolve) => {
      child.on('message', (m: { type: string; received: number; cpu: number }) => m.type === 'count' && resolve(m));
      child.send({ type: 'count' });
    });
    done();
    child.kill();
    rmSync(socketPath, { force: true });
    results.push({
      transport: kind,
      packets_sent: sent,
      delivered_percent: Number(((count.received / sent) * 100).toFixed(2)),
      sender_cpu_us_per_packet: Number(((senderCpu / sent) * 1e6).toFixed(2)),
      receiver_cpu_us_per_packet: Number(((count.cpu / count.received) * 1e6).toFixed(2)),
    });
  }
  console.log(JSON.stringify({ packets_per_s: rate, seconds, results }, null, 2));
  process.exit(0);
}
