// A minimal history router: the pages of the app, path matching, navigation and links.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const NAVIGATE_EVENT = 'app:navigate';

export type Route =
  | { page: 'livestreams' }
  | { page: 'room'; livestreamId: string; role: 'host' | 'viewer' }
  | { page: 'signin' }
  | { page: 'signup' }
  | { page: 'admin' }
  | { page: 'not_found' };

const SIMPLE_PAGES: Record<string, Route> = {
  '/signin': { page: 'signin' },
  '/signup': { page: 'signup' },
  '/admin': { page: 'admin' },
};

const ROOM_PATH = /^\/livestreams\/([^/]+)\/room\/?$/;

export function matchRoute(pathname: string, search: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'livestreams' };
  const simple = SIMPLE_PAGES[pathname.replace(/\/$/, '')];
  if (simple) return simple;
  const room = ROOM_PATH.exec(pathname);
  if (room?.[1]) {
    const role = new URLSearchParams(search).get('role') === 'host' ? 'host' : 'viewer';
    return { page: 'room', livestreamId: decodeURIComponent(room[1]), role };
  }
  return { page: 'not_found' };
}

export function roomPath(livestreamId: string, role: 'host' | 'viewer'): string {
  return `/livestreams/${encodeURIComponent(livestreamId)}/room?role=${role}`;
}

/** A `next=` target that stays on this site (a path, never `//host` or `https:`); '/' otherwise. */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export interface Location {
  pathname: string;
  search: string;
  /** pathname + search; changes whenever the page changes. */
  key: string;
}

export function useLocation(): Location {
  const key = useSyncExternalStore(subscribe, snapshot, () => '/');
  const queryAt = key.indexOf('?');
  return queryAt === -1
    ? { pathname: key, search: '', key }
    : { pathname: key.slice(0, queryAt), search: key.slice(queryAt), key };
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An ordinary link (middle-click, copy address work) that navigates in-app on a plain click. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}
