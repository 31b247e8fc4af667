// Header widget showing who the user is, with a dialog to switch to another identity.
import { useState, type FormEvent } from 'react';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { generateIdentity, validateIdentity, type Identity, type IdentityErrors } from './identity';
import { useIdentity } from './IdentityContext';

export function IdentityMenu() {
  const { identity, setIdentity } = useIdentity();
  const [open, setOpen] = useState(false);
  const initial = identity.displayName.trim().charAt(0).toUpperCase() || '?';

  return (
    <div className="flex items-center gap-3">
      <span aria-hidden="true" className="grid h-9 w-9 shrink-0 place-items-center rounded-full bg-indigo-100 text-sm font-semibold text-indigo-700">
        {initial}
      </span>
      <div className="hidden min-w-0 text-right leading-tight sm:block" data-testid="identity">
        <p className="truncate text-sm font-medium text-slate-900">{identity.displayName}</p>
        <p className="truncate font-mono text-xs text-slate-500">{identity.userId}</p>
      </div>
      <Button variant="secondary" className="px-3 py-1.5 whitespace-nowrap" onClick={() => setOpen(true)} aria-label={`Signed in as ${identity.displayName}. Switch user`}>
        Switch user
      </Button>
      <Dialog open={open} title="Who are you?" description="Stands in for a login: kept in this browser only." onClose={() => setOpen(false)}>
        <IdentityForm
          identity={identity}
          onSave={(next) => {
            setIdentity(next);
            setOpen(false);
          }}
          onCancel={() => setOpen(false)}
        />
      </Dialog>
    </div>
  );
}

function IdentityForm({ identity, onSave, onCancel }: { identity: Identity; onSave: (identity: Identity) => void; onCancel: () => void }) {
  const [values, setValues] = useState(identity);
  const [errors, setErrors] = useState<IdentityErrors>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateIdentity(values);
    setErrors(found);
    if (Object.keys(found).length === 0) onSave(values);
  };

  const input =
    'mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500';
  return (
    <form noValidate onSubmit={submit} className="space-y-4">
      <div>
        <label htmlFor="identity-name" className="text-sm font-medium text-slate-800">
          Display name
        </label>
        <input
          id="identity-name"
          data-autofocus
          className={input}
          value={values.displayName}
          aria-invalid={Boolean(errors.displayName)}
          aria-describedby={errors.displayName ? 'identity-name-error' : undefined}
          onChange={(e) => setValues({ ...values, displayName: e.target.value })}
        />
        {errors.displayName && (
          <p id="identity-name-error" className="mt-1 text-sm text-rose-700">
            {errors.displayName}
          </p>
        )}
      </div>
      <div>
        <label htmlFor="identity-user-id" className="text-sm font-medium text-slate-800">
          User ID
        </label>
        <div className="flex gap-2">
          <input
            id="identity-user-id"
            className={`${input} font-mono`}
            value={values.userId}
            aria-invalid={Boolean(errors.userId)}
            aria-describedby={errors.userId ? 'identity-user-id-error' : 'identity-user-id-hint'}
            onChange={(e) => setValues({ ...values, userId: e.target.value })}
          />
          <Button variant="secondary" className="mt-1 shrink-0" onClick={() => setValues(generateIdentity())}>
            New
          </Button>
        </div>
        {errors.userId ? (
          <p id="identity-user-id-error" className="mt-1 text-sm text-rose-700">
            {errors.userId}
          </p>
        ) : (
          <p id="identity-user-id-hint" className="mt-1 text-xs text-slate-500">
            Livestreams you create belong to this ID; use it again to host them.
          </p>
        )}
      </div>
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit">Save</Button>
      </div>
    </form>
  );
}
