// One load-client process: opens `count` anonymous listener sockets to a Space and records, for
// each reaction, when it arrived at each socket (wall clock shared with the orchestrator).
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
const now = () => performance.timeOrigin + performance.now();
const arrivals: Record<string, number[]> = {};
let open = 0;
const sockets: WebSocket[] = [];

for (let i = 0; i < count; i++) {
  const ws = new WebSocket(`${url}?client=bench-${process.pid}-${i}`);
  ws.on('open', () => {
    open += 1;
    if (open === count) process.send?.({ type: 'ready' });
  });
  ws.on('message', (raw) => {
    const text = String(raw);
    if (!text.startsWith('{"type":"reaction"')) return;
    const t = now();
    const handle = JSON.parse(text).user.handle as string;
    arrivals[handle] ??= [];
    arrivals[handle].push(t);
  });
  ws.on('error', (err) => process.send?.({ type: 'error', message: String(err) }));
  sockets.push(ws);
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'report') {
    process.send?.({ type: 'report', arrivals });
    for (const ws of sockets) ws.close();
    setTimeout(() => process.exit(0), 200);
  }
});
