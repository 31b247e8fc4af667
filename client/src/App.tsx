// App shell: header (who is signed in, banners) and the page chosen by the current path.
import { lazy, Suspense, useEffect } from 'react';
import { AccountMenu } from './auth/AccountMenu';
import { useAuth } from './auth/AuthContext';
import { OpenModeBanner } from './auth/OpenModeBanner';
import { SignInPage } from './auth/SignInPage';
import { SignUpPage } from './auth/SignUpPage';
import { HealthBanner } from './health/HealthBanner';
import { IdentityMenu } from './identity/IdentityMenu';
import { LivestreamsPage } from './livestreams/LivestreamsPage';
import { SignedOutRoom } from './room/SignedOutRoom';
import { Link, matchRoute, useLocation } from './routing/router';
import { Alert } from './ui/Alert';
import { Button, ButtonLink } from './ui/Button';
import { Spinner } from './ui/Spinner';

// The room page carries livekit-client, the admin page is for few: the list page downloads neither.
const RoomPage = lazy(() => import('./room/RoomPage'));
const AdminPage = lazy(() => import('./admin/AdminPage'));

const TITLES: Partial<Record<string, string>> = { signin: 'Sign in', signup: 'Sign up', admin: 'Admin' };

function PageSpinner({ label }: { label: string }) {
  return (
    <div className="flex justify-center py-20 text-slate-500">
      <Spinner label={label} />
    </div>
  );
}

/** The header's identity: the Switch-user box in open mode, the account menu otherwise. */
function HeaderIdentity() {
  const { status, mode } = useAuth();
  if (status !== 'ready') return null;
  return mode === 'open' ? <IdentityMenu /> : <AccountMenu />;
}

export function App() {
  const location = useLocation();
  const auth = useAuth();
  const route = matchRoute(location.pathname, location.search);
  // Signed in, what pages read depends on who asks: a new principal (sign-in, sign-out) remounts
  // them. Open mode shows everyone the same, so Switch user keeps the list as it is.
  const who = auth.actor?.userId ?? 'signed-out';
  const reader = auth.mode === 'open' ? 'open' : who;

  useEffect(() => {
    if (route.page === 'room') return;
    const title = TITLES[route.page];
    document.title = title ? `${title} · Livestream Orchestrator` : 'Livestream Orchestrator';
  }, [route.page]);

  let page;
  if (auth.status === 'loading') {
    page = <PageSpinner label="Loading" />;
  } else if (auth.status === 'error') {
    page = (
      <Alert title="Could not reach the server">
        <p>{auth.error}</p>
        <Button variant="secondary" className="mt-3" onClick={auth.retry}>
          Try again
        </Button>
      </Alert>
    );
  } else if (route.page === 'livestreams') {
    page = <LivestreamsPage key={reader} />;
  } else if (route.page === 'room') {
    page = auth.actor ? (
      <Suspense fallback={<PageSpinner label="Loading the room" />}>
        {/* A new identity or role is a new seat: remount to leave the old one and join again. */}
        <RoomPage key={`${route.livestreamId}:${route.role}:${who}`} livestreamId={route.livestreamId} role={route.role} actor={auth.actor} />
      </Suspense>
    ) : (
      <SignedOutRoom key={`${route.livestreamId}:${route.role}`} livestreamId={route.livestreamId} role={route.role} />
    );
  } else if (route.page === 'signin') {
    page = <SignInPage />;
  } else if (route.page === 'signup') {
    page = <SignUpPage />;
  } else if (route.page === 'admin') {
    page = (
      <Suspense fallback={<PageSpinner label="Loading the admin page" />}>
        <AdminPage key={reader} />
      </Suspense>
    );
  } else {
    page = (
      <div className="py-20 text-center">
        <h1 className="text-xl font-bold">Page not found</h1>
        <ButtonLink to="/" className="mt-4">
          Back to livestreams
        </ButtonLink>
      </div>
    );
  }

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
          <HeaderIdentity />
        </div>
      </header>
      <OpenModeBanner />
      <HealthBanner />

      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6 sm:py-8 lg:px-8">
        {page}
      </main>
    </div>
  );
}
