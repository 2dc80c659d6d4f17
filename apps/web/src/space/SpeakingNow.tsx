import type { StageMember } from '@earshot/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n';

/** Speaking flips up to 5 times a second; only a line that held this long is shown and announced. */
const SETTLE_MS = 800;

function sentence(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return i18n.t('room.speaking.one', { name: names[0] });
  return i18n.t('room.speaking.many', { names: names.slice(0, -1).join(', '), last: names.at(-1) });
}

/** "Ada is speaking", politely, for people who cannot see the rings. */
export function SpeakingNow({ stage }: { stage: StageMember[] }) {
  const { t } = useTranslation();
  const text = sentence(stage.filter((m) => m.speaking).map((m) => m.user.displayName));
  const [shown, setShown] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setShown(text), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <p className="speaking-now" aria-live="polite" data-testid="speaking-now">
      {shown}
    </p>
  );
}
