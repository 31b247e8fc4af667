// Dialog to create a livestream: validates as the server does, previews the sanitised room
// name, and shows the server's own message when it still refuses.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, errorMessage } from '../api/client';
import type { Livestream } from '../api/types';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import {
  INITIAL_VALUES,
  LIMITS,
  sanitizeRoomName,
  textLength,
  toCreateRequest,
  validateCreateForm,
  type CreateFormErrors,
  type CreateFormValues,
} from './createForm';

interface CreateLivestreamDialogProps {
  open: boolean;
  createdBy: string;
  onClose: () => void;
  onCreated: (livestream: Livestream) => void;
  /** Injected by tests; the API client otherwise. */
  create?: typeof api.createLivestream;
}

export function CreateLivestreamDialog({ open, createdBy, onClose, onCreated, create = api.createLivestream }: CreateLivestreamDialogProps) {
  const [values, setValues] = useState<CreateFormValues>(INITIAL_VALUES);
  const [errors, setErrors] = useState<CreateFormErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const close = () => {
    if (submitting) return;
    setErrors({});
    setServerError(null);
    onClose();
  };

  const update = (field: keyof CreateFormValues) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    // A field's error goes away as soon as it is edited; the next submit checks again.
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validateCreateForm(values, createdBy);
    setErrors(found);
    setServerError(null);
    if (Object.values(found).some(Boolean)) {
      const firstInvalid = event.currentTarget.querySelector<HTMLElement>('[aria-invalid="true"]');
      firstInvalid?.focus();
      return;
    }
    setSubmitting(true);
    try {
      const livestream = await create(toCreateRequest(values, createdBy));
      setValues(INITIAL_VALUES);
      onCreated(livestream);
      onClose();
    } catch (error) {
      setServerError(errorMessage(error));
    } finally {
      setSubmitting(false);
    }
  };

  const preview = sanitizeRoomName(values.roomName);

  return (
    <Dialog open={open} title="Create a livestream" onClose={close} dismissible={!submitting} size="lg">
      <form noValidate onSubmit={submit} className="space-y-4" aria-label="Create a livestream">
        {serverError && <Alert title="The server refused the livestream">{serverError}</Alert>}
        {errors.createdBy && <Alert>{errors.createdBy} (change it with “Switch user”).</Alert>}

        <Field
          label="Room name"
          error={errors.roomName}
          hint={
            preview ? (
              <>
                Room will be <code data-testid="room-name-preview" className="font-mono text-slate-800">{preview}</code>
              </>
            ) : (
              'Lowercase letters, digits, “-” and “_”; other characters become “-”.'
            )
          }
          counter={`${textLength(values.roomName)}/${LIMITS.roomNameMax}`}
        >
          {(props) => (
            <input
              {...props}
              data-autofocus
              name="roomName"
              autoComplete="off"
              value={values.roomName}
              onChange={(e) => update('roomName')(e.target.value)}
            />
          )}
        </Field>

        <Field label="Title" error={errors.title} counter={`${textLength(values.title)}/${LIMITS.titleMax}`}>
          {(props) => <input {...props} name="title" value={values.title} onChange={(e) => update('title')(e.target.value)} />}
        </Field>

        <Field
          label="Description"
          optional
          error={errors.description}
          counter={`${textLength(values.description)}/${LIMITS.descriptionMax}`}
        >
          {(props) => (
            <textarea
              {...props}
              name="description"
              rows={3}
              value={values.description}
              onChange={(e) => update('description')(e.target.value)}
            />
          )}
        </Field>

        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Max participants" error={errors.maxParticipants} hint={`${LIMITS.maxParticipantsMin}–${LIMITS.maxParticipantsMax}`}>
            {(props) => (
              <input
                {...props}
                name="maxParticipants"
                inputMode="numeric"
                value={values.maxParticipants}
                onChange={(e) => update('maxParticipants')(e.target.value)}
              />
            )}
          </Field>
          <Field label="Empty timeout (seconds)" error={errors.emptyTimeout} hint="Room closes after this long with nobody in it">
            {(props) => (
              <input
                {...props}
                name="emptyTimeout"
                inputMode="numeric"
                value={values.emptyTimeout}
                onChange={(e) => update('emptyTimeout')(e.target.value)}
              />
            )}
          </Field>
        </div>

        <p className="text-xs text-slate-500">
          Created as <span className="font-mono text-slate-700">{createdBy}</span>
        </p>

        <div className="flex flex-col-reverse gap-2 pt-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={close} disabled={submitting}>
            Cancel
          </Button>
          <Button type="submit" disabled={submitting}>
            {submitting ? 'Creating…' : 'Create livestream'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

interface FieldControlProps {
  id: string;
  className: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

interface FieldProps {
  label: string;
  error: string | undefined;
  hint?: ReactNode;
  counter?: string;
  optional?: boolean;
  children: (props: FieldControlProps) => ReactNode;
}

/** Label, control, hint and error wired together for assistive technology. */
function Field({ label, error, hint, counter, optional = false, children }: FieldProps) {
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
