import type { CommandArgsOf, CommandName } from '@earshot/protocol';

/**
 * Runs a room command; resolves true when it went through. A failure is shown in the room's bar,
 * or, with `onError`, by the form that asked (the pin form shows its own).
 */
export type Run = <N extends CommandName>(
  name: N,
  args: CommandArgsOf<N>,
  done?: string,
  onError?: (error: unknown) => void,
) => Promise<boolean>;
