// Benchmark: a scheduled Space with N reminders starts; how long the durable news job takes to tell
// all N (one keyed notification each, stored and published), and how long a second run of the same
// job takes (every notification already there: the cost of "exactly once").
//   npm run bench:reminders -- [reminders=1000]
// Embedded (PGlite) unless DATABASE_URL is set. The N people and their reminders are written
// straight into the database (signing up 1,000 people through scrypt would be the benchmark).
import { createEarshot } from '../apps/server/src/app';
import { manualClock } from '../apps/server/src/clock';
import { loadConfig } from '../apps/server/src/config';
import { newId } from '../apps/server/src/ids';
import { enqueue } from '../apps/server/src/jobs/jobs';
import { NEWS_JOB } from '../apps/server/src/schedule/jobs';
import { setReminder } from '../apps/server/src/schedule/store';

const n = Number(process.argv[2] ?? 1000);
const clock = manualClock();
const config = loadConfig({
  ...process.env,
  PORT: '0',
  MEDIA_PORT: '0',
  MEDIA_WORKERS: '0',
  LOG_LEVEL: 'silent',
  CAPTIONS_ENGINE: 'off',
});
const earshot = await createEarshot(config, { dataDir: null, clock });
const { db } = earshot.store;
try {
  await earshot.app.listen({ port: 0, host: '127.0.0.1' });
  const address = earshot.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle: `bhost_${Date.now() % 1e6}`, displayName: 'Bench Host', password: 'correct horse' }),
  });
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const call = (method: string, p: string, body: unknown) =>
    fetch(base + p, {
      method,
      headers: { cookie, 'content-type': 'application/json', origin: base },
      body: JSON.stringify(body),
    });
  const made = await (
    await call('POST', '/api/spaces', {
      title: 'Bench',
      scheduledFor: new Date(clock.now().getTime() + 3600_000).toISOString(),
    })
  ).json();
  const spaceId = made.space.id as string;
  const ids = Array.from({ length: n }, () => newId());
  for (let i = 0; i < n; i += 500)
    await db
      .insertInto('users')
      .values(
        ids.slice(i, i + 500).map((id, j) => ({
          id,
          handle: `r${i + j}_${id.slice(-4)}`,
          handle_lower: `r${i + j}_${id.slice(-4)}`.toLowerCase(),
          display_name: `R ${i + j}`,
          password_hash: 'x',
        })),
      )
      .execute();
  for (const id of ids) await setReminder(db, spaceId, id);

  await call('POST', `/api/spaces/${spaceId}/start`, {});
  let t = performance.now();
  await earshot.jobs.runDue();
  const first = performance.now() - t;
  const told = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('c'))
    .where('kind', '=', 'space_started')
    .executeTakeFirstOrThrow();
  // The same news again (as after a crash before the job was deleted): nobody is told twice.
  await enqueue(db, {
    kind: NEWS_JOB,
    key: `bench-again:${spaceId}`,
    payload: { spaceId, news: 'started', ref: 'started', previousFor: null },
    runAt: clock.now(),
  });
  t = performance.now();
  await earshot.jobs.runDue();
  const again = performance.now() - t;
  const after = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('c'))
    .where('kind', '=', 'space_started')
    .executeTakeFirstOrThrow();
  console.log(
    JSON.stringify({
      engine: earshot.store.engine,
      reminders: n,
      told: Number(told.c),
      firstRunMs: Math.round(first),
      perNotificationMs: +(first / n).toFixed(2),
      repeatRunMs: Math.round(again),
      afterRepeat: Number(after.c),
    }),
  );
} finally {
  await earshot.close();
}
