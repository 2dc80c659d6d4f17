import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../src/store/db';
import { DatabaseInUseError, LOCK_FILE } from '../src/store/lock';

describe('the embedded database lock (DATA_DIR/pglite/earshot.lock)', () => {
  it('refuses a second opener while held, takes over a dead process’s lock, lets go on close', async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-lock-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const lockFile = path.join(dataDir, 'pglite', LOCK_FILE);
    // A lock left by a process that has exited (its PID no longer runs).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    mkdirSync(path.dirname(lockFile), { recursive: true });
    writeFileSync(lockFile, `${dead}\n`);

    const store = await openStore({ dataDir });
    assert.equal(readFileSync(lockFile, 'utf8').trim(), String(process.pid));
    await assert.rejects(openStore({ dataDir }), (err: unknown) => {
      assert.ok(err instanceof DatabaseInUseError);
      assert.equal(err.pid, process.pid);
      assert.match(err.message, /in use by process \d+/);
      return true;
    });
    // The refused opener did not take the lock away from the holder.
    assert.equal(readFileSync(lockFile, 'utf8').trim(), String(process.pid));
    await store.close();
    assert.equal(existsSync(lockFile), false);
    const again = await openStore({ dataDir });
    await again.close();
  });
});
