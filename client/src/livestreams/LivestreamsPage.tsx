// Home page: the livestream grid with status filter, infinite scroll and the create dialog.
import { useEffect, useRef, useState } from 'react';
import { useIdentity } from '../identity/IdentityContext';
import { navigate, useLocation } from '../routing/router';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Spinner } from '../ui/Spinner';
import { useInView } from '../ui/useInView';
import { CreateLivestreamDialog } from './CreateLivestreamDialog';
import { LivestreamCard } from './LivestreamCard';
import { emptyState, type StatusFilter } from './listState';
import { parseStatusFilter, StatusFilterTabs } from './StatusFilterTabs';
import { useLivestreamList } from './useLivestreamList';

export function LivestreamsPage() {
  const { identity } = useIdentity();
  const location = useLocation();
  const filter = parseStatusFilter(location.search);
  const list = useLivestreamList(filter);
  const [creating, setCreating] = useState(false);

  const sentinel = useRef<HTMLDivElement>(null);
  const nearEnd = useInView(sentinel, { rootMargin: '400px' });
  const { loadMore, items } = list;
  // Runs again after each page: a short page that leaves the sentinel on screen loads the next.
  useEffect(() => {
    if (nearEnd) loadMore();
  }, [nearEnd, loadMore, items.length]);

  const setFilter = (next: StatusFilter) => {
    navigate(next === 'ALL' ? '/' : `/?status=${next}`, { replace: true });
  };

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
        <Button onClick={() => setCreating(true)}>
          <svg aria-hidden="true" viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth={2.5}>
            <path strokeLinecap="round" d="M12 5v14M5 12h14" />
          </svg>
          Create livestream
        </Button>
      </div>

      <StatusFilterTabs value={filter} onChange={setFilter} />

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
        <EmptyState filter={filter} onCreate={() => setCreating(true)} />
      ) : (
        <ul className="grid gap-5 sm:grid-cols-2 lg:grid-cols-3" aria-label="Livestreams">
          {list.items.map((livestream) => (
            <li key={livestream.id}>
              <LivestreamCard
                livestream={livestream}
                state={list.states[livestream.id] ?? (list.haveSnapshot ? emptyState(livestream) : undefined)}
                currentUserId={identity.userId}
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

      <CreateLivestreamDialog
        open={creating}
        createdBy={identity.userId}
        onClose={() => setCreating(false)}
        onCreated={list.upsert}
      />
    </div>
  );
}

function EmptyState({ filter, onCreate }: { filter: StatusFilter; onCreate: () => void }) {
  return (
    <div className="rounded-2xl border border-dashed border-slate-300 bg-white px-6 py-16 text-center">
      <p className="text-base font-medium text-slate-900">
        {filter === 'ALL' ? 'No livestreams yet' : `No ${filter.toLowerCase()} livestreams`}
      </p>
      <p className="mt-1 text-sm text-slate-600">
        {filter === 'ALL' ? 'Create the first one and go live.' : 'Try another filter, or create a livestream.'}
      </p>
      <Button className="mt-5" onClick={onCreate}>
        Create livestream
      </Button>
    </div>
  );
}
