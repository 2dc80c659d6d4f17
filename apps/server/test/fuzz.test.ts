import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fuzz } from './fuzz';
import { type Running, signUp, startEarshot } from './helpers';

// The full run (≥ 100,000 inputs) is `npm run fuzz -- 100000`; CI sends FUZZ_COUNT (default 1000: ~35 s on a loaded 2-core machine).
const COUNT = Number(process.env.FUZZ_COUNT ?? 1000);

describe('fuzzing the live socket and every HTTP body', () => {
  let server: Running;
  const errors: string[] = [];
  before(async () => {
    // Errors the server logs (a handler that threw) count as failures too.
    const logStream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean))
          if (JSON.parse(line).level >= 50) errors.push(line);
        done();
      },
    });
    server = await startEarshot({ LOG_LEVEL: 'error' }, { logStream });
  });
  after(() => server.close());

  // Found by the fuzzer: half an emoji in a DM reached the notification's json column, a 500.
  it('refuses unpaired surrogates with 400 (a DM with one answered 500)', async () => {
    const to = await signUp(server.url, 'surto');
    const from = await signUp(server.url, 'surfrom');
    for (const text of ['\udfff\ud800', 'a\ud83d', '\ude00b']) {
      const res = await from.c.post(`/api/dms/${to.user.handle}`, { text });
      assert.equal(res.status, 400, `${JSON.stringify(text)}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.message, /unpaired surrogates/);
    }
    assert.equal((await from.c.post(`/api/dms/${to.user.handle}`, { text: 'whole 😀 emoji' })).status, 201);
  });

  it(`${COUNT} generated inputs: no crash, no 5xx, no internal error, no state change from invalid input`, async () => {
    const report = await fuzz(server, COUNT, Number(process.env.FUZZ_SEED ?? Date.now()));
    assert.deepEqual(report.failures, [], JSON.stringify(report, null, 1));
    assert.deepEqual(report.stateChanges, [], JSON.stringify(report, null, 1));
    assert.deepEqual(report.drops, [], 'the server closed the fuzzing socket');
    assert.deepEqual(errors, []);
    assert.ok(report.socketInvalid + report.httpInvalid >= COUNT / 2 - 1);
    assert.ok(report.socketValid + report.httpValid >= COUNT / 2 - 1);
  });
});
