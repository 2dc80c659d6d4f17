import type { EndReason } from '@earshot/protocol';

/** Why a Space ended, for the people who were in it. */
export function endReasonText(reason: EndReason | null | undefined): string {
  switch (reason) {
    case 'host':
      return 'The host ended this Space.';
    case 'hosts_absent':
      return 'It ended because no host or co-host was connected for a few minutes.';
    case 'suspended':
      return "It ended because a moderator suspended the host's account.";
    default:
      return '';
  }
}
