// Listener churn and a media worker's memory (issue 17, the soak's memory question):
//   npm run bench:churn -- [CYCLES=3000]
// One worker, one speaker at 50 packets/s, 20 listeners at a time (a track per stage slot), each
// joining, listening 1.5 s and leaving (without a WHEP DELETE, as a vanished player). Prints the
// worker's RSS every 200 cycles: flat means churn alone does not leak.
import { readFileSync } from 'node:fs';
import { liveStage, sleep, startServer } from './harness';
import { countingListener, pacedSpeaker } from './media-clients';

const cycles = Number(process.argv[2] ?? 3000);
const server = await startServer({ MEDIA_WORKERS: '1', MEDIA_PEER_TIMEOUT_MS: '120000' });
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) >> 10;
try {
  const { id, cookies, stageSize } = await liveStage(server.base, 1, { title: 'Churn' });
  const mic = await pacedSpeaker(server.base, id, cookies[0] as string);
  const talk = setInterval(() => mic.send(), 20);
  const worker = server.mediaWorkers()[0] as number;
  const t0 = Date.now();
  let done = 0;
  const lane = async () => {
    while (done < cycles) {
      const l = await countingListener(server.base, id, stageSize).catch(() => null);
      await sleep(1500);
      l?.pc.close();
      done += 1;
      if (done % 200 === 0)
        console.log(`${done} cycles in ${Math.round((Date.now() - t0) / 1000)} s: worker RSS ${rssMb(worker)} MB`);
    }
  };
  console.log(`start: worker RSS ${rssMb(worker)} MB`);
  await Promise.all(Array.from({ length: 20 }, lane));
  clearInterval(talk);
} finally {
  await server.stop();
  process.exit(0);
}
