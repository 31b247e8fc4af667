// What a signed-out visitor gets on a livestream's link: its title, "Watch as guest" (public
// livestreams, when the server allows guests) with an optional display name, or the way to sign in.
import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage, isApiError } from '../api/client';
import type { Livestream } from '../api/types';
import { signInPath, useAuth } from '../auth/AuthContext';
import { validateDisplayName } from '../auth/credentials';
import { useLocation } from '../routing/router';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { Spinner } from '../ui/Spinner';
import { StatusBadge } from '../ui/StatusBadge';
import { VisibilityBadge } from '../ui/VisibilityBadge';
import { LivestreamEnded } from './LivestreamEnded';
import type { RoomRole } from './useRoomSession';

type Load = { phase: 'loading' } | { phase: 'ready'; livestream: Livestream } | { phase: 'failed'; title: string; message: string };

export function SignedOutRoom({ livestreamId, role }: { livestreamId: string; role: RoomRole }) {
  const { config, continueAsGuest } = useAuth();
  const location = useLocation();
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    // A 401 here (guests off, or a private livestream) goes to the sign-in page by itself.
    api
      .getLivestream(livestreamId, controller.signal)
      .then((livestream) => setLoad({ phase: 'ready', livestream }))
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        if (isApiError(reason) && reason.status === 404) {
          setLoad({ phase: 'failed', title: 'Livestream not found', message: 'It may have been removed, or the link is wrong.' });
        } else {
          setLoad({ phase: 'failed', title: 'Could not open the livestream', message: errorMessage(reason) });
        }
      });
    return () => controller.abort();
  }, [livestreamId]);

  const signIn = signInPath(location.key);

  if (load.phase === 'loading') {
    return (
      <div className="flex justify-center py-20 text-slate-500">
        <Spinner label="Loading the livestream" />
      </div>
    );
  }
  if (load.phase === 'failed') {
    return (
      <Alert title={load.title}>
        <p>{load.message}</p>
        <ButtonLink to="/" variant="secondary" className="mt-3">
          Back to livestreams
        </ButtonLink>
      </Alert>
    );
  }

  const { livestream } = load;
  if (livestream.status === 'ENDED') return <LivestreamEnded livestream={livestream} state={null} />;
  const guestsWelcome = role === 'viewer' && config?.guests === true && (livestream.visibility ?? 'public') === 'public';

  const watch = async (event: FormEvent) => {
    event.preventDefault();
    const problem = validateDisplayName(name);
    setError(problem ?? null);
    if (problem) return;
    setBusy(true);
    try {
      // The page turns into the room as soon as the guest session exists.
      await continueAsGuest(name.trim() || undefined);
    } catch (reason) {
      setError(errorMessage(reason));
      setBusy(false);
    }
  };

  return (
    <section data-testid="signed-out-room" aria-labelledby="signed-out-title" className="mx-auto max-w-lg rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <div className="flex flex-wrap items-center gap-2">
        <h1 id="signed-out-title" className="text-xl font-bold break-words text-slate-900">
          {livestream.title}
        </h1>
        <StatusBadge status={livestream.status} />
        <VisibilityBadge visibility={livestream.visibility} />
      </div>
      {livestream.creatorName && <p className="mt-1 text-sm text-slate-600">by {livestream.creatorName}</p>}
      {livestream.description && <p className="mt-2 text-sm whitespace-pre-line text-slate-700">{livestream.description}</p>}

      {guestsWelcome ? (
        <form noValidate onSubmit={(event) => void watch(event)} className="mt-6 space-y-3" aria-label="Watch as guest">
          <label htmlFor="guest-name" className="text-sm font-medium text-slate-800">
            Your name <span className="font-normal text-slate-500">(optional)</span>
          </label>
          <input
            id="guest-name"
            value={name}
            autoComplete="nickname"
            placeholder="Guest"
            aria-invalid={Boolean(error)}
            aria-describedby={error ? 'guest-error' : 'guest-hint'}
            onChange={(e) => setName(e.target.value)}
            className="block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500"
          />
          {error ? (
            <p id="guest-error" role="alert" className="text-sm text-rose-700">
              {error}
            </p>
          ) : (
            <p id="guest-hint" className="text-xs text-slate-500">
              Shown to the others in the livestream. No account needed.
            </p>
          )}
          <div className="flex flex-col gap-2 sm:flex-row">
            <Button type="submit" disabled={busy} className="flex-1">
              {busy ? 'Joining…' : 'Watch as guest'}
            </Button>
            <ButtonLink to={signIn} variant="secondary" className="flex-1">
              Sign in
            </ButtonLink>
          </div>
        </form>
      ) : (
        <div className="mt-6">
          <p className="text-sm text-slate-700">{role === 'host' ? 'Sign in to host this livestream.' : 'Sign in to watch this livestream.'}</p>
          <ButtonLink to={signIn} className="mt-3">
            Sign in
          </ButtonLink>
        </div>
      )}
    </section>
  );
}
