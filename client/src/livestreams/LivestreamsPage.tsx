// Home page: the livestream grid with status and owner filters, infinite scroll and the create
// dialog; signed out, the public livestreams with a call to sign in or sign up.
import { useEffect, useRef, useState } from 'react';
import { signInPath, useAuth } from '../auth/AuthContext';
import { navigate, useLocation } from '../routing/router';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { Spinner } from '../ui/Spinner';
import { useInView } from '../ui/useInView';
import { CreateLivestreamDialog } from './CreateLivestreamDialog';
import { LivestreamCard } from './LivestreamCard';
import { emptyState, type StatusFilter } from './listState';
import { OwnerFilterTabs, parseMine } from './OwnerFilterTabs';
import { parseStatusFilter, StatusFilterTabs } from './StatusFilterTabs';
import { useLivestreamList } from './useLivestreamList';

/** The list address for a status filter and "mine". */
function listPath(filter: StatusFilter, mine: boolean): string {
  const params = new URLSearchParams();
  if (mine) params.set('mine', '1');
  if (filter !== 'ALL') params.set('status', filter);
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

export function LivestreamsPage() {
  const { me, actor, canCreate, config } = useAuth();
  const location = useLocation();
  const filter = parseStatusFilter(location.search);
  // "Mine" needs someone who can own livestreams; a guest or a signed-out visitor sees everything.
  const mine = canCreate && me !== null && parseMine(location.search);
  const list = useLivestreamList(filter, mine && me ? me.id : null);
  const [creating, setCreating] = useState(false);

  const sentinel = useRef<HTMLDivElement>(null);
  const nearEnd = useInView(sentinel, { rootMargin: '400px' });
  const { loadMore, items } = list;
  // Runs again after each page: a short page that leaves the sentinel on screen loads the next.
  useEffect(() => {
    if (nearEnd) loadMore();
  }, [nearEnd, loadMore, items.length]);

  const setFilter = (next: StatusFilter) => navigate(listPath(next, mine), { replace: true });
  const setMine = (next: boolean) => navigate(listPath(filter, next), { replace: true });
  const openCreate = canCreate ? () => setCreating(true) : null;

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-bold tracking-tight text-slate-900">Livestreams</h1>
          <p className="mt-1 text-sm text-slate-600">
            Live numbers update by themselves.
            {list.connection === 'reconnecting' && (
              <span className="ml-2 text-amber-700" role="status">
                Live updates interrupted, reconnecting…
              </span>
            )}
          </p>
        </div>
        {openCreate && (
          <Button onClick={openCreate}>
            <svg aria-hidden="true" viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth={2.5}>
              <path strokeLinecap="round" d="M12 5v14M5 12h14" />
            </svg>
            Create livestream
          </Button>
        )}
      </div>

      {!canCreate && config?.accounts && <SignInCallToAction guest={me?.kind === 'guest'} signupOpen={config.signup === 'open'} />}

      <div className="flex flex-wrap gap-3">
        {canCreate && <OwnerFilterTabs mine={mine} onChange={setMine} />}
        <StatusFilterTabs value={filter} onChange={setFilter} />
      </div>

      {list.loading ? (
        <div className="flex justify-center py-16 text-slate-500">
          <Spinner label="Loading livestreams" />
        </div>
      ) : list.error && list.items.length === 0 ? (
        <Alert title="Could not load livestreams">
          <p>{list.error}</p>
          <Button variant="secondary" className="mt-3" onClick={list.retry}>
            Try again
          </Button>
        </Alert>
      ) : list.items.length === 0 ? (
        <EmptyState filter={filter} mine={mine} onCreate={openCreate} />
      ) : (
        <ul className="grid gap-5 sm:grid-cols-2 lg:grid-cols-3" aria-label="Livestreams">
          {list.items.map((livestream) => (
            <li key={livestream.id}>
              <LivestreamCard
                livestream={livestream}
                state={list.states[livestream.id] ?? (list.haveSnapshot ? emptyState(livestream) : undefined)}
                currentUserId={me?.id ?? null}
                admin={me?.admin ?? false}
                identityInBodies={actor?.inBodies ?? false}
                onChanged={list.upsert}
              />
            </li>
          ))}
        </ul>
      )}

      <div ref={sentinel} aria-hidden="true" className="h-1" />
      {list.loadingMore && (
        <div className="flex justify-center pb-8 text-slate-500">
          <Spinner label="Loading more livestreams" />
        </div>
      )}
      {list.error && list.items.length > 0 && (
        <Alert title="Could not load more livestreams">
          <p>{list.error}</p>
          <Button variant="secondary" className="mt-3" onClick={list.retry}>
            Reload the list
          </Button>
        </Alert>
      )}

      {canCreate && me && actor && (
        <CreateLivestreamDialog
          open={creating}
          createdBy={actor.inBodies ? actor.userId : undefined}
          creatorName={me.displayName}
          onClose={() => setCreating(false)}
          onCreated={list.upsert}
        />
      )}
    </div>
  );
}

function EmptyState({ filter, mine, onCreate }: { filter: StatusFilter; mine: boolean; onCreate: (() => void) | null }) {
  const what = filter === 'ALL' ? 'livestreams' : `${filter.toLowerCase()} livestreams`;
  return (
    <div className="rounded-2xl border border-dashed border-slate-300 bg-white px-6 py-16 text-center">
      <p className="text-base font-medium text-slate-900">
        {mine ? `You have no ${what}` : filter === 'ALL' ? 'No livestreams yet' : `No ${what}`}
      </p>
      {onCreate ? (
        <>
          <p className="mt-1 text-sm text-slate-600">
            {filter === 'ALL' ? 'Create the first one and go live.' : 'Try another filter, or create a livestream.'}
          </p>
          <Button className="mt-5" onClick={onCreate}>
            Create livestream
          </Button>
        </>
      ) : (
        <p className="mt-1 text-sm text-slate-600">Public livestreams show up here when they start.</p>
      )}
    </div>
  );
}

/** Signed out (or a guest): what there is to gain from an account, and the ways in. */
function SignInCallToAction({ guest, signupOpen }: { guest: boolean; signupOpen: boolean }) {
  return (
    <section aria-label="Sign in" className="flex flex-col gap-3 rounded-2xl border border-indigo-200 bg-indigo-50 px-5 py-4 sm:flex-row sm:items-center sm:justify-between">
      <p className="text-sm text-indigo-950">
        {guest ? 'You are watching as a guest. ' : 'You are seeing the public livestreams. '}
        Sign in to create your own livestreams and to watch the private ones you are invited to.
      </p>
      <div className="flex shrink-0 gap-2">
        <ButtonLink to={signInPath('/')} variant="secondary">
          Sign in
        </ButtonLink>
        {signupOpen && <ButtonLink to="/signup">Sign up</ButtonLink>}
      </div>
    </section>
  );
}
