import type { CommandArgsOf, CommandName } from '@earshot/protocol';

/** Runs a room command; resolves true when it went through (a failure is shown by the caller's room). */
export type Run = <N extends CommandName>(name: N, args: CommandArgsOf<N>, done?: string) => Promise<boolean>;

export const roleLabel = { host: 'Host', cohost: 'Co-host', speaker: 'Speaker' } as const;
