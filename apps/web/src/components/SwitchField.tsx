import { type ReactNode, useId } from 'react';

/**
 * An on/off setting: a labelled switch (a checkbox with role="switch") and, under it, a hint the
 * switch is described by (`hintClass` and `hintTestId` style and find it).
 */
export function SwitchField({
  label,
  checked,
  disabled,
  onChange,
  hint,
  hintClass,
  hintTestId,
  className,
  children,
}: {
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
  hint?: ReactNode;
  hintClass?: string;
  hintTestId?: string;
  className?: string;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <div className={className ? `switch-field ${className}` : 'switch-field'}>
      <label className="switch" htmlFor={`${id}-switch`}>
        <input
          id={`${id}-switch`}
          type="checkbox"
          role="switch"
          checked={checked}
          aria-checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        <span className="switch-track" aria-hidden="true" />
        <span>{label}</span>
      </label>
      {hint && (
        <small id={`${id}-hint`} className={hintClass ? `hint ${hintClass}` : 'hint'} data-testid={hintTestId}>
          {hint}
        </small>
      )}
      {children}
    </div>
  );
}
