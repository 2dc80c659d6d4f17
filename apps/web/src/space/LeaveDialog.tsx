import { useState } from 'react';
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
    <Dialog title="Leave this Space?" onCancel={onCancel} testId="leave-dialog">
      <p>End the Space for everyone, or leave and let a co-host carry on?</p>
      {!hasCohost && (
        <p className="muted">
          There is no co-host on stage: if nobody hosts, the Space ends by itself a few minutes after you leave.
        </p>
      )}
      <ErrorNote error={error} />
      <div className="dialog-actions">
        <button type="button" className="button danger-outline" disabled={busy} onClick={() => void end()}>
          End for everyone
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
          {hasCohost ? 'Leave, a co-host carries on' : 'Leave for now'}
        </button>
        <button type="button" className="button ghost" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
