import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog';

export type Confirmation = {
  /** The question, e.g. "End this Space for everyone?": the dialog's name. */
  title: string;
  /** What follows from it, under the question. */
  detail?: string;
  /** The step itself, named as what it does ("End Space", "Remove", "Block"). */
  confirmLabel: string;
  /** The safe choice; "Cancel" unless that reads like the step (Cancel Space). */
  cancelLabel?: string;
  /** false for a step that is not destructive (Unblock): a plain button rather than a red one. */
  danger?: boolean;
  onConfirm: () => void;
};

/**
 * Asks before a step that cannot be undone, in the app's own dialog (not window.confirm): the safe
 * choice comes first and has focus, Escape cancels, and focus goes back to the control that asked.
 * Returns `ask` and the dialog to render (nothing while no question is open).
 */
export function useConfirm(): [ask: (question: Confirmation) => void, dialog: ReactNode] {
  const { t } = useTranslation();
  const [question, setQuestion] = useState<Confirmation | null>(null);
  const dialog = question && (
    <Dialog title={question.title} onCancel={() => setQuestion(null)} testId="confirm-dialog">
      {question.detail && <p>{question.detail}</p>}
      <div className="dialog-actions">
        <button type="button" className="button secondary" onClick={() => setQuestion(null)}>
          {question.cancelLabel ?? t('common.cancel')}
        </button>
        <button
          type="button"
          className={question.danger === false ? 'button' : 'button danger-outline'}
          onClick={() => {
            setQuestion(null);
            question.onConfirm();
          }}
        >
          {question.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
  return [setQuestion, dialog];
}
