import { dictionary } from '@zxcvbn-ts/language-common';

// zxcvbn-ts's list of the ~49,000 most common passwords from breaches, ranked (MIT): the first
// guesses of anyone trying accounts.
let common: Set<string> | undefined;

/** Whether a password is on the common-password list (case does not matter: attackers try both). */
export function isCommonPassword(password: string): boolean {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}
