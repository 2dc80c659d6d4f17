/**
 * Operator commands against the same database the server uses (DATABASE_URL, else the embedded
 * one in DATA_DIR). The embedded one is one process's: while a server holds its lock the command
 * refuses (exit 3) and changes nothing; stop the server first.
 *
 *   npm run admin -- moderator grant|revoke <handle>
 *   npm run admin -- suspend|unsuspend <handle>
 *   npm run admin -- credit <handle> <amountMinor> [currency]
 *   npm run admin -- ticketing grant|revoke <handle>
 *   npm run admin -- earnings
 */
import { type Config, ConfigError, loadConfig } from './config';
import { setAccountByHandle } from './social/users-store';
import { type AdminCommand, credit, grantTicketing, platformEarnings } from './tickets/admin';

const USAGE = `usage: npm run admin -- moderator grant|revoke <handle>
       npm run admin -- suspend|unsuspend <handle>
       npm run admin -- credit <handle> <amountMinor> [currency]
       npm run admin -- ticketing grant|revoke <handle>
       npm run admin -- earnings`;

/** Ticketing's commands (tickets/admin.ts), or null when `args` is not one of them. */
function parseTicketing(args: string[], config: Config): AdminCommand | null {
  const [first, second, third, fourth] = args;
  if (first === 'credit' && second && third && args.length <= 4) {
    const amount = Number(third);
    const currency = (fourth ?? config.TICKETS_DEFAULT_CURRENCY).toUpperCase();
    if (!Number.isSafeInteger(amount) || amount <= 0 || !/^[A-Z]{3}$/.test(currency)) return null;
    return credit(second, amount, currency);
  }
  if (first === 'ticketing' && (second === 'grant' || second === 'revoke') && third && args.length === 3)
    return grantTicketing(third, second === 'grant');
  if (first === 'earnings' && args.length === 1) return platformEarnings;
  return null;
}

type Change = { set: { moderator: boolean } | { suspended_at: Date | null }; done: string };

function parse(args: string[]): { handle: string; change: Change } | null {
  const [first, second, third] = args;
  if (first === 'moderator' && (second === 'grant' || second === 'revoke') && third && args.length === 3) {
    const grant = second === 'grant';
    return {
      handle: third,
      change: { set: { moderator: grant }, done: grant ? 'is now a moderator' : 'is no longer a moderator' },
    };
  }
  if ((first === 'suspend' || first === 'unsuspend') && second && args.length === 2) {
    const suspend = first === 'suspend';
    return {
      handle: second,
      change: {
        set: { suspended_at: suspend ? new Date() : null },
        done: suspend ? 'is suspended' : 'is no longer suspended',
      },
    };
  }
  return null;
}

async function main(args: string[]): Promise<number> {
  const config = loadConfig(process.env);
  const ticketing = parseTicketing(args, config);
  const command = parse(args);
  if (!command && !ticketing) {
    console.error(USAGE);
    return 2;
  }
  // Loaded only for a valid command: the embedded database takes a while to load.
  const { openStore } = await import('./store/db');
  const { DatabaseInUseError } = await import('./store/lock');
  const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }).catch((err) => {
    if (err instanceof DatabaseInUseError) return null;
    throw err;
  });
  if (!store) {
    console.error(
      `refused: nothing was changed. The server is running on the embedded database in ${config.DATA_DIR}, ` +
        'and only one process may open it. Stop the server (then run this again and start it), ' +
        'or run Earshot on PostgreSQL (DATABASE_URL) to use admin commands while it runs.',
    );
    return 3;
  }
  if (ticketing) {
    try {
      return await ticketing(store.db, (line) => console.log(line));
    } finally {
      await store.close();
    }
  }
  if (!command) return 2;
  const handle = command.handle.replace(/^@/, '');
  try {
    await setAccountByHandle(store.db, handle, command.change.set);
    const user = await store.db
      .selectFrom('users')
      .select(['handle'])
      .where('handle_lower', '=', handle.toLowerCase())
      .executeTakeFirst();
    if (!user) {
      console.error(`no user @${handle}`);
      return 1;
    }
    console.log(`@${user.handle} ${command.change.done}`);
    if (!('moderator' in command.change.set && !command.change.set.moderator)) return 0;
    if (config.MODERATORS.includes(user.handle.toLowerCase()))
      console.log(`(still a moderator through MODERATORS in the configuration)`);
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exitCode = 1;
  },
);
