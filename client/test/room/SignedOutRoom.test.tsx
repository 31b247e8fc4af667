// A livestream's link opened signed out: "Watch as guest" on public livestreams when guests are
// allowed (POST /auth/guest with the optional name), otherwise the way to sign in.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthConfig, Livestream } from '../../src/api/types';
import { useAuth } from '../../src/auth/AuthContext';
import { SignedOutRoom } from '../../src/room/SignedOutRoom';
import { ACCOUNTS_CONFIG, AuthHarness, currentUser } from '../support/auth';
import { jsonResponse, livestream } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
  window.history.replaceState(null, '', '/livestreams/ls1/room?role=viewer');
});

function Me() {
  const { me } = useAuth();
  return <p data-testid="me">{me ? `${me.kind}:${me.displayName}` : 'nobody'}</p>;
}

function renderRoom(record: Livestream, config: AuthConfig = ACCOUNTS_CONFIG, role: 'host' | 'viewer' = 'viewer') {
  fetchMock.mockImplementation(async (input) => {
    if (String(input) === '/api/v1/auth/guest') {
      return jsonResponse({ success: true, data: { user: currentUser({ id: 'guest-1', displayName: 'Gus', kind: 'guest' }) } }, 201);
    }
    return jsonResponse({ success: true, data: record });
  });
  render(
    <AuthHarness config={config} user={null}>
      <SignedOutRoom livestreamId="ls1" role={role} />
      <Me />
    </AuthHarness>,
  );
  return userEvent.setup();
}

describe('SignedOutRoom', () => {
  it('offers to watch a public livestream as a guest, with a name', async () => {
    const user = renderRoom(livestream({ id: 'ls1', createdBy: null, creatorName: 'Alice', visibility: 'public' }));
    expect(await screen.findByRole('heading', { name: 'Morning show' })).toBeTruthy();
    expect(screen.getByText('by Alice')).toBeTruthy();

    await user.type(screen.getByLabelText(/Your name/), 'Gus');
    await user.click(screen.getByRole('button', { name: 'Watch as guest' }));

    await waitFor(() => expect(screen.getByTestId('me').textContent).toBe('guest:Gus'));
    const call = fetchMock.mock.calls.find(([input]) => String(input) === '/api/v1/auth/guest');
    expect(call?.[1]?.method).toBe('POST');
    expect(JSON.parse(String(call?.[1]?.body))).toEqual({ displayName: 'Gus' });
  });

  it('sends no name when none is given', async () => {
    const user = renderRoom(livestream({ id: 'ls1', visibility: 'public' }));
    await user.click(await screen.findByRole('button', { name: 'Watch as guest' }));
    await waitFor(() => expect(screen.getByTestId('me').textContent).toBe('guest:Gus'));
    const call = fetchMock.mock.calls.find(([input]) => String(input) === '/api/v1/auth/guest');
    expect(JSON.parse(String(call?.[1]?.body))).toEqual({});
  });

  it.each([
    ['an unlisted livestream', livestream({ id: 'ls1', visibility: 'unlisted' }), ACCOUNTS_CONFIG],
    ['a server without guests', livestream({ id: 'ls1', visibility: 'public' }), { ...ACCOUNTS_CONFIG, guests: false }],
  ])('asks to sign in for %s', async (_, record, config) => {
    renderRoom(record, config);
    expect(await screen.findByText('Sign in to watch this livestream.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Watch as guest' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/signin?next=%2Flivestreams%2Fls1%2Froom%3Frole%3Dviewer');
  });

  it('asks to sign in to host', async () => {
    renderRoom(livestream({ id: 'ls1', visibility: 'public' }), ACCOUNTS_CONFIG, 'host');
    expect(await screen.findByText('Sign in to host this livestream.')).toBeTruthy();
  });
});
