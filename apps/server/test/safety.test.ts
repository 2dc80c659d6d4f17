import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { manualClock } from '../src/clock';
import { retainUntil } from '../src/recording/rules';
import { Client, type Running, signUp, startEarshot, uniqueHandle, watch } from './helpers';

const DAY = 86_400_000;
const root = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

/** `npm run admin -- ...args` against a database, as an operator would. */
const admin = (env: Record<string, string>, ...args: string[]) =>
  run('npm', ['run', '--silent', 'admin', '--', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', ...env },
  }).catch((err: { code: number; stdout: string; stderr: string }) => err);

describe('Trust and safety over HTTP', () => {
  const clock = manualClock();
  const modA = uniqueHandle('moda');
  const modB = uniqueHandle('modb');
  let server: Running;
  /** Two moderators by config; each test signs them in afresh. */
  const mods = { a: { id: '', handle: modA, displayName: '' }, b: { id: '', handle: modB, displayName: '' } };
  before(async () => {
    // Moderators by config, in another case than their handles.
    server = await startEarshot({ MODERATORS: `${modA.toUpperCase()}, ${modB}` }, { clock });
    for (const [m, name] of [
      ['a', 'Moderator A'],
      ['b', 'Moderator B'],
    ] as const) {
      const { id, handle, displayName } = await new Client(server.url).signup(mods[m].handle, name);
      mods[m] = { id, handle, displayName };
    }
  });
  after(() => server.close());

  const person = (prefix: string, handle?: string) => signUp(server.url, prefix, handle);
  const db = () => server.earshot.store.db;
  const moderator = async (m: 'a' | 'b') => {
    const c = new Client(server.url);
    assert.equal((await c.post('/api/auth/login', { handle: mods[m].handle, password: 'correct horse' })).status, 200);
    return { c, user: mods[m] };
  };
  const liveSpace = async (host: Client, title = 'Night show') => {
    const res = await host.post('/api/spaces', { title, topics: [] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.space.id as string;
    assert.equal((await host.post(`/api/spaces/${id}/start`, {})).status, 200);
    return id;
  };
  const onStage = async (host: Client, spaceId: string, guest: { c: Client; user: { id: string } }, cohost = false) => {
    const invited = await host.post(`/api/spaces/${spaceId}/${cohost ? 'add-cohost' : 'invite'}`, {
      userId: guest.user.id,
    });
    assert.equal(invited.status, 200, JSON.stringify(invited.body));
    assert.equal((await guest.c.post(`/api/spaces/${spaceId}/accept-invite`, {})).status, 200);
  };
  /** Ends the Space and waits for its recording's mixdown (kept the usual 30 days); returns the end. */
  const endWithRecording = async (host: Client, spaceId: string) => {
    assert.equal((await host.post(`/api/spaces/${spaceId}/end`, {})).status, 200);
    const { ended_at } = await db()
      .selectFrom('spaces')
      .select('ended_at')
      .where('id', '=', spaceId)
      .executeTakeFirstOrThrow();
    assert.ok(ended_at);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rec = await db()
        .selectFrom('recordings')
        .select(['status', 'retain_until'])
        .where('space_id', '=', spaceId)
        .executeTakeFirstOrThrow();
      if (rec.status === 'ready') {
        assert.equal(rec.retain_until?.toISOString(), retainUntil(ended_at, false).toISOString());
        return ended_at;
      }
      assert.notEqual(rec.status, 'failed');
      assert.ok(Date.now() < deadline, `the recording is still ${rec.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const recordingKeptUntil = async (spaceId: string) =>
    (
      await db()
        .selectFrom('recordings')
        .select('retain_until')
        .where('space_id', '=', spaceId)
        .executeTakeFirstOrThrow()
    ).retain_until?.toISOString();
  const reportIn = async (reporter: Client, spaceId: string, body: { userId?: string; reason: string }) => {
    assert.equal((await reporter.post(`/api/spaces/${spaceId}/report`, body)).status, 200);
    const row = await db()
      .selectFrom('reports')
      .select('id')
      .where('space_id', '=', spaceId)
      .where('reason', '=', body.reason)
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const notifications = async (c: Client) => (await c.get('/api/notifications')).body.items as any[];
  const decide = (c: Client, reportId: string, body: object) =>
    c.post(`/api/moderation/reports/${reportId}/decision`, body);
  const reportAs = async (c: Client, reportId: string) =>
    (await c.get(`/api/moderation/reports/${reportId}`)).body.report;

  it('the whole flow: report → queue → violation with suspension → appeal → another moderator overturns', async () => {
    const host = await person('host');
    const listener = await person('lis');
    const modOne = await moderator('a');
    const modTwo = await moderator('b');
    const anon = new Client(server.url);
    assert.deepEqual(
      { moderator: (await modOne.c.get('/api/me')).body.user.moderator, suspended: false },
      { moderator: true, suspended: false },
    );
    assert.equal((await host.c.get('/api/me')).body.user.moderator, false);

    const spaceId = await liveSpace(host.c, 'Late talk');
    // Five minutes in, a listener reports the Space (no one named: its host is accountable).
    await db()
      .updateTable('spaces')
      .set({ started_at: new Date(Date.now() - 5 * 60_000) })
      .where('id', '=', spaceId)
      .execute();
    const reportId = await reportIn(listener.c, spaceId, { reason: 'slurs around minute five' });

    const queue = await modOne.c.get('/api/moderation/reports?status=open&limit=100');
    assert.equal(queue.status, 200);
    const queued = queue.body.items.find((r: any) => r.id === reportId);
    assert.ok(queued, 'the report is in the open queue');
    assert.equal(queued.status, 'open');
    assert.ok(queued.offsetMs >= 5 * 60_000 && queued.offsetMs < 5 * 60_000 + 10_000, String(queued.offsetMs));
    assert.equal(queued.reporter.id, listener.user.id);
    assert.equal(queued.reportedUser, null);
    assert.equal(queued.accountable.id, host.user.id);
    assert.deepEqual(queued.space, { id: spaceId, title: 'Late talk', host: queued.accountable });
    assert.deepEqual(queued.recording, { status: 'recording', retainUntil: null });
    assert.deepEqual(queued.decisions, []);
    assert.equal(queued.appealUntil, null);

    const endedAt = await endWithRecording(host.c, spaceId);
    const in30 = retainUntil(endedAt, false).toISOString();
    const in90 = retainUntil(endedAt, true).toISOString();

    // Bad input changes nothing.
    for (const body of [
      { verdict: 'violation' },
      { verdict: 'violation', reason: '   ' },
      { verdict: 'violation', reason: 'x', extra: 1 },
      { verdict: 'maybe', reason: 'x' },
      { verdict: 'no_violation', reason: 'fine', suspend: true },
    ]) {
      const res = await decide(modOne.c, reportId, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_request');
    }
    const untouched = await reportAs(modOne.c, reportId);
    assert.equal(untouched.status, 'open');
    assert.deepEqual(untouched.decisions, []);
    assert.equal(untouched.recording.retainUntil, in30);
    assert.equal((await host.c.get('/api/me')).body.user.suspended, false);

    // The review: a violation, and the account is suspended.
    const decided = await decide(modOne.c, reportId, {
      verdict: 'violation',
      reason: 'slurs at 5:02',
      suspend: true,
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const violation = decided.body.report;
    assert.equal(violation.status, 'violation');
    assert.equal(violation.decisions.length, 1);
    assert.deepEqual(
      { ...violation.decisions[0], id: undefined, createdAt: undefined },
      {
        id: undefined,
        createdAt: undefined,
        stage: 'review',
        verdict: 'violation',
        reason: 'slurs at 5:02',
        suspended: true,
        moderator: modOne.user,
      },
    );
    assert.deepEqual(violation.recording, { status: 'ready', retainUntil: in90 });
    assert.equal(await recordingKeptUntil(spaceId), in90);
    assert.equal(violation.appealUntil, in90);
    // Decided once: a second review is refused.
    assert.equal((await decide(modTwo.c, reportId, { verdict: 'no_violation', reason: 'again' })).status, 409);

    const note = (await notifications(host.c)).find((n) => n.kind === 'report_decided');
    assert.deepEqual(note?.data, {
      reportId,
      spaceId,
      title: 'Late talk',
      verdict: 'violation',
      reason: 'slurs at 5:02',
      suspended: true,
      appealUntil: in90,
    });

    // Suspended: reads work, changes are refused, an appeal is not.
    const me = (await host.c.get('/api/me')).body.user;
    assert.deepEqual({ moderator: me.moderator, suspended: me.suspended }, { moderator: false, suspended: true });
    for (const [method, url, body] of [
      ['POST', '/api/posts', { text: 'I am back' }],
      ['POST', '/api/spaces', { title: 'Again', topics: [] }],
      ['PATCH', '/api/me', { bio: 'new' }],
      ['POST', '/api/tokens', {}],
    ] as const) {
      const res = await host.c.request(method, url, body);
      assert.equal(res.status, 403, url);
      assert.equal(res.body.error.code, 'suspended', url);
    }
    assert.equal((await host.c.get(`/api/spaces/${spaceId}`)).status, 200);
    assert.equal((await host.c.post('/api/notifications/read')).status, 204);

    const own = (await host.c.get('/api/me/reports')).body.items;
    assert.equal(own.length, 1);
    assert.equal(own[0].id, reportId);
    assert.equal(own[0].reporter, null, 'the accountable person does not learn who reported');
    assert.equal(own[0].appealUntil, in90);
    assert.deepEqual((await listener.c.get('/api/me/reports')).body.items, []);

    // Only the accountable person appeals, once.
    const statement = { statement: 'It was a quote from a film we were discussing.' };
    assert.equal((await listener.c.post(`/api/reports/${reportId}/appeal`, statement)).status, 403);
    assert.equal((await modTwo.c.post(`/api/reports/${reportId}/appeal`, statement)).status, 403);
    assert.equal((await anon.post(`/api/reports/${reportId}/appeal`, statement)).status, 401);
    assert.equal((await host.c.post(`/api/reports/${reportId}/appeal`, { statement: ' ' })).status, 400);
    assert.equal((await host.c.post('/api/reports/nope/appeal', statement)).status, 404);
    const appealed = await host.c.post(`/api/reports/${reportId}/appeal`, statement);
    assert.equal(appealed.status, 201, JSON.stringify(appealed.body));
    assert.equal(appealed.body.report.status, 'appealed');
    assert.equal(appealed.body.report.reporter, null);
    assert.equal(appealed.body.report.appeal.statement, statement.statement);
    assert.equal(appealed.body.report.appeal.by.id, host.user.id);
    assert.equal(appealed.body.report.appealUntil, null);
    assert.equal((await host.c.post(`/api/reports/${reportId}/appeal`, statement)).status, 409);

    const appealQueue = (await modTwo.c.get('/api/moderation/reports?status=appealed&limit=100')).body.items;
    assert.ok(appealQueue.some((r: any) => r.id === reportId));

    // The moderator who decided the review does not decide its appeal.
    const same = await decide(modOne.c, reportId, { verdict: 'no_violation', reason: 'on reflection' });
    assert.equal(same.status, 403);
    assert.equal(same.body.error.code, 'forbidden');
    assert.equal((await decide(host.c, reportId, { verdict: 'no_violation', reason: 'mine' })).status, 403);

    const overturned = await decide(modTwo.c, reportId, {
      verdict: 'no_violation',
      reason: 'a quotation in context',
    });
    assert.equal(overturned.status, 200, JSON.stringify(overturned.body));
    const final = overturned.body.report;
    assert.equal(final.status, 'overturned');
    assert.deepEqual(
      final.decisions.map((d: any) => [d.stage, d.verdict, d.moderator.id, d.reason]),
      [
        ['review', 'violation', modOne.user.id, 'slurs at 5:02'],
        ['appeal', 'no_violation', modTwo.user.id, 'a quotation in context'],
      ],
    );
    assert.equal(await recordingKeptUntil(spaceId), in30);
    assert.equal((await host.c.get('/api/me')).body.user.suspended, false);
    assert.equal((await host.c.post('/api/posts', { text: 'Thanks for listening' })).status, 201);
    const appealNote = (await notifications(host.c)).find((n) => n.kind === 'appeal_decided');
    assert.deepEqual(appealNote?.data, {
      reportId,
      spaceId,
      title: 'Late talk',
      verdict: 'no_violation',
      status: 'overturned',
      reason: 'a quotation in context',
    });
    assert.equal((await decide(modTwo.c, reportId, { verdict: 'violation', reason: 'third' })).status, 409);

    const decidedQueue = (await modOne.c.get('/api/moderation/reports?status=decided&limit=100')).body.items;
    assert.ok(decidedQueue.some((r: any) => r.id === reportId));
    const openQueue = (await modOne.c.get('/api/moderation/reports?status=open&limit=100')).body.items;
    assert.ok(!openQueue.some((r: any) => r.id === reportId));
  });

  it('an upheld appeal keeps 90 days; overturning one violation keeps the recording while another stands', async () => {
    const host = await person('uhost');
    const speaker = await person('uspk');
    const listener = await person('ulis');
    const modOne = await person('moda', `${modA}x`.slice(0, 15));
    await db().updateTable('users').set({ moderator: true }).where('id', '=', modOne.user.id).execute();
    const modTwo = (await moderator('b')).c;
    const spaceId = await liveSpace(host.c);
    await onStage(host.c, spaceId, speaker);
    const aboutSpeaker = await reportIn(listener.c, spaceId, { userId: speaker.user.id, reason: 'threats' });
    const aboutSpace = await reportIn(listener.c, spaceId, { reason: 'the whole show' });
    const endedAt = await endWithRecording(host.c, spaceId);
    const in90 = retainUntil(endedAt, true).toISOString();

    const v1 = await decide(modOne.c, aboutSpeaker, { verdict: 'violation', reason: 'threat at 0:40', suspend: true });
    assert.equal(v1.status, 200);
    assert.equal(v1.body.report.accountable.id, speaker.user.id);
    assert.equal((await decide(modOne.c, aboutSpace, { verdict: 'violation', reason: 'host joined in' })).status, 200);
    // Both the reported speaker and the host hear of the decision about the speaker.
    for (const c of [speaker.c, host.c])
      assert.ok((await notifications(c)).some((n) => n.kind === 'report_decided' && n.data.reportId === aboutSpeaker));
    assert.equal((await speaker.c.get('/api/me')).body.user.suspended, true);
    assert.equal((await host.c.get('/api/me')).body.user.suspended, false);
    // The host is not accountable for what a speaker said.
    assert.equal((await host.c.post(`/api/reports/${aboutSpeaker}/appeal`, { statement: 'not me' })).status, 403);

    assert.equal((await speaker.c.post(`/api/reports/${aboutSpeaker}/appeal`, { statement: 'a joke' })).status, 201);
    const overturned = await decide(modTwo, aboutSpeaker, { verdict: 'no_violation', reason: 'sarcasm' });
    assert.equal(overturned.body.report.status, 'overturned');
    assert.equal((await speaker.c.get('/api/me')).body.user.suspended, false);
    assert.equal(await recordingKeptUntil(spaceId), in90, 'the report about the Space still stands');

    assert.equal((await host.c.post(`/api/reports/${aboutSpace}/appeal`, { statement: 'no' })).status, 201);
    const upheld = await decide(modTwo, aboutSpace, { verdict: 'violation', reason: 'it stands' });
    assert.equal(upheld.status, 200);
    assert.equal(upheld.body.report.status, 'upheld');
    assert.equal(upheld.body.report.appealUntil, null);
    assert.equal(await recordingKeptUntil(spaceId), in90);
    const note = (await notifications(host.c)).find((n) => n.kind === 'appeal_decided');
    assert.equal(note?.data.status, 'upheld');
    // Final: no second appeal, no third decision.
    assert.equal((await host.c.post(`/api/reports/${aboutSpace}/appeal`, { statement: 'again' })).status, 409);
    assert.equal((await decide(modOne.c, aboutSpace, { verdict: 'no_violation', reason: 'x' })).status, 409);
  });

  it('a no-violation review closes the report without changing retention or telling the accountable person', async () => {
    const host = await person('nhost');
    const listener = await person('nlis');
    const mod = (await moderator('b')).c;
    const spaceId = await liveSpace(host.c);
    const reportId = await reportIn(listener.c, spaceId, { reason: 'too loud' });
    const endedAt = await endWithRecording(host.c, spaceId);
    const res = await decide(mod, reportId, { verdict: 'no_violation', reason: 'loud is allowed' });
    assert.equal(res.body.report.status, 'no_violation');
    assert.equal(res.body.report.appealUntil, null);
    assert.equal(await recordingKeptUntil(spaceId), retainUntil(endedAt, false).toISOString());
    assert.deepEqual(
      (await notifications(host.c)).filter((n) => n.kind === 'report_decided' || n.kind === 'appeal_decided'),
      [],
    );
    assert.deepEqual((await host.c.get('/api/me/reports')).body.items, []);
    assert.equal((await host.c.post(`/api/reports/${reportId}/appeal`, { statement: 'x' })).status, 409);
  });

  it('a decision on a live Space (its recording has no date yet) gives 90 days from the decision to appeal', async () => {
    const host = await person('lhost');
    const listener = await person('llis');
    const mod = (await moderator('b')).c;
    const spaceId = await liveSpace(host.c);
    const reportId = await reportIn(listener.c, spaceId, { reason: 'live abuse' });
    const res = await decide(mod, reportId, { verdict: 'violation', reason: 'abuse' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.report.recording, { status: 'recording', retainUntil: null });
    assert.equal(res.body.report.appealUntil, new Date(clock.now().getTime() + 90 * DAY).toISOString());
  });

  it('the authorization matrix through the real routes, every role', async () => {
    const host = await person('mhost');
    const cohost = await person('mco');
    const speaker = await person('mspk');
    const reported = await person('mrep');
    const listener = await person('mlis');
    const reviewer = (await moderator('a')).c;
    const mod = (await moderator('b')).c;
    const suspended = await person('msus');
    await db().updateTable('users').set({ suspended_at: new Date() }).where('id', '=', suspended.user.id).execute();
    const suspendedMod = await person('msmod');
    await db()
      .updateTable('users')
      .set({ suspended_at: new Date(), moderator: true })
      .where('id', '=', suspendedMod.user.id)
      .execute();
    const anonymous = new Client(server.url);

    const spaceId = await liveSpace(host.c, 'Matrix');
    await onStage(host.c, spaceId, cohost, true);
    await onStage(host.c, spaceId, speaker);
    await onStage(host.c, spaceId, reported);
    const reportId = await reportIn(listener.c, spaceId, { userId: reported.user.id, reason: 'spam' });

    const roles: Record<string, Client> = {
      host: host.c,
      cohost: cohost.c,
      speaker: speaker.c,
      reported: reported.c,
      listener: listener.c,
      moderator: mod,
      reviewer,
      suspended: suspended.c,
      'suspended moderator': suspendedMod.c,
      anonymous,
    };
    const codes = async (f: (c: Client) => Promise<{ status: number; body: any }>, only?: string[]) => {
      const out: Record<string, number | string> = {};
      for (const [role, c] of Object.entries(roles)) {
        if (only && !only.includes(role)) continue;
        const res = await f(c);
        out[role] = res.status === 403 && res.body.error.code === 'suspended' ? '403 suspended' : res.status;
      }
      return out;
    };
    const nonModerators = { host: 403, cohost: 403, speaker: 403, reported: 403, listener: 403, suspended: 403 };

    assert.deepEqual(await codes((c) => c.get('/api/moderation/reports')), {
      ...nonModerators,
      moderator: 200,
      reviewer: 200,
      'suspended moderator': 200,
      anonymous: 401,
    });
    assert.deepEqual(await codes((c) => c.get(`/api/moderation/reports/${reportId}`)), {
      ...nonModerators,
      moderator: 200,
      reviewer: 200,
      'suspended moderator': 200,
      anonymous: 401,
    });
    assert.deepEqual(await codes((c) => c.get('/api/me/reports')), {
      ...Object.fromEntries(Object.keys(nonModerators).map((k) => [k, 200])),
      moderator: 200,
      reviewer: 200,
      'suspended moderator': 200,
      anonymous: 401,
    });
    // Refusals first, then the reviewer decides.
    const review = { verdict: 'violation', reason: 'spam links' };
    assert.deepEqual(
      await codes(
        (c) => decide(c, reportId, review),
        Object.keys(roles).filter((r) => r !== 'reviewer' && r !== 'moderator'),
      ),
      {
        ...nonModerators,
        suspended: '403 suspended',
        'suspended moderator': '403 suspended',
        anonymous: 401,
      },
    );
    assert.equal((await decide(reviewer, reportId, review)).status, 200);

    const statement = { statement: 'not spam' };
    assert.deepEqual(
      await codes(
        (c) => c.post(`/api/reports/${reportId}/appeal`, statement),
        Object.keys(roles).filter((r) => r !== 'reported'),
      ),
      {
        host: 403,
        cohost: 403,
        speaker: 403,
        listener: 403,
        suspended: 403,
        moderator: 403,
        reviewer: 403,
        'suspended moderator': 403,
        anonymous: 401,
      },
    );
    assert.equal((await reported.c.post(`/api/reports/${reportId}/appeal`, statement)).status, 201);

    const final = { verdict: 'violation', reason: 'still spam' };
    assert.deepEqual(
      await codes(
        (c) => decide(c, reportId, final),
        Object.keys(roles).filter((r) => r !== 'moderator'),
      ),
      {
        ...nonModerators,
        reviewer: 403,
        suspended: '403 suspended',
        'suspended moderator': '403 suspended',
        anonymous: 401,
      },
    );
    assert.equal((await decide(mod, reportId, final)).status, 200);
    assert.equal((await reportAs(mod, reportId)).status, 'upheld');

    // Unknown reports.
    assert.equal((await mod.get('/api/moderation/reports/nope')).status, 404);
    assert.equal((await listener.c.get('/api/moderation/reports/nope')).status, 403);
    assert.equal((await decide(mod, 'nope', final)).status, 404);
  });

  it('suspended accounts may listen to a Space but not act in it, over the socket either', async () => {
    const host = await person('shost');
    const guest = await person('sguest');
    const spaceId = await liveSpace(host.c);
    await db().updateTable('users').set({ suspended_at: new Date() }).where('id', '=', guest.user.id).execute();
    const v = await watch(server.url, spaceId, guest.c);
    v.view.ws.send(JSON.stringify({ type: 'command', id: 'c1', name: 'request-speak', args: {} }));
    await v.until(() => v.view.messages.some((m) => m.id === 'c1'));
    assert.equal(v.view.messages.find((m) => m.id === 'c1').error.code, 'suspended');
    v.close();
    // Listening (a WHEP offer) passes the suspension; this one fails later, as a bad offer.
    const sdp = { 'content-type': 'application/sdp' };
    const listen = await guest.c.request('POST', `/api/spaces/${spaceId}/whep`, 'v=0', sdp);
    assert.equal(listen.status, 400, JSON.stringify(listen.body));
    const speak = await guest.c.request('POST', `/api/spaces/${spaceId}/whip`, 'v=0', sdp);
    assert.equal(speak.body.error.code, 'suspended');
  });

  it('queue pages: oldest open first, with a cursor', async () => {
    const host = await person('phost');
    const listener = await person('plis');
    const mod = (await moderator('b')).c;
    const spaceId = await liveSpace(host.c);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push(await reportIn(listener.c, spaceId, { reason: `page ${n}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: any } = await mod.get(
        `/api/moderation/reports?status=open&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.ok(res.body.items.length <= 2);
      seen.push(...res.body.items.map((r: any) => r.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const mine = seen.filter((id) => ids.includes(id));
    assert.deepEqual(mine, ids, 'each once, oldest first');
    assert.equal(new Set(seen).size, seen.length);
    assert.equal((await mod.get('/api/moderation/reports?status=nope')).status, 400);
  });

  // Last: it moves the clock past a window.
  it('an appeal after the window closes is refused', async () => {
    const host = await person('whost');
    const listener = await person('wlis');
    const mod = (await moderator('b')).c;
    const spaceId = await liveSpace(host.c);
    const reportId = await reportIn(listener.c, spaceId, { reason: 'late' });
    await endWithRecording(host.c, spaceId);
    const decided = await decide(mod, reportId, { verdict: 'violation', reason: 'yes' });
    const until = new Date(decided.body.report.appealUntil);
    clock.set(new Date(until.getTime() - 1000));
    assert.equal((await host.c.get('/api/me/reports')).body.items[0].appealUntil, until.toISOString());
    clock.set(until);
    const late = await host.c.post(`/api/reports/${reportId}/appeal`, { statement: 'sorry, late' });
    assert.equal(late.status, 409);
    assert.match(late.body.error.message, /time to appeal has passed/);
    assert.equal((await reportAs(mod, reportId)).status, 'violation');
  });
});

describe('moderators by the admin CLI (npm run admin)', () => {
  it('grant, revoke, suspend and unsuspend by handle, on the database the server uses', async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-admin-'));
    let server = await startEarshot({ MODERATORS: 'cfgmod' }, { dataDir });
    t.after(() => server.close());
    const handle = uniqueHandle('Ops');
    const signup = new Client(server.url);
    await signup.signup(handle);
    const cfg = new Client(server.url);
    await cfg.signup('CfgMod');
    assert.equal((await cfg.get('/api/me')).body.user.moderator, true, 'a moderator by config');
    // The same session against whichever server is running now (the embedded one restarts).
    const at = (c: Client) => Object.assign(new Client(server.url), { cookie: c.cookie });
    const person = {
      get: (url: string) => at(signup).get(url),
      post: (url: string, body: unknown) => at(signup).post(url, body),
    };
    const me = async () => {
      const res = await person.get('/api/me');
      return { moderator: res.body.user.moderator, suspended: res.body.user.suspended };
    };
    assert.deepEqual(await me(), { moderator: false, suspended: false });

    // The embedded database is one process's at a time: stop the server around the commands.
    type Output = { stdout: string; stderr: string; code?: number };
    const adminRun = async (...commands: string[][]): Promise<Output[]> => {
      const embedded = !server.config.DATABASE_URL;
      if (embedded) await server.close();
      const env = {
        MODERATORS: 'cfgmod',
        ...(embedded ? { DATA_DIR: dataDir } : { DATABASE_URL: server.config.DATABASE_URL as string }),
      };
      const outputs: Output[] = [];
      for (const args of commands) outputs.push(await admin(env, ...args));
      if (embedded) server = await startEarshot({ MODERATORS: 'cfgmod' }, { dataDir });
      return outputs;
    };
    if (!server.config.DATABASE_URL) {
      // Against the running embedded server: a clear refusal, nothing changed (never a false success).
      const refused: { code?: number; stdout: string; stderr: string } = await admin(
        { MODERATORS: 'cfgmod', DATA_DIR: dataDir },
        'moderator',
        'grant',
        handle,
      );
      assert.equal(refused.code, 3);
      assert.match(refused.stderr, /refused: nothing was changed.*running on the embedded database/s);
      assert.doesNotMatch(refused.stdout, /is now a moderator/);
      assert.deepEqual(await me(), { moderator: false, suspended: false });
    }
    const [granted] = await adminRun(['moderator', 'grant', `@${handle.toUpperCase()}`]);
    assert.match(granted?.stdout ?? '', /is now a moderator/);
    assert.deepEqual(await me(), { moderator: true, suspended: false });
    assert.equal((await person.get('/api/moderation/reports')).status, 200);

    await adminRun(['suspend', handle]);
    assert.deepEqual(await me(), { moderator: true, suspended: true });
    assert.equal((await person.post('/api/posts', { text: 'hi' })).body.error.code, 'suspended');

    const [, , still, unknown, usage] = await adminRun(
      ['unsuspend', handle],
      ['moderator', 'revoke', handle],
      ['moderator', 'revoke', 'cfgmod'],
      ['moderator', 'grant', 'nobody_here'],
      ['moderator', 'promote', handle],
    );
    assert.deepEqual(await me(), { moderator: false, suspended: false });
    assert.equal((await person.get('/api/moderation/reports')).status, 403);
    assert.match(still?.stdout ?? '', /still a moderator through MODERATORS/);
    assert.equal((await at(cfg).get('/api/me')).body.user.moderator, true);
    assert.equal(unknown?.code, 1);
    assert.match(unknown?.stderr ?? '', /no user @nobody_here/);
    assert.equal(usage?.code, 2);
    assert.match(usage?.stderr ?? '', /usage: npm run admin/);
  });
});
