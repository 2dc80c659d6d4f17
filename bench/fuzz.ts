// Fuzzing at volume (issue 17): `npm run fuzz -- [COUNT=100000] [SEED]` sends COUNT generated
// live-socket messages and HTTP bodies (half invalid, see apps/server/test/fuzz.ts) to a real
// server in this process (the embedded defaults; DATABASE_URL / REDIS_URL / MEDIA_WORKERS as set)
// and reports crashes, 5xx answers, internal errors, errors logged and state changed by invalid input.
import { Writable } from 'node:stream';
import { fuzz } from '../apps/server/test/fuzz';
import { startEarshot } from '../apps/server/test/helpers';

const count = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now());
const logged: string[] = [];
const broken: string[] = [];
const logStream = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      const entry = JSON.parse(line);
      if (entry.level >= 50) logged.push(line);
      if (entry.msg === 'a client broke its socket') broken.push(`${entry.err?.code}: ${entry.err?.message}`);
    }
    done();
  },
});
const server = await startEarshot({ LOG_LEVEL: 'info' }, { logStream });
const load = async () =>
  (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`fuzzing ${count} inputs, seed ${seed}, load ${await load()}`);
try {
  const t0 = Date.now();
  const report = await fuzz(server, count, seed, 2000, (sent, r) => {
    if (sent % 10_000 < 2000)
      console.log(
        `  ${sent} sent in ${Math.round((Date.now() - t0) / 1000)} s: ${r.failures.length} failures, ${r.stateChanges.length} state changes`,
      );
  });
  const ok = report.failures.length === 0 && report.stateChanges.length === 0 && logged.length === 0;
  console.log(
    `${report.socketValid + report.socketInvalid} socket messages (${report.socketInvalid} invalid), ` +
      `${report.httpValid + report.httpInvalid} HTTP bodies (${report.httpInvalid} invalid) in ${report.seconds} s: ` +
      `${report.failures.length} failures (5xx, internal errors, lost replies), ${logged.length} errors logged, ` +
      `${report.stateChanges.length} state changes from invalid input; load ${await load()}`,
  );
  for (const line of [...report.failures, ...report.stateChanges, ...logged].slice(0, 20))
    console.log(`  ${line.slice(0, 400)}`);
  console.log(`  ${report.drops.length} socket drops: ${report.drops.slice(0, 5).join('; ')}`);
  console.log(`  ${broken.length} client protocol errors: ${[...new Set(broken)].slice(0, 5).join('; ')}`);
  if (report.volatile.length > 0) console.log(`  not compared (change on their own): ${report.volatile.join('; ')}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  await server.close();
}
