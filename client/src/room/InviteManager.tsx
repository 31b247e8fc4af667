// The invite list of a private livestream, on its page for the creator (and admins): who may
// watch besides them, add someone by user id, remove someone.
import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api/client';
import type { Invite } from '../api/types';
import { Button } from '../ui/Button';
import { Spinner } from '../ui/Spinner';

interface InviteManagerProps {
  livestreamId: string;
  /** Injected by tests; the API client otherwise. */
  client?: Pick<typeof api, 'listInvites' | 'addInvite' | 'removeInvite'>;
}

export function InviteManager({ livestreamId, client = api }: InviteManagerProps) {
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [userId, setUserId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    client
      .listInvites(livestreamId, controller.signal)
      .then(setInvites)
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setLoadError(errorMessage(reason));
      });
    return () => controller.abort();
  }, [livestreamId, client]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const id = userId.trim();
    setError(null);
    if (!id) {
      setError('Enter the user ID of the person to invite');
      return;
    }
    if (invites?.some((invite) => invite.userId === id)) {
      setError(`${id} is already invited`);
      return;
    }
    setBusy(true);
    try {
      await client.addInvite(livestreamId, id);
      setUserId('');
      setInvites(await client.listInvites(livestreamId));
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    setBusy(true);
    setError(null);
    try {
      await client.removeInvite(livestreamId, id);
      setInvites((current) => (current ?? []).filter((invite) => invite.userId !== id));
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="invites-title" className="rounded-2xl border border-slate-200 bg-white p-4">
      <h2 id="invites-title" className="text-sm font-semibold text-slate-900">
        Invited people
      </h2>
      <p className="mt-1 text-xs text-slate-500">This livestream is private: only you, admins and these people can watch it.</p>

      {loadError ? (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {loadError}
        </p>
      ) : invites === null ? (
        <div className="mt-2 text-slate-500">
          <Spinner label="Loading the invite list" />
        </div>
      ) : invites.length === 0 ? (
        <p className="mt-2 text-xs text-slate-500">Nobody is invited yet.</p>
      ) : (
        <ul className="mt-2 space-y-1" aria-label="Invited people">
          {invites.map((invite) => (
            <li key={invite.userId} className="flex items-center justify-between gap-2 text-sm text-slate-800">
              <span className="min-w-0 truncate">
                {invite.displayName && invite.displayName !== invite.userId && <span className="mr-1">{invite.displayName}</span>}
                <span className="font-mono text-xs text-slate-600">{invite.userId}</span>
              </span>
              <Button
                variant="ghost"
                className="shrink-0 px-2 py-1 text-xs"
                disabled={busy}
                aria-label={`Remove ${invite.userId}`}
                onClick={() => void remove(invite.userId)}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}

      <form noValidate onSubmit={(event) => void add(event)} className="mt-3 space-y-2" aria-label="Invite someone">
        <label htmlFor="invite-user-id" className="text-xs font-medium text-slate-700">
          User ID to invite
        </label>
        <div className="flex gap-2">
          <input
            id="invite-user-id"
            value={userId}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={Boolean(error)}
            aria-describedby={error ? 'invite-error' : undefined}
            onChange={(e) => setUserId(e.target.value)}
            className="block w-full min-w-0 rounded-lg border border-slate-300 px-3 py-1.5 font-mono text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500"
          />
          <Button type="submit" className="shrink-0 px-3 py-1.5" disabled={busy}>
            Invite
          </Button>
        </div>
        {error && (
          <p id="invite-error" role="alert" className="text-sm text-rose-700">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
