import type { EndReason } from '@earshot/protocol';
import { i18n } from '../i18n';

const t = i18n.t;

/** Why a Space ended, for the people who were in it. */
export function endReasonText(reason: EndReason | null | undefined): string {
  switch (reason) {
    case 'host':
      return t('room.end.host');
    case 'hosts_absent':
      return t('room.end.hostsAbsent');
    case 'suspended':
      return t('room.end.suspended');
    default:
      return '';
  }
}
