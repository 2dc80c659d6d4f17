import { type KeyboardEvent, type ReactNode, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';

export type MenuItem = { label: string; onSelect: () => void; danger?: boolean };

/**
 * A button that opens a small menu (the WAI-ARIA menu button pattern): opening moves focus to the
 * first item (ArrowUp on the button: the last), arrows move and wrap, Home/End jump, Escape or
 * choosing an item closes it and returns focus to the button, Tab and a click outside close. The
 * menu is kept on screen.
 */
export function MenuButton({
  label,
  items,
  className = 'menu-button',
  children,
}: {
  /** The button's accessible name, e.g. "Options for Ada Lovelace". */
  label: string;
  items: MenuItem[];
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  /** Which item takes focus when the menu opens. */
  const [startAt, setStartAt] = useState<'first' | 'last'>('first');
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);

  // Keep the open menu inside the window: shift it sideways, and open it upwards when it would
  // run off the bottom (a person near the end of a phone screen).
  useLayoutEffect(() => {
    const el = list.current;
    if (!open || !el) return;
    el.style.transform = '';
    el.classList.remove('menu-up');
    const margin = 8;
    let rect = el.getBoundingClientRect();
    if (rect.bottom > window.innerHeight - margin) {
      el.classList.add('menu-up');
      rect = el.getBoundingClientRect();
      if (rect.top < margin) el.classList.remove('menu-up');
      rect = el.getBoundingClientRect();
    }
    const right = document.documentElement.clientWidth - margin;
    const dx = rect.left < margin ? margin - rect.left : rect.right > right ? right - rect.right : 0;
    if (dx) el.style.transform = `translateX(${Math.round(dx)}px)`;
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const entries = list.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]');
    entries?.[startAt === 'last' ? entries.length - 1 : 0]?.focus();
    const outside = (event: PointerEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open, startAt]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(list.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    let next = -1;
    if (event.key === 'ArrowDown') next = (at + 1) % entries.length;
    else if (event.key === 'ArrowUp') next = (at - 1 + entries.length) % entries.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = entries.length - 1;
    else if (event.key === 'Escape' || event.key === 'Tab') {
      if (event.key === 'Escape') event.preventDefault();
      close();
      return;
    }
    if (next >= 0) {
      event.preventDefault();
      entries[next]?.focus();
    }
  };

  if (items.length === 0) return null;
  return (
    <div className="menu" ref={root}>
      <button
        ref={button}
        type="button"
        className={className}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        onClick={() => {
          setStartAt('first');
          setOpen((o) => !o);
        }}
        onKeyDown={(event) => {
          if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
          event.preventDefault();
          setStartAt(event.key === 'ArrowUp' ? 'last' : 'first');
          setOpen(true);
        }}
      >
        {children}
      </button>
      {open && (
        <div
          ref={list}
          id={`${id}-menu`}
          className="menu-list"
          role="menu"
          aria-label={label}
          tabIndex={-1}
          onKeyDown={onKeyDown}
        >
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              className={item.danger ? 'menu-item danger' : 'menu-item'}
              tabIndex={-1}
              onClick={() => {
                // Back to the button first: a dialog the item opens returns focus there.
                close();
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
