import { type ReactNode, useEffect, useId, useRef } from 'react';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), textarea:not([disabled]), select, [tabindex="0"]';

function focusHeading() {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (!heading) return;
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus();
}

/**
 * The step just confirmed may still take focus from the opener: disabled while its command runs
 * (Block), or gone with it (the person removed leaves the room, the ended Space has no End
 * button). Focus then comes back to the opener once it is enabled, or goes to the page's heading
 * once it is gone, never staying on <body>. Until focus moves elsewhere, or for 15 s.
 */
function followOpener(opener: HTMLElement) {
  const lost = () => !document.activeElement || document.activeElement === document.body;
  const observer = new MutationObserver(() => {
    if (!lost()) return;
    if (!opener.isConnected) {
      stop();
      focusHeading();
    } else if (!opener.matches(':disabled')) opener.focus();
  });
  const moved = (event: FocusEvent) => {
    if (event.target !== opener) stop();
  };
  const timer = setTimeout(() => stop(), 15_000);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
    document.removeEventListener('focusin', moved);
  };
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
  document.addEventListener('focusin', moved);
}

/**
 * A modal dialog (the native <dialog>, shown with showModal: the page behind is inert): focus
 * moves in and stays in (Tab wraps), Escape cancels, and focus goes back where it was on close.
 */
export function Dialog({
  title,
  onCancel,
  children,
  testId,
}: {
  title: string;
  onCancel: () => void;
  children: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const cancel = useRef(onCancel);
  cancel.current = onCancel;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const before = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[autofocus], textarea, input, button')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // The opener may be gone (a menu closed): then the page's heading takes focus.
      if (before?.isConnected && before !== document.body) {
        before.focus();
        followOpener(before);
      } else focusHeading();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        cancel.current();
      }}
      onClick={(event) => {
        if (event.target === ref.current) cancel.current();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Tab' || !ref.current) return;
        const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
        const first = items[0];
        const last = items[items.length - 1];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last?.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first?.focus();
        }
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
