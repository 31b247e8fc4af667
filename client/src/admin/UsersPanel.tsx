// Admin: the accounts of the server — list, create, make or unmake admin, disable or enable.
import { useEffect, useState, type FormEvent } from 'react';
import { adminApi, type UserAccount } from '../api/admin';
import { errorMessage } from '../api/client';
import { normalizeUsername, validateDisplayName, validatePassword, validateUsername } from '../auth/credentials';
import { formatDateTime } from '../format';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Field } from '../ui/Field';
import { Spinner } from '../ui/Spinner';
import { panelTitle, table, tableWrap, tbody, td, th } from './table';

type Client = Pick<typeof adminApi, 'listUsers' | 'createUser' | 'updateUser'>;

export function UsersPanel({ currentUserId, client = adminApi }: { currentUserId: string; client?: Client }) {
  const [users, setUsers] = useState<UserAccount[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [disabling, setDisabling] = useState<UserAccount | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    client
      .listUsers(controller.signal)
      .then(setUsers)
      .catch((error: unknown) => !controller.signal.aborted && setLoadError(errorMessage(error)));
    return () => controller.abort();
  }, [client]);

  const replace = (user: UserAccount) => setUsers((current) => (current ?? []).map((u) => (u.id === user.id ? user : u)));

  const update = async (user: UserAccount, change: { admin?: boolean; disabled?: boolean }) => {
    setBusyId(user.id);
    setActionError(null);
    try {
      replace(await client.updateUser(user.id, change));
      return true;
    } catch (error) {
      setActionError(`${user.id}: ${errorMessage(error)}`);
      return false;
    } finally {
      setBusyId(null);
    }
  };

  return (
    <div className="space-y-6">
      <section aria-labelledby="users-title" className="space-y-3">
        <h2 id="users-title" className={panelTitle}>
          Users
        </h2>
        {actionError && <Alert>{actionError}</Alert>}
        {loadError ? (
          <Alert title="Could not load the users">{loadError}</Alert>
        ) : users === null ? (
          <Spinner label="Loading users" />
        ) : (
          <div className={tableWrap}>
            <table className={table} aria-label="Users">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>User ID</th>
                  <th scope="col" className={th}>Display name</th>
                  <th scope="col" className={th}>Role</th>
                  <th scope="col" className={th}>Status</th>
                  <th scope="col" className={th}>Created</th>
                  <th scope="col" className={th}><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className={tbody}>
                {users.map((user) => {
                  const self = user.id === currentUserId;
                  const busy = busyId === user.id;
                  return (
                    <tr key={user.id} data-testid="user-row">
                      <td className={`${td} font-mono text-xs`}>
                        {user.id}
                        {self && <span className="ml-1 font-sans text-emerald-700">(you)</span>}
                      </td>
                      <td className={td}>{user.displayName}</td>
                      <td className={td}>{user.admin ? <span className="font-medium text-indigo-700">Admin</span> : 'User'}</td>
                      <td className={td}>{user.disabled ? <span className="text-rose-700">Disabled</span> : 'Active'}</td>
                      <td className={`${td} whitespace-nowrap text-slate-600`}>{formatDateTime(user.createdAt)}</td>
                      <td className={`${td} whitespace-nowrap text-right`}>
                        {self ? (
                          <span className="text-xs text-slate-500">your account</span>
                        ) : (
                          <div className="flex justify-end gap-2">
                            <Button
                              variant="secondary"
                              className="px-3 py-1 text-xs"
                              disabled={busy}
                              aria-label={user.admin ? `Remove admin from ${user.id}` : `Make ${user.id} admin`}
                              onClick={() => void update(user, { admin: !user.admin })}
                            >
                              {user.admin ? 'Remove admin' : 'Make admin'}
                            </Button>
                            {user.disabled ? (
                              <Button
                                variant="secondary"
                                className="px-3 py-1 text-xs"
                                disabled={busy}
                                aria-label={`Enable ${user.id}`}
                                onClick={() => void update(user, { disabled: false })}
                              >
                                Enable
                              </Button>
                            ) : (
                              <Button
                                variant="secondary"
                                className="px-3 py-1 text-xs text-rose-700"
                                disabled={busy}
                                aria-label={`Disable ${user.id}`}
                                onClick={() => setDisabling(user)}
                              >
                                Disable
                              </Button>
                            )}
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <CreateUserForm client={client} onCreated={(user) => setUsers((current) => [...(current ?? []).filter((u) => u.id !== user.id), user])} />

      <ConfirmDialog
        open={disabling !== null}
        title={`Disable ${disabling?.id ?? ''}?`}
        message="The account is signed out everywhere at once and cannot sign in until it is enabled again."
        confirmLabel="Disable"
        busy={disabling !== null && busyId === disabling.id}
        error={null}
        onConfirm={() => {
          if (disabling) void update(disabling, { disabled: true }).then(() => setDisabling(null));
        }}
        onCancel={() => setDisabling(null)}
      />
    </div>
  );
}

interface NewUser {
  username: string;
  displayName: string;
  password: string;
  admin: boolean;
}

const EMPTY: NewUser = { username: '', displayName: '', password: '', admin: false };

function CreateUserForm({ client, onCreated }: { client: Client; onCreated: (user: UserAccount) => void }) {
  const [values, setValues] = useState<NewUser>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<keyof NewUser, string>>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = {
      username: validateUsername(values.username),
      displayName: validateDisplayName(values.displayName),
      password: validatePassword(values.password),
    };
    setErrors(found);
    setServerError(null);
    setCreated(null);
    if (Object.values(found).some(Boolean)) return;
    setBusy(true);
    try {
      const displayName = values.displayName.trim();
      const user = await client.createUser({
        username: normalizeUsername(values.username),
        password: values.password,
        ...(displayName ? { displayName } : {}),
        admin: values.admin,
      });
      onCreated(user);
      setCreated(user.id);
      setValues(EMPTY);
    } catch (error) {
      setServerError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="create-user-title" className="rounded-2xl border border-slate-200 bg-white p-5">
      <h2 id="create-user-title" className={panelTitle}>
        Create a user
      </h2>
      <form noValidate onSubmit={(event) => void submit(event)} className="mt-4 grid gap-4 sm:grid-cols-3" aria-label="Create a user">
        {serverError && <Alert className="sm:col-span-3">{serverError}</Alert>}
        {created && (
          <Alert tone="info" className="sm:col-span-3">
            Created {created}. Tell them their password through a safe channel.
          </Alert>
        )}
        <Field label="Username" error={errors.username}>
          {(props) => <input {...props} autoComplete="off" autoCapitalize="none" value={values.username} onChange={(e) => setValues({ ...values, username: e.target.value })} />}
        </Field>
        <Field label="Display name" optional error={errors.displayName}>
          {(props) => <input {...props} autoComplete="off" value={values.displayName} onChange={(e) => setValues({ ...values, displayName: e.target.value })} />}
        </Field>
        <Field label="Password" error={errors.password} hint="8–256 characters">
          {(props) => <input {...props} type="password" autoComplete="new-password" value={values.password} onChange={(e) => setValues({ ...values, password: e.target.value })} />}
        </Field>
        <label className="flex items-center gap-2 text-sm text-slate-800 sm:col-span-2">
          <input type="checkbox" checked={values.admin} onChange={(e) => setValues({ ...values, admin: e.target.checked })} className="h-4 w-4 accent-indigo-600" />
          Admin (manages users, API keys and sees the audit log)
        </label>
        <div className="flex justify-end">
          <Button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </Button>
        </div>
      </form>
    </section>
  );
}
