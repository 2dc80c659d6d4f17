import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { manualClock } from '../src/clock';
import { Client, type Running, startEarshot, uniqueHandle } from './helpers';
import { recordingReady } from './recordings';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Retention with a clock the test moves: recordings are deleted (files and rows) 30 days after the
 * Space ends, 90 while a violation stands, 30 again when an appeal overturns it. The sweep is a
 * durable job; `jobs.runDue()` runs what the moved clock makes due.
 */
describe('retention: expired recordings are deleted, files and rows', () => {
  const servers: Running[] = [];
  after(async () => {
    for (const s of servers.reverse()) await s.close();
  });

  /** A server with its own clock, a host, a listener and two moderators; one ended Space with its recording. */
  async function world(dataDir?: string) {
    const clock = manualClock();
    const mods = [uniqueHandle('rma'), uniqueHandle('rmb')];
    const server = await startEarshot({ MODERATORS: mods.join(','), JOBS_POLL_MS: '200' }, { clock, dataDir });
    servers.push(server);
    const signup = async (handle: string) => {
      const c = new Client(server.url);
      const user = await c.signup(handle);
      return { c, user };
    };
    const host = await signup(uniqueHandle('rhost'));
    const listener = await signup(uniqueHandle('rlis'));
    const [modA, modB] = [await signup(mods[0] as string), await signup(mods[1] as string)];
    const id = (await host.c.post('/api/spaces', { title: 'Kept', topics: [] })).body.space.id as string;
    await host.c.post(`/api/spaces/${id}/start`, {});
    await listener.c.post(`/api/spaces/${id}/report`, { reason: 'abusive language' });
    await host.c.post(`/api/spaces/${id}/end`, {});
    const info = await recordingReady(host.c, id);
    const endedAt = Date.parse((await host.c.get(`/api/spaces/${id}`)).body.space.endedAt);
    const folder = path.join(server.config.RECORDINGS_DIR as string, id);
    assert.ok(existsSync(path.join(folder, 'recording.ogg')));
    const reportId = (await modA.c.get('/api/moderation/reports')).body.items.find(
      (r: { space: { id: string } }) => r.space.id === id,
    )?.id as string;
    assert.ok(reportId, 'the report is in the queue');

    /** Moves the clock to `days` after the end and runs the due jobs. */
    const at = async (days: number) => {
      clock.set(new Date(endedAt + days * DAY));
      await server.earshot.jobs.runDue();
    };
    const kept = async () => {
      const res = await host.c.get(`/api/spaces/${id}/recording/info`);
      const rows = await server.earshot.store.db
        .selectFrom('recording_tracks')
        .select('id')
        .where('space_id', '=', id)
        .execute();
      const row = await server.earshot.store.db
        .selectFrom('recordings')
        .select('space_id')
        .where('space_id', '=', id)
        .executeTakeFirst();
      const files = existsSync(folder);
      // All or nothing: a recording is either whole or gone.
      assert.equal(res.status === 200, files, `info ${res.status} but files ${files}`);
      assert.equal(files, row !== undefined);
      if (!files) assert.equal(rows.length, 0);
      return files;
    };
    const decide = (mod: typeof modA, verdict: string) =>
      mod.c.post(`/api/moderation/reports/${reportId}/decision`, { verdict, reason: `${verdict} because` });
    return { server, host, modA, modB, id, info, endedAt, at, kept, decide, reportId };
  }

  it('30 days: kept on day 29, deleted on day 31 (files, rows; info and audio 404)', async () => {
    const w = await world();
    assert.equal(Date.parse(w.info.retainUntil) - w.endedAt, 30 * DAY);
    await w.at(29);
    assert.equal(await w.kept(), true);
    await w.at(30.05);
    assert.equal(await w.kept(), false);
    assert.equal((await w.host.c.get(`/api/spaces/${w.id}/recording?format=opus`)).status, 404);
    // The Space and the report's decision trail remain; only the recording is gone.
    assert.equal((await w.host.c.get(`/api/spaces/${w.id}`)).status, 200);
  });

  it('90 days after an upheld report: kept on day 31 and 89, deleted on day 91', async () => {
    const w = await world();
    assert.equal((await w.decide(w.modA, 'violation')).status, 200);
    const info = (await w.host.c.get(`/api/spaces/${w.id}/recording/info`)).body;
    assert.equal(Date.parse(info.retainUntil) - Date.parse(w.info.retainUntil), 60 * DAY);
    await w.at(31);
    assert.equal(await w.kept(), true);
    await w.at(89);
    assert.equal(await w.kept(), true);
    await w.at(90.05);
    assert.equal(await w.kept(), false);
  });

  it('appeal overturned on day 35: back to 30 days, so the next sweep deletes it', async () => {
    const w = await world();
    assert.equal((await w.decide(w.modA, 'violation')).status, 200);
    await w.at(10);
    assert.equal(
      (await w.host.c.post(`/api/reports/${w.reportId}/appeal`, { statement: 'It was a quote.' })).status,
      201,
    );
    await w.at(35);
    assert.equal(await w.kept(), true);
    assert.equal((await w.decide(w.modB, 'no_violation')).status, 200);
    await w.at(35.1);
    assert.equal(await w.kept(), false);
  });

  it('appeal upheld: kept to day 90, then deleted', async () => {
    const w = await world();
    assert.equal((await w.decide(w.modA, 'violation')).status, 200);
    await w.at(5);
    assert.equal((await w.host.c.post(`/api/reports/${w.reportId}/appeal`, { statement: 'Please' })).status, 201);
    assert.equal((await w.decide(w.modB, 'violation')).status, 200);
    await w.at(60);
    assert.equal(await w.kept(), true);
    await w.at(90.05);
    assert.equal(await w.kept(), false);
  });

  it('the sweep is durable: a server restarted on the same data deletes what expired while it was down', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-retention-'));
    const w = await world(dataDir);
    await w.server.earshot.close();
    const { DATABASE_URL, RECORDINGS_DIR } = w.server.config;
    const again = await startEarshot(
      { RECORDINGS_DIR: RECORDINGS_DIR as string, ...(DATABASE_URL && { DATABASE_URL }) },
      { clock: manualClock(new Date(w.endedAt + 31 * DAY)), dataDir },
    );
    servers.push(again);
    await again.earshot.jobs.runDue();
    assert.equal(existsSync(path.join(RECORDINGS_DIR as string, w.id)), false);
    const row = await again.earshot.store.db
      .selectFrom('recordings')
      .select('space_id')
      .where('space_id', '=', w.id)
      .executeTakeFirst();
    assert.equal(row, undefined);
  });
});
