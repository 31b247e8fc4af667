// A labelled form control with its hint, counter and error, wired together for assistive
// technology (label → control, aria-describedby → hint and error, aria-invalid).
import { useId, type ReactNode } from 'react';

export interface FieldControlProps {
  id: string;
  className: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

export interface FieldProps {
  label: string;
  error: string | undefined;
  hint?: ReactNode;
  counter?: string;
  optional?: boolean;
  children: (props: FieldControlProps) => ReactNode;
}

/** Label, control, hint and error wired together for assistive technology. */
export function Field({ label, error, hint, counter, optional = false, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  const className =
    'block w-full rounded-lg border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:outline-none focus:ring-2 ' +
    (error ? 'border-rose-400 focus:ring-rose-500' : 'border-slate-300 focus:border-indigo-500 focus:ring-indigo-500');
  return (
    <div>
      <div className="mb-1 flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {label}
          {optional && <span className="ml-1 font-normal text-slate-500">(optional)</span>}
        </label>
        {counter && <span className="text-xs tabular-nums text-slate-500">{counter}</span>}
      </div>
      {children({ id, className, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {error && (
        <p id={errorId} className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      )}
      {hint && (
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}
