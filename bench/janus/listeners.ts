// One load-client process of the Janus benchmark: `count` Janus listeners that count packets.
// Speaks the same messages as bench/fanout-listeners.ts (ready, reset, count, stop).
import { janusListener } from './client';

const [base, mountpoint, countArg] = process.argv.slice(2) as [string, string, string];
const listeners: Awaited<ReturnType<typeof janusListener>>[] = [];
const count = Number(countArg);
// Joins in small batches, as the Earshot listeners do.
for (let i = 0; i < count; i += 10) {
  const batch = Array.from({ length: Math.min(10, count - i) }, () => janusListener(base, Number(mountpoint)));
  listeners.push(...(await Promise.all(batch)));
}
process.send?.({ type: 'ready', retries: 0 });
process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') for (const l of listeners) l.received = 0;
  if (m.type === 'count')
    process.send?.({
      type: 'count',
      received: listeners.reduce((a, l) => a + l.received, 0),
      silent: listeners.filter((l) => l.received === 0).length,
    });
  if (m.type === 'stop') {
    for (const l of listeners) l.pc.close();
    setTimeout(() => process.exit(0), 500);
  }
});
