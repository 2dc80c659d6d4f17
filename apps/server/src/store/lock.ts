import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The embedded database is open in another process (a running server): it is one process's at a time. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database in ${dir} is in use by process ${pid} (a running Earshot server?). ` +
        'It is one process’s database: stop that server first and try again, or run Earshot on ' +
        `PostgreSQL (DATABASE_URL), where admin commands work while it runs. If no such process runs, delete ${path.join(dir, LOCK_FILE)}.`,
    );
    this.name = 'DatabaseInUseError';
  }
}

export const LOCK_FILE = 'earshot.lock';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes `dir/earshot.lock` for this process (its PID inside), or throws DatabaseInUseError while a
 * live process holds it. A lock left by a process that died is taken over. Returns the release.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    // The same process twice is as unsafe as two processes (two PGlite instances on one folder);
    // a second try that finds the file again lost a race to another taker.
    if ((holder > 0 && alive(holder)) || attempt > 0) throw new DatabaseInUseError(dir, holder);
    rmSync(file, { force: true });
  }
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
}
