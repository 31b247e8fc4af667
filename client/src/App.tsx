// App shell: header (identity, health banner) and the page chosen by the current path.
import { lazy, Suspense, useEffect } from 'react';
import { HealthBanner } from './health/HealthBanner';
import { useIdentity } from './identity/IdentityContext';
import { IdentityMenu } from './identity/IdentityMenu';
import { LivestreamsPage } from './livestreams/LivestreamsPage';
import { Link, matchRoute, useLocation } from './routing/router';
import { ButtonLink } from './ui/Button';
import { Spinner } from './ui/Spinner';

// The room page carries livekit-client; the list page never downloads it.
const RoomPage = lazy(() => import('./room/RoomPage'));

export function App() {
  const location = useLocation();
  const { identity } = useIdentity();
  const route = matchRoute(location.pathname, location.search);

  useEffect(() => {
    if (route.page !== 'room') document.title = 'Livestream Orchestrator';
  }, [route.page]);

  return (
    <div className="flex min-h-screen flex-col bg-slate-50 text-slate-900">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3 sm:px-6 lg:px-8">
          <Link
            to="/"
            aria-label="Livestream Orchestrator: all livestreams"
            className="flex min-w-0 items-center gap-2 rounded-lg focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          >
            <img src="/favicon.svg" alt="" className="h-8 w-8 shrink-0" />
            <span className="hidden text-lg font-semibold tracking-tight text-slate-900 sm:inline">Livestream Orchestrator</span>
          </Link>
          <IdentityMenu />
        </div>
      </header>
      <HealthBanner />

      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6 sm:py-8 lg:px-8">
        {route.page === 'livestreams' && <LivestreamsPage />}
        {route.page === 'room' && (
          <Suspense
            fallback={
              <div className="flex justify-center py-20 text-slate-500">
                <Spinner label="Loading the room" />
              </div>
            }
          >
            {/* A new identity or role is a new seat: remount to leave the old one and join again. */}
            <RoomPage key={`${route.livestreamId}:${route.role}:${identity.userId}`} livestreamId={route.livestreamId} role={route.role} />
          </Suspense>
        )}
        {route.page === 'not_found' && (
          <div className="py-20 text-center">
            <h1 className="text-xl font-bold">Page not found</h1>
            <ButtonLink to="/" className="mt-4">
              Back to livestreams
            </ButtonLink>
          </div>
        )}
      </main>
    </div>
  );
}
