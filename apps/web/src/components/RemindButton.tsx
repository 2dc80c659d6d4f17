import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Reminders } from '../api';
import { ErrorNote } from './Status';

/** "Remind me" / "Reminder set": a toggle of the viewer's reminder for an upcoming Space. */
export function RemindButton({
  spaceId,
  initial,
  title,
  onChange,
  small = true,
}: {
  small?: boolean;
  spaceId: string;
  initial: boolean;
  /** Names the Space for screen readers when several buttons share a page. */
  title?: string;
  onChange?: (reminders: Reminders) => void;
}) {
  const { t } = useTranslation();
  const [on, setOn] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await api.setReminder(spaceId, !on);
      setOn(next.youHaveReminder);
      onChange?.(next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="remind">
      <button
        type="button"
        className={`button${small ? ' small' : ''}${on ? ' secondary' : ''}`}
        aria-pressed={on}
        aria-label={title ? `${on ? t('reminders.set') : t('reminders.remindMe')}: ${title}` : undefined}
        disabled={busy}
        onClick={toggle}
        data-testid="remind-button"
      >
        {on ? `✓ ${t('reminders.set')}` : t('reminders.remindMe')}
      </button>
      <ErrorNote error={error} />
    </span>
  );
}
