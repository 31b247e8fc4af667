// Change-password dialog of the account menu: current password, new one twice. The server
// signs out every other session of the account and keeps this one.
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/client';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { Field } from '../ui/Field';
import { useAuth } from './AuthContext';
import { validatePassword } from './credentials';

interface Values {
  current: string;
  next: string;
  repeat: string;
}

type Errors = Partial<Record<keyof Values, string>>;

const EMPTY: Values = { current: '', next: '', repeat: '' };

export function validatePasswordChange(values: Values): Errors {
  const errors: Errors = {};
  if (!values.current) errors.current = 'Enter your current password';
  const next = validatePassword(values.next, 'New password');
  if (next) errors.next = next;
  else if (values.repeat !== values.next) errors.repeat = 'The passwords do not match';
  return errors;
}

export function PasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { changePassword } = useAuth();
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const close = () => {
    if (busy) return;
    setValues(EMPTY);
    setErrors({});
    setServerError(null);
    setDone(false);
    onClose();
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validatePasswordChange(values);
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await changePassword(values.current, values.next);
      setValues(EMPTY);
      setDone(true);
    } catch (error) {
      setServerError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const set = (field: keyof Values) => (value: string) => setValues((current) => ({ ...current, [field]: value }));

  return (
    <Dialog open={open} title="Change password" onClose={close} dismissible={!busy}>
      {done ? (
        <div className="space-y-4">
          <Alert tone="info">Your password was changed. Your other sessions are signed out.</Alert>
          <div className="flex justify-end">
            <Button data-autofocus onClick={close}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form noValidate onSubmit={(event) => void submit(event)} className="space-y-4" aria-label="Change password">
          {serverError && <Alert title="The password was not changed">{serverError}</Alert>}
          <Field label="Current password" error={errors.current}>
            {(props) => (
              <input {...props} data-autofocus type="password" autoComplete="current-password" value={values.current} onChange={(e) => set('current')(e.target.value)} />
            )}
          </Field>
          <Field label="New password" error={errors.next} hint="8–256 characters. Your other sessions will be signed out.">
            {(props) => <input {...props} type="password" autoComplete="new-password" value={values.next} onChange={(e) => set('next')(e.target.value)} />}
          </Field>
          <Field label="Repeat the new password" error={errors.repeat}>
            {(props) => <input {...props} type="password" autoComplete="new-password" value={values.repeat} onChange={(e) => set('repeat')(e.target.value)} />}
          </Field>
          <div className="flex flex-col-reverse gap-2 pt-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" disabled={busy}>
              {busy ? 'Changing…' : 'Change password'}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
