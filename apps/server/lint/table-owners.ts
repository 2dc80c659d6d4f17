/**
 * One owner per table: the SQL that writes a table (insert, update, delete) lives in its owner's
 * folder. dependency-cruiser sees imports, not SQL, so this check (run by `npm run lint`) reads
 * the query builder calls. Another capability that must change a table calls the owner's function.
 * Run: node --import tsx apps/server/lint/table-owners.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

/** Table → the folder (or top-level file) under src/ that owns it. */
const OWNERS: Record<string, string> = {
  users: 'social',
  follows: 'social',
  blocks: 'social',
  posts: 'social',
  avatars: 'social',
  messages: 'social',
  notifications: 'social',
  sessions: 'http',
  api_tokens: 'http',
  idempotency_keys: 'http',
  jobs: 'jobs',
  spaces: 'spaces',
  space_stage: 'spaces',
  space_events: 'spaces',
  space_reminders: 'schedule',
  recordings: 'recording',
  recording_tracks: 'recording',
  transcript_segments: 'captions',
  reports: 'safety',
  report_decisions: 'safety',
  appeals: 'safety',
  ticket_offers: 'tickets',
  tickets: 'tickets',
  ticket_sellers: 'tickets',
  host_revenue: 'tickets',
  ledger_accounts: 'tickets',
  ledger_entries: 'tickets',
  ledger_lines: 'tickets',
  stripe_events: 'tickets',
  push_vapid_keys: 'push',
  push_subscriptions: 'push',
  push_muted_kinds: 'push',
};

/**
 * Writes across owners that predate this check, each to be moved behind its owner's function.
 * A new entry here needs a reason in review; the list only shrinks.
 */
const KNOWN: string[] = [];

const WRITE = /\b(insertInto|updateTable|deleteFrom)\(\s*'([a-z_]+)'/g;
const RAW = /\b(insert\s+into|update|delete\s+from)\s+([a-z_]+)\b/gi;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

const problems: string[] = [];
for (const file of files(SRC)) {
  const relative = path.relative(SRC, file);
  const owner = relative.includes(path.sep) ? relative.split(path.sep)[0] : relative;
  const text = readFileSync(file, 'utf8');
  const writes = [...text.matchAll(WRITE)].map((m) => m[2] as string);
  // Raw SQL in template literals (sql`update spaces …`): only inside backticks.
  for (const literal of text.match(/sql`[^`]*`/g) ?? [])
    for (const m of literal.matchAll(RAW)) writes.push(m[2] as string);
  for (const table of writes) {
    const expected = OWNERS[table];
    if (!expected) {
      if (!relative.startsWith(`store${path.sep}`))
        problems.push(`${relative}: writes ${table}, which has no owner listed`);
      continue;
    }
    if (expected === owner || KNOWN.includes(`${owner} → ${table}`)) continue;
    problems.push(`${relative}: writes ${table}, owned by ${expected}/ (call its function instead)`);
  }
}
if (problems.length > 0) {
  console.error(`table owners: ${problems.length} write(s) outside the owner\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`table owners: every write is in its owner (${Object.keys(OWNERS).length} tables)`);
