import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api } from '../api';
import { Dialog } from '../components/Dialog';
import { ErrorNote } from '../components/Status';

/**
 * The host's Leave: end the Space for everyone, or go and let a co-host carry on (with nobody to
 * carry on, the server ends it by itself after a few minutes: HOST_ABSENT_END_MINUTES).
 */
export function LeaveDialog({
  spaceId,
  hasCohost,
  onLeave,
  onCancel,
}: {
  spaceId: string;
  hasCohost: boolean;
  onLeave: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const end = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.spaceCommand(spaceId, 'end', {});
      onCancel(); // the room shows the ended Space and its recording
      navigate(`/spaces/${encodeURIComponent(spaceId)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('room.leave.title')} onCancel={onCancel} testId="leave-dialog">
      <p>{t('room.leave.question')}</p>
      {!hasCohost && <p className="muted">{t('room.leave.noCohost')}</p>}
      <ErrorNote error={error} />
      <div className="dialog-actions">
        <button type="button" className="button danger-outline" disabled={busy} onClick={() => void end()}>
          {t('room.leave.end')}
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          onClick={() => {
            onLeave();
            navigate('/');
          }}
        >
          {hasCohost ? t('room.leave.carryOn') : t('room.leave.forNow')}
        </button>
        <button type="button" className="button ghost" disabled={busy} onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}
