// The header by mode: the Switch-user box and the open-mode warning only in open mode; "Signed
// in as", the Admin link and the account menu in the accounts mode; sign-in links when signed out.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/App';
import type { AuthConfig, CurrentUser } from '../../src/api/types';
import { ACCOUNTS_CONFIG, AuthHarness, currentUser, OPEN_CONFIG } from '../support/auth';
import { FakeEventSource } from '../support/fakeEventSource';
import { jsonResponse } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  fetchMock.mockReset();
  fetchMock.mockImplementation(async (input) =>
    String(input) === '/health' ? jsonResponse({ status: 'ok' }) : jsonResponse({ success: true, data: [], count: 0 }),
  );
  vi.stubGlobal('fetch', fetchMock);
  window.history.replaceState(null, '', '/');
});

function renderApp(config: AuthConfig, user: CurrentUser | null = null) {
  render(
    <AuthHarness config={config} user={user}>
      <App />
    </AuthHarness>,
  );
  return screen.getByRole('banner');
}

describe('App header', () => {
  it('offers Switch user and warns loudly in open mode', async () => {
    const header = renderApp(OPEN_CONFIG);
    expect(within(header).getByRole('button', { name: /Switch user/ })).toBeTruthy();
    expect(screen.getByTestId('open-mode-banner').textContent).toBe('Open mode: anyone can act as anyone — for local experiments only.');
    expect(within(header).queryByText(/Signed in as/)).toBeNull();
    await screen.findByText('No livestreams yet');
  });

  it('has no Switch-user box in the accounts mode: who is signed in, with the Admin link for admins', async () => {
    const header = renderApp(ACCOUNTS_CONFIG, currentUser({ admin: true }));
    expect(within(header).queryByRole('button', { name: /Switch user/ })).toBeNull();
    expect(screen.queryByTestId('open-mode-banner')).toBeNull();
    expect(within(header).getByTestId('signed-in-as').textContent).toBe('Signed in as Alice');
    expect(within(header).getByRole('link', { name: 'Admin' }).getAttribute('href')).toBe('/admin');

    const user = userEvent.setup();
    await user.click(within(header).getByRole('button', { name: 'Account' }));
    expect(within(header).getByRole('button', { name: 'Change password' })).toBeTruthy();
    expect(within(header).getByRole('button', { name: 'Sign out' })).toBeTruthy();

    await user.click(within(header).getByRole('button', { name: 'Change password' }));
    const dialog = screen.getByRole('dialog', { name: 'Change password' });
    await user.type(within(dialog).getByLabelText('Current password'), 'old password');
    await user.type(within(dialog).getByLabelText('New password'), 'short');
    await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(within(dialog).getByText('New password must have at least 8 characters')).toBeTruthy();
  });

  it('shows no Admin link to other users', () => {
    const header = renderApp(ACCOUNTS_CONFIG, currentUser());
    expect(within(header).queryByRole('link', { name: 'Admin' })).toBeNull();
  });

  it('offers sign-in and sign-up when signed out', () => {
    const header = renderApp(ACCOUNTS_CONFIG, null);
    expect(within(header).getByRole('link', { name: 'Sign in' })).toBeTruthy();
    expect(within(header).getByRole('link', { name: 'Sign up' }).getAttribute('href')).toBe('/signup');
    expect(within(header).queryByRole('button', { name: /Switch user/ })).toBeNull();
  });

  it('signs out from the account menu', async () => {
    fetchMock.mockImplementation(async (input) =>
      String(input) === '/api/v1/auth/logout' ? jsonResponse({ success: true, data: null }) : jsonResponse({ success: true, data: [], count: 0 }),
    );
    const header = renderApp(ACCOUNTS_CONFIG, currentUser());
    const user = userEvent.setup();
    await user.click(within(header).getByRole('button', { name: 'Account' }));
    await user.click(within(header).getByRole('button', { name: 'Sign out' }));
    expect(await within(header).findByRole('link', { name: 'Sign in' })).toBeTruthy();
    expect(fetchMock.mock.calls.some(([input, init]) => String(input) === '/api/v1/auth/logout' && init?.method === 'POST')).toBe(true);
  });
});
