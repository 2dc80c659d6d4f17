import type { UserSummary } from '@earshot/protocol';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../components/Dialog';

/** Report a person, or the Space, with a reason for the moderators. */
export function ReportDialog({
  target,
  onSend,
  onCancel,
}: {
  target?: UserSummary;
  /** Resolves true once sent (the dialog then closes). */
  onSend: (reason: string) => Promise<boolean>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const title = target ? t('room.report.person', { name: target.displayName }) : t('room.report.space');
  return (
    <Dialog title={title} onCancel={onCancel} testId="report-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!reason.trim()) return;
          setBusy(true);
          void onSend(reason.trim()).finally(() => setBusy(false));
        }}
      >
        <label htmlFor={id}>{t('room.report.what')}</label>
        <textarea
          id={id}
          value={reason}
          maxLength={500}
          rows={3}
          required
          onChange={(e) => setReason(e.target.value)}
        />
        <div className="dialog-actions">
          <button type="submit" className="button" disabled={busy || !reason.trim()}>
            {t('room.report.send')}
          </button>
          <button type="button" className="button ghost" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
