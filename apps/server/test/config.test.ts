import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 3000);
    assert.equal(c.HOST, '127.0.0.1');
    assert.equal(c.DATA_DIR, './data');
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.REDIS_URL, undefined);
  });

  it('reads TRUST_PROXY and RATE_LIMITS', () => {
    assert.deepEqual(loadConfig({}).TRUST_PROXY, []);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1,loopback' }).TRUST_PROXY, [
      '10.0.0.0/8',
      '::1',
      'loopback',
    ]);
    assert.equal(loadConfig({ RATE_LIMITS: 'off' }).RATE_LIMITS, null);
    const budgets = loadConfig({ RATE_LIMITS: 'command=5/2m, space=1/1h' }).RATE_LIMITS;
    assert.deepEqual(budgets?.command, { points: 5, seconds: 120 });
    assert.deepEqual(budgets?.space, { points: 1, seconds: 3600 });
    assert.deepEqual(budgets?.dm, { points: 30, seconds: 60 });
  });

  it('treats empty values as unset', () => {
    const c = loadConfig({ DATABASE_URL: '', REDIS_URL: '' });
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.REDIS_URL, undefined);
  });

  it('reads production engines', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/earshot',
      REDIS_URL: 'redis://cache:6379',
      PUBLIC_URL: 'https://spaces.example.org',
    });
    assert.equal(c.PORT, 8080);
    assert.equal(c.DATABASE_URL, 'postgres://u@db:5432/earshot');
  });

  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['PUBLIC_URL', 'ftp://example.org'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', '10.0.0.0/8, everyone'],
    ['RATE_LIMITS', 'command=lots'],
    ['RATE_LIMITS', 'flood=1/1s'],
  ] as const) {
    it(`refuses ${name}=${value} with a message naming it`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(name) && err.message.includes(value),
      );
    });
  }

  it('the server refuses to start on a bad value and says why', async () => {
    const { spawnSync } = await import('node:child_process');
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /Invalid configuration/);
    assert.match(res.stderr, /PORT/);
  });
});
