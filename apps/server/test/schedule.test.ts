import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import ICAL from 'ical.js';
import { manualClock } from '../src/clock';
import { Client, type Running, signUp, startEarshot } from './helpers';

const MIN = 60_000;
const T0 = new Date('2030-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(T0.getTime() + ms).toISOString();

/** Notifications of one kind the person has. */
async function notices(c: Client, kind: string) {
  const res = await c.get('/api/notifications?limit=100');
  assert.equal(res.status, 200);
  return (res.body.items as Array<{ kind: string; data: Record<string, unknown> }>).filter((n) => n.kind === kind);
}

/** A server on a manual clock at T0 (jobs run when the test says: `at(ms)` moves the clock and runs what is due). */
async function world(servers: Running[], env: Record<string, string> = {}, dataDir?: string) {
  const clock = manualClock(T0);
  // No absence sweep: this clock runs years ahead of the Spaces' real start times (host-absence.test.ts covers it).
  const server = await startEarshot(
    { JOBS_POLL_MS: '60000', HOST_ABSENT_END_MINUTES: '0', ...env },
    { clock, dataDir },
  );
  servers.push(server);
  const at = async (ms: number) => {
    clock.set(new Date(T0.getTime() + ms));
    await server.earshot.jobs.runDue();
  };
  return { server, clock, at, url: server.url };
}

describe('scheduled Spaces: reminders and notices as durable jobs on a manual clock', () => {
  const servers: Running[] = [];
  after(async () => {
    for (const s of servers.reverse()) await s.close();
  });
  // One server for these tests (each has people of its own); the clock only moves forward, so each
  // test counts its times from where the clock stands when it begins.
  let shared: Promise<Awaited<ReturnType<typeof world>>> | undefined;
  async function scene() {
    shared ??= world(servers);
    const w = await shared;
    const base = w.clock.now().getTime() - T0.getTime() + 1000 * MIN;
    w.clock.set(new Date(T0.getTime() + base));
    return {
      ...w,
      at: (ms: number) => w.at(base + ms),
      iso: (ms: number) => iso(base + ms),
    };
  }

  it('host notices 10 minutes before and at the time; reminders fire once when it starts; a co-host set ahead', async () => {
    const w = await scene();
    const host = await signUp(w.url, 'shost');
    const cohost = await signUp(w.url, 'scoh');
    const fan = await signUp(w.url, 'sfan');
    const other = await signUp(w.url, 'soth');
    const made = await host.c.post('/api/spaces', {
      title: 'Panel next week',
      topics: ['design'],
      speakerPolicy: 'invited',
      captions: true,
      // Given with another zone; kept in UTC.
      scheduledFor: new Date(Date.parse(w.iso(120 * MIN)) + 60 * MIN).toISOString().replace('Z', '+01:00'),
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.space.id as string;
    assert.equal(made.body.space.status, 'scheduled');
    assert.equal(made.body.space.scheduledFor, w.iso(120 * MIN));

    // Co-hosts are set ahead: invited, they accept before the start.
    assert.equal((await host.c.post(`/api/spaces/${id}/add-cohost`, { handle: cohost.user.handle })).status, 200);
    assert.equal((await cohost.c.post(`/api/spaces/${id}/accept-invite`, {})).status, 200);
    // Nothing live happens before the start.
    assert.equal((await other.c.post(`/api/spaces/${id}/request-speak`, {})).status, 409);

    const set = await fan.c.put(`/api/spaces/${id}/reminder`);
    assert.deepEqual(set.body, { reminderCount: 1, youHaveReminder: true });
    assert.deepEqual((await fan.c.put(`/api/spaces/${id}/reminder`)).body, set.body, 'setting twice is one reminder');
    const seen = (await host.c.get(`/api/spaces/${id}`)).body;
    assert.equal(seen.reminderCount, 1);
    assert.equal(seen.youHaveReminder, false);
    assert.deepEqual(
      seen.space.stage.map((m: { role: string }) => m.role),
      ['host', 'cohost'],
    );
    assert.equal(seen.space.captions.enabled, true);

    await w.at(109 * MIN);
    assert.equal((await notices(host.c, 'space_starting_soon')).length, 0, 'not yet');
    await w.at(110 * MIN);
    await w.server.earshot.jobs.runDue();
    for (const c of [host.c, cohost.c]) assert.equal((await notices(c, 'space_starting_soon')).length, 1);
    assert.equal((await notices(fan.c, 'space_starting_soon')).length, 0, 'the audience is not told before');
    await w.at(120 * MIN);
    await w.at(121 * MIN);
    for (const c of [host.c, cohost.c]) assert.equal((await notices(c, 'space_due')).length, 1);

    const upcoming = (await fan.c.get('/api/spaces?state=scheduled')).body.items;
    assert.ok(upcoming.some((s: { id: string }) => s.id === id));
    assert.equal((await host.c.post(`/api/spaces/${id}/start`, {})).status, 200);
    await w.at(122 * MIN);
    await w.at(123 * MIN);
    const started = await notices(fan.c, 'space_started');
    assert.equal(started.length, 1);
    assert.equal(started[0]?.data.spaceId, id);
    assert.equal((await notices(other.c, 'space_started')).length, 0, 'only people with a reminder');
    // Started in time: the missed check was dropped with the rest.
    await w.at(300 * MIN);
    assert.equal((await host.c.get(`/api/spaces/${id}`)).body.space.status, 'live');
    assert.equal((await fan.c.put(`/api/spaces/${id}/reminder`)).status, 409, 'a live Space takes no new reminder');
  });

  it('a reschedule moves the notices and tells reminder holders; a cancel removes them and tells them; the .ics follows', async () => {
    const w = await scene();
    const host = await signUp(w.url, 'rhost');
    const fan = await signUp(w.url, 'rfan');
    const id = (await host.c.post('/api/spaces', { title: 'Weekly hour', scheduledFor: w.iso(60 * MIN) })).body.space
      .id as string;
    await fan.c.put(`/api/spaces/${id}/reminder`);
    const ics1 = new ICAL.Component(ICAL.parse((await fan.c.get(`/api/spaces/${id}/calendar.ics`)).body));
    const event1 = new ICAL.Event(ics1.getFirstSubcomponent('vevent') as ICAL.Component);
    assert.equal(event1.startDate.toJSDate().toISOString(), w.iso(60 * MIN));
    assert.equal(event1.summary, 'Weekly hour');

    const moved = await host.c.patch(`/api/spaces/${id}`, {
      scheduledFor: w.iso(180 * MIN),
      title: 'Weekly hour (moved)',
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await w.at(1 * MIN);
    const news = await notices(fan.c, 'space_rescheduled');
    assert.equal(news.length, 1);
    assert.equal(news[0]?.data.scheduledFor, w.iso(180 * MIN));
    assert.equal(news[0]?.data.previousFor, w.iso(60 * MIN));

    await w.at(60 * MIN);
    assert.equal((await notices(host.c, 'space_starting_soon')).length, 0, 'the old time passes quietly');
    assert.equal((await notices(host.c, 'space_due')).length, 0);
    await w.at(170 * MIN);
    assert.equal((await notices(host.c, 'space_starting_soon')).length, 1, 'the new time is kept');

    const ics2 = new ICAL.Component(ICAL.parse((await fan.c.get(`/api/spaces/${id}/calendar.ics`)).body));
    const event2 = new ICAL.Event(ics2.getFirstSubcomponent('vevent') as ICAL.Component);
    assert.equal(event2.uid, event1.uid, 'the same calendar entry');
    assert.ok(event2.sequence > event1.sequence, 'a higher SEQUENCE replaces the old one');
    assert.equal(event2.startDate.toJSDate().toISOString(), w.iso(180 * MIN));
    assert.match(
      String(ics2.getFirstSubcomponent('vevent')?.getFirstPropertyValue('url')),
      new RegExp(`/spaces/${id}$`),
    );

    assert.equal((await fan.c.post(`/api/spaces/${id}/cancel`, {})).status, 403, 'only the host cancels');
    assert.equal((await host.c.post(`/api/spaces/${id}/cancel`, {})).status, 200);
    await w.at(171 * MIN);
    assert.equal((await notices(fan.c, 'space_cancelled')).length, 1);
    await w.at(180 * MIN);
    await w.at(500 * MIN);
    assert.equal((await notices(host.c, 'space_due')).length, 0, 'a cancelled Space has no notices left');
    const left = await w.server.earshot.store.db
      .selectFrom('jobs')
      .select('key')
      .where('key', 'like', `schedule:${id}:%`)
      .execute();
    assert.deepEqual(left, []);
    const ics3 = new ICAL.Component(ICAL.parse((await fan.c.get(`/api/spaces/${id}/calendar.ics`)).body));
    assert.equal(ics3.getFirstSubcomponent('vevent')?.getFirstPropertyValue('status'), 'CANCELLED');
    assert.equal((await host.c.post(`/api/spaces/${id}/start`, {})).status, 409);
  });

  it('missed: not started within the grace period after its time', async () => {
    const w = await scene();
    const host = await signUp(w.url, 'mhost');
    const id = (await host.c.post('/api/spaces', { title: 'Forgotten', scheduledFor: w.iso(30 * MIN) })).body.space
      .id as string;
    await w.at(89 * MIN);
    assert.equal((await host.c.get(`/api/spaces/${id}`)).body.space.status, 'scheduled', 'still in the grace period');
    await w.at(90 * MIN);
    assert.equal((await host.c.get(`/api/spaces/${id}`)).body.space.status, 'missed');
    const start = await host.c.post(`/api/spaces/${id}/start`, {});
    assert.equal(start.status, 409);
    assert.match(start.body.error.message, /missed/);
    assert.equal((await host.c.get(`/api/spaces?state=scheduled&host=${host.user.handle}`)).body.items.length, 0);
  });

  it('bad input gets a clear error and changes nothing', async () => {
    const w = await scene();
    const host = await signUp(w.url, 'bhost');
    const fan = await signUp(w.url, 'bfan');
    const refuse = async (body: object, status: number, pattern: RegExp) => {
      const res = await host.c.post('/api/spaces', { title: 'X', ...body });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.body.error.message, pattern);
    };
    await refuse({ scheduledFor: w.iso(-MIN) }, 400, /past/);
    await refuse({ scheduledFor: w.iso(31 * 24 * 60 * MIN) }, 400, /at most 30 days/);
    await refuse({ scheduledFor: 'next tuesday' }, 400, /ISO 8601/);
    await refuse({ scheduledFor: '2030-03-01T12:00:00' }, 400, /ISO 8601/); // no zone: ambiguous
    const a = (await host.c.post('/api/spaces', { title: 'A', scheduledFor: w.iso(60 * MIN) })).body.space.id;
    for (let i = 1; i < 10; i++) await host.c.post('/api/spaces', { title: `B${i}`, scheduledFor: w.iso(90 * MIN) });
    await refuse({ scheduledFor: w.iso(120 * MIN) }, 409, /at most 10/);
    const mine = `/api/spaces?state=scheduled&host=${host.user.handle}`;
    assert.equal((await host.c.get(mine)).body.items.length, 10, 'nothing made');

    const before = (await host.c.get(`/api/spaces/${a}`)).body;
    for (const [body, status] of [
      [{ scheduledFor: w.iso(-5 * MIN) }, 400],
      [{ scheduledFor: w.iso(40 * 24 * 60 * MIN) }, 400],
      [{ scheduledFor: 'soon' }, 400],
      [{}, 400],
      [{ title: '' }, 400],
      [{ colour: 'red' }, 400],
    ] as const) {
      const res = await host.c.patch(`/api/spaces/${a}`, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.ok(res.body.error.code && res.body.error.message);
    }
    assert.equal((await fan.c.patch(`/api/spaces/${a}`, { title: 'Mine now' })).status, 403);
    assert.deepEqual((await host.c.get(`/api/spaces/${a}`)).body, before, 'unchanged');

    // A live Space is ended, not cancelled; an ended one takes no reminder; a created one no time.
    assert.equal((await host.c.post(`/api/spaces/${a}/start`, {})).status, 200);
    const cancel = await host.c.post(`/api/spaces/${a}/cancel`, {});
    assert.equal(cancel.status, 409);
    assert.match(cancel.body.error.message, /end it instead/);
    assert.equal((await host.c.patch(`/api/spaces/${a}`, { title: 'Later' })).status, 409);
    assert.equal((await host.c.post(`/api/spaces/${a}/end`, {})).status, 200);
    const remind = await fan.c.put(`/api/spaces/${a}/reminder`);
    assert.equal(remind.status, 409);
    assert.match(remind.body.error.message, /ended/);
    assert.equal((await new Client(w.url).put(`/api/spaces/${a}/reminder`)).status, 401);
    assert.equal((await host.c.get(`/api/spaces/${a}`)).body.reminderCount, 0);
    const now = (await host.c.post('/api/spaces', { title: 'Now' })).body.space.id;
    assert.equal((await host.c.patch(`/api/spaces/${now}`, { scheduledFor: w.iso(60 * MIN) })).status, 409);
    assert.equal((await host.c.get(`/api/spaces/${now}/calendar.ics`)).status, 409);
    assert.equal((await host.c.get('/api/spaces/nope/calendar.ics')).status, 404);
    assert.equal((await fan.c.put('/api/spaces/nope/reminder')).status, 404);
  });

  it('discovery: upcoming Spaces searched by title and topic, people you follow first, a profile’s own, none of hosts who blocked you', async () => {
    const w = await scene();
    const [ann, bob, viewer] = [await signUp(w.url, 'dann'), await signUp(w.url, 'dbob'), await signUp(w.url, 'dview')];
    const soon = (await ann.c.post('/api/spaces', { title: 'Jazz soon', scheduledFor: w.iso(30 * MIN) })).body.space.id;
    const later = (
      await bob.c.post('/api/spaces', { title: 'Later talk', topics: ['jazz'], scheduledFor: w.iso(300 * MIN) })
    ).body.space.id;
    // Other tests' Spaces may be upcoming too: only these two count.
    const ids = async (q = '') =>
      (await viewer.c.get(`/api/spaces?state=scheduled${q}`)).body.items
        .map((s: { id: string }) => s.id)
        .filter((id: string) => id === soon || id === later);
    assert.deepEqual(await ids(), [soon, later], 'soonest first');
    await viewer.c.put(`/api/users/${bob.user.handle}/follow`);
    assert.deepEqual(await ids(), [later, soon], 'people you follow first');
    const list = (await viewer.c.get('/api/spaces?state=scheduled')).body.items;
    assert.equal(list[0].id, later, 'before everyone else’s too');
    assert.equal(list[0].youFollowHost, true);
    assert.equal(list[0].scheduledFor, w.iso(300 * MIN));
    assert.deepEqual(await ids('&q=JAZZ'), [later, soon], 'title or topic');
    assert.deepEqual(await ids('&q=talk'), [later]);
    assert.deepEqual(await ids(`&host=${ann.user.handle}`), [soon]);
    await ann.c.put(`/api/users/${viewer.user.handle}/block`);
    assert.deepEqual(await ids(), [later]);
    assert.equal((await viewer.c.put(`/api/spaces/${soon}/reminder`)).status, 403);
  });
});

describe('scheduled notices survive a restart and two nodes: each sent exactly once', () => {
  const servers: Running[] = [];
  after(async () => {
    for (const s of servers.reverse()) await s.close();
  });

  it('a server restarted between scheduling and the time delivers each notice once', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-schedule-'));
    const w = await world(servers, {}, dataDir);
    const host = await signUp(w.url, 'khost');
    const fan = await signUp(w.url, 'kfan');
    const id = (await host.c.post('/api/spaces', { title: 'Survives', scheduledFor: iso(60 * MIN) })).body.space
      .id as string;
    await fan.c.put(`/api/spaces/${id}/reminder`);
    await w.server.earshot.close();

    const { DATABASE_URL } = w.server.config;
    const clock = manualClock(new Date(T0.getTime() + 55 * MIN));
    const again = await startEarshot(
      { JOBS_POLL_MS: '60000', HOST_ABSENT_END_MINUTES: '0', ...(DATABASE_URL && { DATABASE_URL }) },
      { clock, dataDir },
    );
    servers.push(again);
    // The same people, signed in as before (sessions live in the database).
    const hostAgain = Object.assign(new Client(again.url), { cookie: host.c.cookie });
    const fanAgain = Object.assign(new Client(again.url), { cookie: fan.c.cookie });
    await again.earshot.jobs.runDue();
    await again.earshot.jobs.runDue();
    assert.equal((await notices(hostAgain, 'space_starting_soon')).length, 1);
    clock.set(new Date(T0.getTime() + 60 * MIN));
    await again.earshot.jobs.runDue();
    assert.equal((await notices(hostAgain, 'space_due')).length, 1);
    assert.equal((await hostAgain.post(`/api/spaces/${id}/start`, {})).status, 200);
    await again.earshot.jobs.runDue();
    await again.earshot.jobs.runDue();
    assert.equal((await notices(fanAgain, 'space_started')).length, 1);
    assert.equal((await notices(hostAgain, 'space_starting_soon')).length, 1, 'still once');
  });

  it('at most SCHEDULE_MAX_PER_HOST upcoming, even when a host schedules many at once', {
    skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL (concurrent transactions; the CI runs it)',
  }, async () => {
    const w = await world(servers);
    const host = await signUp(w.url, 'chost');
    const made = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        host.c.post('/api/spaces', { title: `Rush ${i}`, scheduledFor: iso((60 + i) * MIN) }),
      ),
    );
    assert.equal(made.filter((r) => r.status === 201).length, 10);
    assert.ok(made.filter((r) => r.status !== 201).every((r) => r.status === 409));
    const mine = await host.c.get(`/api/spaces?state=scheduled&host=${host.user.handle}&limit=100`);
    assert.equal(mine.body.items.length, 10);
  });

  it('two nodes on PostgreSQL running the same jobs at the same time tell each person once', {
    skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL (the CI runs it)',
  }, async () => {
    const a = await world(servers);
    const clockB = manualClock(T0);
    const b = await startEarshot(
      {
        JOBS_POLL_MS: '60000',
        HOST_ABSENT_END_MINUTES: '0',
        DATABASE_URL: a.server.config.DATABASE_URL ?? '',
        REDIS_PREFIX: a.server.config.REDIS_PREFIX,
      },
      { clock: clockB },
    );
    const both = async (ms: number) => {
      const at = new Date(T0.getTime() + ms);
      a.clock.set(at);
      clockB.set(at);
      await Promise.all([a.server.earshot.jobs.runDue(), b.earshot.jobs.runDue(), a.server.earshot.jobs.runDue()]);
    };
    try {
      const host = await signUp(a.url, 'nhost');
      const fans = await Promise.all([1, 2, 3, 4, 5].map((i) => signUp(b.url, `nfan${i}`)));
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(
          (await host.c.post('/api/spaces', { title: `Two nodes ${i}`, scheduledFor: iso(60 * MIN) })).body.space.id,
        );
      for (const id of ids) for (const f of fans) await f.c.put(`/api/spaces/${id}/reminder`);
      await both(50 * MIN);
      await both(60 * MIN);
      for (const id of ids) await host.c.post(`/api/spaces/${id}/start`, {});
      await both(61 * MIN);
      await both(62 * MIN);
      assert.equal((await notices(host.c, 'space_starting_soon')).length, 3);
      assert.equal((await notices(host.c, 'space_due')).length, 3);
      for (const f of fans) {
        const started = await notices(f.c, 'space_started');
        assert.deepEqual(started.map((n) => n.data.spaceId).sort(), [...ids].sort());
      }
    } finally {
      await b.earshot.close();
    }
  });
});
