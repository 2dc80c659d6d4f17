// One load-client process of the Janus benchmark: `count` Janus listeners that count packets.
// Speaks the same messages as bench/fanout-listeners.ts (ready, reset, count, stop).

import { answerBench } from '../listener-ipc';
import { janusListener } from './client';

const [base, mountpoint, countArg] = process.argv.slice(2) as [string, string, string];
const listeners: Awaited<ReturnType<typeof janusListener>>[] = [];
const count = Number(countArg);
// Joins in small batches, as the Earshot listeners do.
for (let i = 0; i < count; i += 10) {
  const batch = Array.from({ length: Math.min(10, count - i) }, () => janusListener(base, Number(mountpoint)));
  listeners.push(...(await Promise.all(batch)));
}
answerBench(listeners, 0, 500);
