import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './lock';
import { pglitePool } from './pglite-pool';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  /** 'pglite' (embedded, in DATA_DIR or memory) or 'postgres'. */
  engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string;
  /** Folder for the embedded database; unset = in memory (tests). */
  dataDir?: string;
  /** Errors of idle PostgreSQL connections (a server restart, a terminated backend). */
  onConnectionError?: (err: Error) => void;
}

// Timestamps and counts come back as the same JS types from both engines.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openStore(options: StoreOptions): Promise<Store> {
  let dialect: PostgresDialect;
  let engine: Store['engine'];
  let release = () => {};
  if (options.databaseUrl) {
    engine = 'postgres';
    // A server that does not answer fails a request after 5 s (a 503) rather than holding it.
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, connectionTimeoutMillis: 5000 });
    // Without a listener, an idle client's error (the server restarting) would crash the process;
    // the pool drops that client and opens a new one on the next query.
    pool.on('error', (err) => options.onConnectionError?.(err));
    dialect = new PostgresDialect({ pool });
  } else {
    engine = 'pglite';
    let dataDir: string | undefined;
    if (options.dataDir) {
      dataDir = path.resolve(options.dataDir, 'pglite');
      mkdirSync(dataDir, { recursive: true });
      // PGlite does not guard its folder: a second process would open it too and lose its writes.
      release = lockDataDir(dataDir);
    }
    // A new data folder is made (initdb) in a throwaway process: the first instance keeps ~450 MB
    // of initdb's memory for its whole life, which closing it does not give back to the OS.
    const lite = await (async () => {
      if (dataDir && !existsSync(path.join(dataDir, 'PG_VERSION'))) await initPglite(dataDir);
      return PGlite.create(dataDir, { startParams: PGLITE_START });
    })().catch((err) => {
      release();
      throw err;
    });
    // biome-ignore lint/suspicious/noExplicitAny: the shim implements the subset of pg.Pool Kysely calls.
    dialect = new PostgresDialect({ pool: pglitePool(lite) as any });
  }
  const db = new Kysely<Database>({ dialect });
  await migrate(db).catch(async (err) => {
    await db.destroy();
    release();
    throw err;
  });
  return {
    db,
    engine,
    close: () => db.destroy().finally(release),
  };
}

/**
 * PGlite's start parameters with smaller buffers: its default 128 MB of shared_buffers live in the
 * WebAssembly memory and, once touched, stay in the RSS. One connection and a small database need
 * little (measured: ~130 MB less at idle, see BENCHMARKS.md "Idle memory").
 */
const PGLITE_START = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'temp_buffers=1MB'];

async function initPglite(dataDir: string) {
  const code = `const { PGlite } = await import(${JSON.stringify(import.meta.resolve('@electric-sql/pglite'))});
    await (await PGlite.create(${JSON.stringify(dataDir)})).close();`;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code]);
}

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Applies migrations/NNN_name.sql in order, each once, each in a transaction. An advisory lock
 * keeps two nodes starting at once from applying the same migration twice.
 */
export async function migrate(db: Db): Promise<string[]> {
  const files = readdirSync(migrationsDir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const applied: string[] = [];
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(727274)`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(
        conn,
      );
      const done = new Set(
        (await sql<{ name: string }>`select name from schema_migrations`.execute(conn)).rows.map((r) => r.name),
      );
      for (const file of files) {
        if (done.has(file)) continue;
        const text = readFileSync(path.join(migrationsDir, file), 'utf8');
        await conn.transaction().execute(async (tx) => {
          await sql.raw(text).execute(tx);
          await sql`insert into schema_migrations (name) values (${file})`.execute(tx);
        });
        applied.push(file);
      }
    } finally {
      await sql`select pg_advisory_unlock(727274)`.execute(conn);
    }
  });
  return applied;
}
