// Dialog to create a livestream: validates as the server does, previews the sanitised room
// name, chooses who can watch it, and shows the server's own message when it still refuses.
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/client';
import type { Livestream, Visibility } from '../api/types';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { Field } from '../ui/Field';
import {
  INITIAL_VALUES,
  LIMITS,
  sanitizeRoomName,
  textLength,
  toCreateRequest,
  validateCreateForm,
  VISIBILITY_OPTIONS,
  type CreateFormErrors,
  type CreateFormValues,
} from './createForm';

interface CreateLivestreamDialogProps {
  open: boolean;
  /** Sent as `createdBy` in open mode; signed in (undefined), the server takes it from the session. */
  createdBy?: string | undefined;
  /** Who the livestream will belong to, as shown in the dialog. */
  creatorName?: string;
  onClose: () => void;
  onCreated: (livestream: Livestream) => void;
  /** Injected by tests; the API client otherwise. */
  create?: typeof api.createLivestream;
}

export function CreateLivestreamDialog({
  open,
  createdBy,
  creatorName,
  onClose,
  onCreated,
  create = api.createLivestream,
}: CreateLivestreamDialogProps) {
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

  const update = (field: Exclude<keyof CreateFormValues, 'visibility'>) => (value: string) => {
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

        <VisibilityChoice value={values.visibility} onChange={(visibility) => setValues((current) => ({ ...current, visibility }))} />

        <p className="text-xs text-slate-500">
          Created as{' '}
          {createdBy !== undefined ? (
            <span className="font-mono text-slate-700">{createdBy}</span>
          ) : (
            <span className="font-medium text-slate-700">{creatorName}</span>
          )}
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

/** Public / unlisted / private, each with what it means for who can watch. */
function VisibilityChoice({ value, onChange }: { value: Visibility; onChange: (value: Visibility) => void }) {
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium text-slate-800">Who can watch</legend>
      <div className="grid gap-2 sm:grid-cols-3">
        {VISIBILITY_OPTIONS.map((option) => {
          const id = `visibility-${option.value}`;
          const checked = option.value === value;
          return (
            <label
              key={option.value}
              htmlFor={id}
              className={
                'flex cursor-pointer flex-col rounded-lg border px-3 py-2 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500 ' +
                (checked ? 'border-indigo-500 bg-indigo-50' : 'border-slate-300 bg-white hover:bg-slate-50')
              }
            >
              <span className="flex items-center gap-2 font-medium text-slate-900">
                <input
                  id={id}
                  type="radio"
                  name="visibility"
                  value={option.value}
                  checked={checked}
                  aria-labelledby={`${id}-label`}
                  aria-describedby={`${id}-explanation`}
                  onChange={() => onChange(option.value)}
                  className="h-4 w-4 accent-indigo-600"
                />
                <span id={`${id}-label`}>{option.label}</span>
              </span>
              <span id={`${id}-explanation`} className="mt-1 text-xs text-slate-600">
                {option.explanation}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
