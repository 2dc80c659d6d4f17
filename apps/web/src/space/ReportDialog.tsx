import type { UserSummary } from '@earshot/protocol';
import { useId, useState } from 'react';
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
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const title = target ? `Report ${target.displayName}` : 'Report this Space';
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
        <label htmlFor={id}>What is wrong? The moderators read this.</label>
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
            Send report
          </button>
          <button type="button" className="button ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
