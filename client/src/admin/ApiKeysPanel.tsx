// Admin: API keys — list (prefix, scopes, last use), revoke with confirmation, create with a
// name and scopes (the new key is shown once).
import { useEffect, useState, type FormEvent } from 'react';
import { adminApi, API_KEY_SCOPES, type ApiKeyInfo } from '../api/admin';
import { errorMessage } from '../api/client';
import { formatDateTime } from '../format';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Spinner } from '../ui/Spinner';
import { NewKeyDialog } from './NewKeyDialog';
import { inputClass, panelTitle, table, tableWrap, tbody, td, th } from './table';

type Client = Pick<typeof adminApi, 'listApiKeys' | 'createApiKey' | 'revokeApiKey'>;

const SCOPE_HELP: Record<string, string> = {
  read: 'read livestreams and their state',
  write: 'create, join, leave and end livestreams',
  admin: 'users, API keys and the audit log',
  'act-as': 'name the acting user in request bodies',
};

export const KEY_NAME_MAX = 100;

export function ApiKeysPanel({ client = adminApi }: { client?: Client }) {
  const [keys, setKeys] = useState<ApiKeyInfo[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyInfo | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    client
      .listApiKeys(controller.signal)
      .then(setKeys)
      .catch((error: unknown) => !controller.signal.aborted && setLoadError(errorMessage(error)));
    return () => controller.abort();
  }, [client]);

  const revoke = async () => {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      await client.revokeApiKey(revoking.id);
      const at = new Date().toISOString();
      setKeys((current) => (current ?? []).map((k) => (k.id === revoking.id ? { ...k, revokedAt: k.revokedAt ?? at } : k)));
      setRevoking(null);
    } catch (error) {
      setRevokeError(errorMessage(error));
    } finally {
      setRevokeBusy(false);
    }
  };

  return (
    <div className="space-y-6">
      <section aria-labelledby="keys-title" className="space-y-3">
        <h2 id="keys-title" className={panelTitle}>
          API keys
        </h2>
        {loadError ? (
          <Alert title="Could not load the API keys">{loadError}</Alert>
        ) : keys === null ? (
          <Spinner label="Loading API keys" />
        ) : keys.length === 0 ? (
          <p className="text-sm text-slate-600">No API keys yet.</p>
        ) : (
          <div className={tableWrap}>
            <table className={table} aria-label="API keys">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>Name</th>
                  <th scope="col" className={th}>Key</th>
                  <th scope="col" className={th}>Scopes</th>
                  <th scope="col" className={th}>Created</th>
                  <th scope="col" className={th}>Last used</th>
                  <th scope="col" className={th}><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className={tbody}>
                {keys.map((key) => (
                  <tr key={key.id} data-testid="api-key-row" className={key.revokedAt ? 'text-slate-400' : ''}>
                    <td className={td}>{key.name}</td>
                    <td className={`${td} font-mono text-xs`}>{key.prefix}…</td>
                    <td className={td}>
                      <ul className="flex flex-wrap gap-1" aria-label={`Scopes of ${key.name}`}>
                        {key.scopes.map((scope) => (
                          <li key={scope} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">
                            {scope}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className={`${td} whitespace-nowrap text-slate-600`}>{formatDateTime(key.createdAt)}</td>
                    <td className={`${td} whitespace-nowrap text-slate-600`}>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'never'}</td>
                    <td className={`${td} whitespace-nowrap text-right`}>
                      {key.revokedAt ? (
                        <span className="text-xs text-rose-700">revoked {formatDateTime(key.revokedAt)}</span>
                      ) : (
                        <Button variant="secondary" className="px-3 py-1 text-xs text-rose-700" aria-label={`Revoke ${key.name}`} onClick={() => setRevoking(key)}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <CreateKeyForm
        client={client}
        onCreated={(info, secret) => {
          setKeys((current) => [info, ...(current ?? [])]);
          setCreated({ name: info.name, secret });
        }}
      />

      <NewKeyDialog name={created?.name ?? ''} secret={created?.secret ?? null} onClose={() => setCreated(null)} />
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        message="Programs using this key are refused from now on. This cannot be undone."
        confirmLabel="Revoke key"
        busy={revokeBusy}
        error={revokeError}
        onConfirm={() => void revoke()}
        onCancel={() => {
          setRevoking(null);
          setRevokeError(null);
        }}
      />
    </div>
  );
}

function CreateKeyForm({ client, onCreated }: { client: Client; onCreated: (info: ApiKeyInfo, secret: string) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (scope: string, on: boolean) =>
    setScopes((current) => (on ? API_KEY_SCOPES.filter((s) => s === scope || current.includes(s)) : current.filter((s) => s !== scope)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    setError(null);
    if (!trimmed) return setError('Give the key a name, e.g. the program that will use it');
    if ([...trimmed].length > KEY_NAME_MAX) return setError(`At most ${KEY_NAME_MAX} characters`);
    if (scopes.length === 0) return setError('Choose at least one scope');
    setBusy(true);
    try {
      const answer = await client.createApiKey(trimmed, scopes);
      if (!answer.key) throw new Error('The server did not send the key');
      onCreated({ ...answer.apiKey, name: answer.apiKey.name || trimmed }, answer.key);
      setName('');
      setScopes(['read']);
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="create-key-title" className="rounded-2xl border border-slate-200 bg-white p-5">
      <h2 id="create-key-title" className={panelTitle}>
        Create an API key
      </h2>
      <form noValidate onSubmit={(event) => void submit(event)} className="mt-4 space-y-4" aria-label="Create an API key">
        {error && <Alert>{error}</Alert>}
        <div>
          <label htmlFor="api-key-name" className="text-sm font-medium text-slate-800">
            Key name
          </label>
          <input id="api-key-name" className={`${inputClass} mt-1 max-w-md`} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Scopes</legend>
          <div className="mt-1 grid gap-2 sm:grid-cols-2">
            {API_KEY_SCOPES.map((scope) => (
              <label key={scope} className="flex items-start gap-2 text-sm text-slate-800">
                <input
                  type="checkbox"
                  className="mt-0.5 h-4 w-4 accent-indigo-600"
                  checked={scopes.includes(scope)}
                  onChange={(e) => toggle(scope, e.target.checked)}
                  aria-labelledby={`scope-${scope}-label`}
                  aria-describedby={`scope-${scope}-help`}
                />
                <span>
                  <span id={`scope-${scope}-label`} className="font-mono">
                    {scope}
                  </span>
                  <span id={`scope-${scope}-help`} className="block text-xs text-slate-500">
                    {SCOPE_HELP[scope]}
                  </span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex justify-end">
          <Button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create key'}
          </Button>
        </div>
      </form>
    </section>
  );
}
