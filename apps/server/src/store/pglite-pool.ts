import type { PGlite } from '@electric-sql/pglite';

/**
 * Presents an embedded PGlite as the small slice of a `pg` Pool that Kysely's PostgresDialect uses.
 * PGlite is one connection, so a connection is held exclusively until released: a transaction's
 * statements never interleave with another request's.
 */
export function pglitePool(db: PGlite) {
  let tail: Promise<void> = Promise.resolve();
  const client = {
    async query(sql: string, parameters: readonly unknown[]) {
      // Like pg's simple protocol, a statement without parameters may hold several (migrations).
      const result =
        parameters.length === 0
          ? ((await db.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 })
          : await db.query<Record<string, unknown>>(sql, parameters as unknown[]);
      const command = sql.trimStart().slice(0, 6).toUpperCase();
      return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
    },
    release() {},
  };
  let closing = false;
  return {
    async connect() {
      if (closing) throw new Error('the database is closing');
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => {
        release = resolve;
      });
      await previous;
      // PGlite answers inside a microtask, so a queue of transactions would run back to back
      // without the event loop ever turning: no I/O, no timers, no SIGTERM handler until the
      // whole flood is done (the server once ignored SIGTERM for minutes). Yield between them.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (closing) {
        release();
        throw new Error('the database is closing');
      }
      return { ...client, release };
    },
    async end() {
      // Work still queued was never answered: it is refused; what runs now finishes.
      closing = true;
      await tail;
      await db.close();
    },
  };
}
