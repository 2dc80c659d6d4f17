import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Running, signUp, startEarshot } from './helpers';

describe('Idempotency-Key on POST', () => {
  let server: Running;
  before(async () => {
    server = await startEarshot();
  });
  after(() => server.close());

  it('a retried DM with the same key answers the first answer again and sends nothing twice', async () => {
    const a = await signUp(server.url, 'idem_a');
    const b = await signUp(server.url, 'idem_b');
    const send = (text: string, key: string, who = a.c) =>
      who.request('POST', `/api/dms/${b.user.handle}`, { text }, { 'idempotency-key': key });
    const first = await send('only once', 'key-1');
    assert.equal(first.status, 201);
    const retry = await send('only once', 'key-1');
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal((await b.c.get(`/api/dms/${a.user.handle}`)).body.items.length, 1);
    // The same key for another body is a mistake the client must hear about; nothing is sent.
    const reused = await send('something else', 'key-1');
    assert.equal(reused.status, 422);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');
    // Keys are per person: another one's key-1 is their own.
    const other = await signUp(server.url, 'idem_c');
    assert.equal((await send('from c', 'key-1', other.c)).status, 201);
    // Without a key, or with a new one, each request runs.
    assert.equal((await send('again', 'key-2')).status, 201);
    assert.equal((await b.c.get(`/api/dms/${a.user.handle}`)).body.items.length, 2);
    assert.equal((await send('bad key', 'has space')).status, 400);
  });

  it('an error is not kept: the retry runs (the first attempt changed nothing)', async () => {
    const a = await signUp(server.url, 'idem_e');
    const first = await a.c.request('POST', '/api/dms/nobody_here_x', { text: 'hi' }, { 'idempotency-key': 'k' });
    assert.equal(first.status, 404);
    const b = await signUp(server.url, 'idem_f', 'nobody_here_x');
    const retry = await a.c.request('POST', '/api/dms/nobody_here_x', { text: 'hi' }, { 'idempotency-key': 'k' });
    assert.equal(retry.status, 201);
    assert.equal((await b.c.get(`/api/dms/${a.user.handle}`)).body.items.length, 1);
  });

  it('a Space command retried with its key is applied once', async () => {
    const host = await signUp(server.url, 'idem_h');
    const listener = await signUp(server.url, 'idem_l');
    const id = (await host.c.post('/api/spaces', { title: 'Once' })).body.space.id;
    await host.c.post(`/api/spaces/${id}/start`, {});
    const seq = (await host.c.get(`/api/spaces/${id}`)).body.seq;
    const ask = () => listener.c.request('POST', `/api/spaces/${id}/request-speak`, {}, { 'idempotency-key': 'ask-1' });
    const first = await ask();
    assert.equal(first.status, 200);
    const again = await ask();
    assert.deepEqual([again.status, again.body], [200, first.body]);
    const room = (await host.c.get(`/api/spaces/${id}`)).body;
    assert.equal(room.seq, seq + 1, 'one event, not two');
    // Concurrent retries: one runs, the others are told it is running or get its answer.
    const key = { 'idempotency-key': 'cancel-1' };
    const results = await Promise.all(
      [0, 1, 2].map(() => listener.c.request('POST', `/api/spaces/${id}/cancel-request`, {}, key)),
    );
    for (const r of results) assert.ok([200, 409].includes(r.status), `${r.status} ${JSON.stringify(r.body)}`);
    assert.equal((await host.c.get(`/api/spaces/${id}`)).body.seq, seq + 2);
  });
});
