// One load-client process of the soak: `count` listeners, each a live socket and a WHEP session,
// and every `churnMs` the oldest one leaves and a new one joins. Counts packets and errors.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { now } from './harness';
import { clientRetries, countingListener } from './media-clients';

const [base, spaceId, countArg, sectionsArg, churnArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const count = Number(countArg);
const sections = Number(sectionsArg);
const churnMs = Number(churnArg);
const errors: string[] = [];
let joins = 0;
let leaves = 0;
let packets = 0;
let serial = 0;

interface Listener {
  ws: WebSocket;
  media: Awaited<ReturnType<typeof countingListener>>;
  counted: number;
  leaving: boolean;
  /** Reported as silent once already. */
  silent?: boolean;
  /** When the join began, and how long its socket and its WHEP answer took (ms). */
  startedAt: number;
  socketMs: number;
  answerMs: number;
}
const listeners: Listener[] = [];
/** How long joins of the last sample took from start to first packet (ms), and the slowest answer. */
let firstPacketMs: number[] = [];
let slowestAnswerMs = 0;
// This process's own lateness: a starved load client looks like a silent server.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

function socket() {
  const ws = new WebSocket(
    `${base.replace('http', 'ws')}/api/spaces/${spaceId}/live?client=soak-${process.pid}-${++serial}`,
  );
  return new Promise<WebSocket>((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.on('message', (raw) => {
      const text = String(raw);
      if (text.startsWith('{"type":"error"')) errors.push(`socket: ${text.slice(0, 200)}`);
    });
  });
}

async function join() {
  try {
    const startedAt = now();
    const ws = await socket();
    const socketAt = now();
    const media = await countingListener(base, spaceId, sections);
    const answerMs = now() - socketAt;
    slowestAnswerMs = Math.max(slowestAnswerMs, answerMs);
    const l: Listener = { ws, media, counted: -1, leaving: false, startedAt, socketMs: socketAt - startedAt, answerMs };
    ws.on('close', (code) => {
      if (!l.leaving) errors.push(`socket closed by the server (${code})`);
    });
    listeners.push(l);
    joins += 1;
  } catch (err) {
    errors.push(`join: ${(err as Error).message}`);
  }
}

function leave() {
  const l = listeners.shift();
  if (!l) return;
  l.leaving = true;
  packets += l.media.received;
  l.ws.close();
  l.media.pc.close();
  leaves += 1;
}

for (let i = 0; i < count; i += 10) await Promise.all(Array.from({ length: Math.min(10, count - i) }, join));
joins = 0;
process.send?.({ type: 'ready', errors: errors.length });

const churn = setInterval(() => {
  leave();
  void join();
}, churnMs);

process.on('message', (m: { type: string }) => {
  if (m.type === 'sample') {
    let received = packets;
    for (const l of listeners) received += l.media.received;
    // Listeners that got nothing since the last sample (and were here for all of it) are errors.
    // Each listener counts once (a join that never connected would count at every sample), and the
    // two kinds are told apart: joins that never got a packet, and listeners whose media stopped.
    const quiet = listeners.filter((l) => l.counted >= 0 && l.media.received === l.counted && !l.silent);
    for (const l of quiet) {
      l.silent = true;
      // The client's side of it: whether ICE/DTLS ever finished, and whether the tracks opened.
      const pc = l.media.pc;
      const open = l.media.tracks.filter((t) => t.isOpen()).length;
      const where =
        `pc ${pc.state()}, ice ${pc.iceState()}, ${open}/${l.media.tracks.length} tracks open; ` +
        `socket in ${l.socketMs.toFixed(0)} ms, answer in ${l.answerMs.toFixed(0)} ms`;
      errors.push(
        l.media.received === 0
          ? `a joined listener got no packet in 10-20 s (${where})`
          : `a listener stopped receiving for 10 s (${where})`,
      );
    }
    for (const l of listeners) {
      if (l.counted <= 0 && l.media.received > 0) firstPacketMs.push(l.media.firstPacketAt - l.startedAt);
      l.counted = l.media.received;
    }
    process.send?.({
      type: 'sample',
      listeners: listeners.length,
      joins,
      leaves,
      received,
      retries: clientRetries.count,
      errors: errors.splice(0),
      firstPacketMs,
      slowestAnswerMs,
      loopMaxMs: loop.max / 1e6,
    });
    firstPacketMs = [];
    slowestAnswerMs = 0;
    loop.reset();
  }
  if (m.type === 'stop') {
    clearInterval(churn);
    for (const l of listeners) {
      l.leaving = true;
      l.ws.close();
      l.media.pc.close();
    }
    setTimeout(() => process.exit(0), 500);
  }
});
