// One load-client process of the fan-out benchmark: `count` WHEP listeners that count packets.

import { answerBench } from './listener-ipc';
import { clientRetries, countingListener } from './media-clients';

const [base, spaceId, countArg, sectionsArg] = process.argv.slice(2) as [string, string, string, string];
const listeners: Awaited<ReturnType<typeof countingListener>>[] = [];
const count = Number(countArg);
// Joins in small batches: a thousand simultaneous offers would measure the join storm instead.
for (let i = 0; i < count; i += 10) {
  const batch = Array.from({ length: Math.min(10, count - i) }, () =>
    countingListener(base, spaceId, Number(sectionsArg)),
  );
  listeners.push(...(await Promise.all(batch)));
}
answerBench(listeners, clientRetries.count);
