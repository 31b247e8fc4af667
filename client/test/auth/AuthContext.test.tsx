// Auth context: open mode keeps the Switch-user identity (named in bodies), the accounts mode
// asks who is signed in, a 401 from any call signs out and goes to the sign-in page.
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../src/api/client';
import { AuthProvider, useAuth } from '../../src/auth/AuthContext';
import { IdentityProvider } from '../../src/identity/IdentityContext';
import { currentUser } from '../support/auth';
import { jsonResponse, livestream } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

const ok = (data: unknown, status = 200) => jsonResponse({ success: true, data }, status);
const failure = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
  jsonResponse({ success: false, error, message, statusCode: status }, status, headers);

function serve(routes: Record<string, () => Response>) {
  fetchMock.mockImplementation(async (input, init) => {
    const key = `${init?.method ?? 'GET'} ${String(input)}`;
    const route = routes[key];
    if (!route) throw new Error(`unexpected ${key}`);
    return route();
  });
}

const requests = () => fetchMock.mock.calls.map(([input, init]) => `${init?.method ?? 'GET'} ${String(input)}`);

const wrapper = ({ children }: { children: ReactNode }) => (
  <IdentityProvider initial={{ userId: 'bob', displayName: 'Bob' }}>
    <AuthProvider>{children}</AuthProvider>
  </IdentityProvider>
);

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
  window.history.replaceState(null, '', '/');
});

describe('AuthProvider in open mode', () => {
  it('makes the Switch-user identity the user, named in bodies, without asking who is signed in', async () => {
    serve({ 'GET /api/v1/auth/config': () => ok({ authMode: 'open', accounts: false, signup: 'closed', guests: false }) });
    const { result } = renderHook(() => useAuth(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('ready'));

    expect(result.current.mode).toBe('open');
    expect(result.current.me).toMatchObject({ id: 'bob', displayName: 'Bob', admin: false, via: 'open' });
    expect(result.current.actor).toEqual({ userId: 'bob', displayName: 'Bob', inBodies: true });
    expect(result.current.canCreate).toBe(true);
    expect(requests()).toEqual(['GET /api/v1/auth/config']);
  });

  it('takes a server without identity (no /auth/config) for open mode', async () => {
    serve({ 'GET /api/v1/auth/config': () => failure(404, 'NotFoundError', 'Route not found') });
    const { result } = renderHook(() => useAuth(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current.mode).toBe('open');
    expect(result.current.actor?.userId).toBe('bob');
  });

  it('ignores a 401 (nobody signs out in open mode)', async () => {
    serve({
      'GET /api/v1/auth/config': () => ok({ authMode: 'open', accounts: false, signup: 'closed', guests: false }),
      'GET /api/v1/livestreams/x': () => failure(401, 'AuthenticationError', 'Sign in first'),
    });
    const { result } = renderHook(() => useAuth(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('ready'));
    await expect(api.getLivestream('x')).rejects.toMatchObject({ status: 401 });
    expect(window.location.pathname).toBe('/');
    expect(result.current.me?.id).toBe('bob');
  });
});

describe('AuthProvider in accounts mode', () => {
  const config = () => ok({ authMode: 'accounts', accounts: true, signup: 'open', guests: true });

  it('reads the signed-in user; identity is left out of bodies', async () => {
    serve({ 'GET /api/v1/auth/config': config, 'GET /api/v1/auth/me': () => ok({ user: currentUser({ admin: true }) }) });
    const { result } = renderHook(() => useAuth(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('ready'));

    expect(result.current.me).toMatchObject({ id: 'alice', admin: true });
    expect(result.current.actor).toEqual({ userId: 'alice', displayName: 'Alice', inBodies: false });
  });

  it('is signed out when /auth/me answers 401, without going to the sign-in page', async () => {
    serve({ 'GET /api/v1/auth/config': config, 'GET /api/v1/auth/me': () => failure(401, 'AuthenticationError', 'Not signed in') });
    const { result } = renderHook(() => useAuth(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current.me).toBeNull();
    expect(result.current.actor).toBeNull();
    expect(result.current.canCreate).toBe(false);
    expect(window.location.pathname).toBe('/');
  });

  it('signs in, and a later 401 from any call signs out and opens the sign-in page', async () => {
    serve({
      'GET /api/v1/auth/config': config,
      'GET /api/v1/auth/me': () => failure(401, 'AuthenticationError', 'Not signed in'),
      'POST /api/v1/auth/login': () => ok({ user: currentUser() }),
      'GET /api/v1/livestreams/x': () => failure(401, 'AuthenticationError', 'Session expired'),
    });
    const { result } = renderHook(() => useAuth(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('ready'));

    await act(() => result.current.signIn('alice', 'correct horse'));
    expect(result.current.me?.id).toBe('alice');
    const login = fetchMock.mock.calls.find(([input]) => String(input) === '/api/v1/auth/login');
    expect(JSON.parse(String(login?.[1]?.body))).toEqual({ username: 'alice', password: 'correct horse' });

    window.history.replaceState(null, '', '/livestreams/x/room?role=viewer');
    await act(async () => {
      await expect(api.getLivestream('x')).rejects.toMatchObject({ status: 401 });
    });
    expect(result.current.me).toBeNull();
    expect(window.location.pathname).toBe('/signin');
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/livestreams/x/room?role=viewer');
  });

  it('starts a guest session and signs out', async () => {
    serve({
      'GET /api/v1/auth/config': config,
      'GET /api/v1/auth/me': () => failure(401, 'AuthenticationError', 'Not signed in'),
      'POST /api/v1/auth/guest': () => ok({ user: currentUser({ id: 'guest-1a2b', displayName: 'Gus', kind: 'guest' }) }, 201),
      'POST /api/v1/auth/logout': () => ok(null),
    });
    const { result } = renderHook(() => useAuth(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('ready'));

    await act(() => result.current.continueAsGuest('Gus'));
    expect(result.current.me).toMatchObject({ id: 'guest-1a2b', kind: 'guest' });
    expect(result.current.canCreate).toBe(false);
    const guest = fetchMock.mock.calls.find(([input]) => String(input) === '/api/v1/auth/guest');
    expect(JSON.parse(String(guest?.[1]?.body))).toEqual({ displayName: 'Gus' });

    await act(() => result.current.signOut());
    expect(result.current.me).toBeNull();
  });

  it('reports a configuration it cannot read, and reads again on retry', async () => {
    let calls = 0;
    serve({
      'GET /api/v1/auth/config': () => {
        calls += 1;
        return calls === 1 ? failure(503, 'InternalServerError', 'database unavailable') : config();
      },
      'GET /api/v1/auth/me': () => ok({ user: currentUser() }),
    });
    const { result } = renderHook(() => useAuth(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error).toBe('database unavailable');
    act(() => result.current.retry());
    await waitFor(() => expect(result.current.me?.id).toBe('alice'));
  });
});

describe('identity in request bodies', () => {
  it('ends a livestream naming the requester only when asked to', async () => {
    fetchMock.mockImplementation(async () => ok(livestream({ status: 'ENDED' })));
    await api.endLivestream('x', 'alice');
    await api.endLivestream('x');
    expect(fetchMock.mock.calls[0]?.[1]?.body).toBe(JSON.stringify({ requestingUserId: 'alice' }));
    expect(fetchMock.mock.calls[1]?.[1]?.body).toBeUndefined();
  });
});
