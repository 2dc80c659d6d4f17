import type { StageMember } from '@earshot/protocol';
import { useEffect, useState } from 'react';

/** Speaking flips up to 5 times a second; only a line that held this long is shown and announced. */
const SETTLE_MS = 800;

function sentence(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is speaking`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are speaking`;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are speaking`;
}

/** "Ada is speaking", politely, for people who cannot see the rings. */
export function SpeakingNow({ stage }: { stage: StageMember[] }) {
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
