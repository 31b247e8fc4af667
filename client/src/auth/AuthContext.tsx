// Who is signed in: reads GET /auth/config and GET /auth/me at start and offers the actions
// (sign in, sign up, guest, sign out, password). In open mode the Switch-user identity is the user.
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';
import { authApi, type SignUpRequest } from '../api/auth';
import { errorMessage, onUnauthorized } from '../api/client';
import type { AuthConfig, AuthMode, CurrentUser } from '../api/types';
import { useIdentity } from '../identity/IdentityContext';
import { navigate } from '../routing/router';
import { actorFromIdentity, actorFromUser, type Actor } from './actor';

type LoadState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; config: AuthConfig; user: CurrentUser | null };

export interface AuthContextValue {
  status: LoadState['status'];
  /** Why the configuration could not be read (status 'error'). */
  error: string | null;
  config: AuthConfig | null;
  mode: AuthMode | null;
  /** The signed-in user; in open mode the Switch-user identity; null when signed out. */
  me: CurrentUser | null;
  /** Who requests act as, and whether bodies name them; null when signed out. */
  actor: Actor | null;
  /** A signed-in user who may create livestreams (not a guest). */
  canCreate: boolean;
  retry: () => void;
  signIn: (username: string, password: string) => Promise<CurrentUser>;
  signUp: (request: SignUpRequest) => Promise<CurrentUser>;
  continueAsGuest: (displayName?: string) => Promise<CurrentUser>;
  signOut: () => Promise<void>;
  changePassword: (currentPassword: string, newPassword: string) => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

const AUTH_PAGES = ['/signin', '/signup'];

/** The sign-in page, coming back to `next` (a path and query, by default the current one) afterwards. */
export function signInPath(next = window.location.pathname + window.location.search): string {
  const onAuthPage = AUTH_PAGES.some((page) => next === page || next.startsWith(`${page}?`));
  return next === '/' || onAuthPage ? '/signin' : `/signin?next=${encodeURIComponent(next)}`;
}

async function load(): Promise<{ config: AuthConfig; user: CurrentUser | null }> {
  const config = await authApi.config();
  // Open mode has no sessions: who am I is the Switch-user identity.
  if (config.authMode === 'open') return { config, user: null };
  return { config, user: await authApi.me() };
}

interface AuthProviderProps {
  children: ReactNode;
  /** Tests start from a known state instead of asking the server. */
  initial?: { config: AuthConfig; user: CurrentUser | null };
}

export function AuthProvider({ children, initial }: AuthProviderProps) {
  const { identity } = useIdentity();
  const [state, setState] = useState<LoadState>(() => (initial ? { status: 'ready', ...initial } : { status: 'loading' }));
  const [attempt, retry] = useReducer((n: number) => n + 1, 0);

  useEffect(() => {
    if (initial && attempt === 0) return undefined;
    let current = true;
    setState({ status: 'loading' });
    load()
      .then((loaded) => current && setState({ status: 'ready', ...loaded }))
      .catch((error: unknown) => current && setState({ status: 'error', message: errorMessage(error) }));
    return () => {
      current = false;
    };
    // `initial` is read once, like useState's initial value.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt]);

  const setUser = useCallback((user: CurrentUser | null) => {
    setState((current) => (current.status === 'ready' ? { ...current, user } : current));
  }, []);

  const mode = state.status === 'ready' ? state.config.authMode : null;

  // A 401 from any call: the session expired or was revoked. Signed out, on to the sign-in page.
  useEffect(() => {
    if (mode === null || mode === 'open') return undefined;
    return onUnauthorized(() => {
      setUser(null);
      if (!AUTH_PAGES.includes(window.location.pathname)) navigate(signInPath());
    });
  }, [mode, setUser]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const user = await authApi.signIn(username, password);
      setUser(user);
      return user;
    },
    [setUser],
  );
  const signUp = useCallback(
    async (request: SignUpRequest) => {
      const user = await authApi.signUp(request);
      setUser(user);
      return user;
    },
    [setUser],
  );
  const continueAsGuest = useCallback(
    async (displayName?: string) => {
      const user = await authApi.continueAsGuest(displayName);
      setUser(user);
      return user;
    },
    [setUser],
  );
  const signOut = useCallback(async () => {
    try {
      await authApi.signOut();
    } finally {
      // Even when the server could not be told, this browser shows the signed-out view.
      setUser(null);
    }
  }, [setUser]);
  const changePassword = useCallback((currentPassword: string, newPassword: string) => authApi.changePassword(currentPassword, newPassword), []);

  const value = useMemo<AuthContextValue>(() => {
    const config = state.status === 'ready' ? state.config : null;
    let me: CurrentUser | null = null;
    let actor: Actor | null = null;
    if (config?.authMode === 'open') {
      me = { id: identity.userId, displayName: identity.displayName, admin: false, kind: 'user', via: 'open' };
      actor = actorFromIdentity(identity);
    } else if (state.status === 'ready' && state.user) {
      me = state.user;
      actor = actorFromUser(state.user);
    }
    return {
      status: state.status,
      error: state.status === 'error' ? state.message : null,
      config,
      mode: config?.authMode ?? null,
      me,
      actor,
      canCreate: me !== null && me.kind !== 'guest',
      retry,
      signIn,
      signUp,
      continueAsGuest,
      signOut,
      changePassword,
    };
  }, [state, identity, signIn, signUp, continueAsGuest, signOut, changePassword]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside AuthProvider');
  return value;
}
