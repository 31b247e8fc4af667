// List page: empty, error and filtered states, the card grid, "My livestreams", and what a
// signed-out visitor gets.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthConfig, CurrentUser } from '../../src/api/types';
import { LivestreamsPage } from '../../src/livestreams/LivestreamsPage';
import { ACCOUNTS_CONFIG, AuthHarness, currentUser } from '../support/auth';
import { FakeEventSource } from '../support/fakeEventSource';
import { jsonResponse, livestream } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
  window.history.replaceState(null, '', '/');
});

function renderPage(auth: { config?: AuthConfig; user?: CurrentUser | null } = {}) {
  return render(
    <AuthHarness {...auth}>
      <LivestreamsPage />
    </AuthHarness>,
  );
}

const listUrls = () => fetchMock.mock.calls.map(([input]) => String(input)).filter((u) => u.startsWith('/api/v1/livestreams?'));

describe('LivestreamsPage', () => {
  it('shows the empty state when there are no livestreams', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: [], count: 0 }));
    renderPage();
    expect(await screen.findByText('No livestreams yet')).toBeTruthy();
  });

  it('shows the error with a retry that reads again', async () => {
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ success: false, error: 'InternalServerError', message: 'database unavailable', statusCode: 503 }, 503))
      .mockImplementation(async () => jsonResponse({ success: true, data: [livestream()], count: 1 }));
    renderPage();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('database unavailable')).toBeTruthy();

    await userEvent.setup().click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Morning show' })).toBeTruthy();
  });

  it('renders one card per livestream', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse({ success: true, data: [livestream({ id: 'a', title: 'First' }), livestream({ id: 'b', title: 'Second' })], count: 2 }),
    );
    renderPage();
    await screen.findByRole('heading', { name: 'First' });
    expect(screen.getAllByTestId('livestream-card')).toHaveLength(2);
  });

  it('filters by status through the address and asks the server for it', async () => {
    // A fresh Response per request: a body can be read only once.
    fetchMock.mockImplementation(async () => jsonResponse({ success: true, data: [], count: 0 }));
    renderPage();
    await screen.findByText('No livestreams yet');

    await userEvent.setup().click(screen.getByRole('button', { name: 'Live' }));

    expect(await screen.findByText('No live livestreams')).toBeTruthy();
    expect(window.location.search).toBe('?status=LIVE');
    expect(screen.getByRole('button', { name: 'Live' }).getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(listUrls()).toContain('/api/v1/livestreams?status=LIVE&limit=20&offset=0'));
  });

  it('lists my livestreams with createdBy=<me> and keeps the status filter', async () => {
    fetchMock.mockImplementation(async () => jsonResponse({ success: true, data: [], count: 0 }));
    renderPage({ config: ACCOUNTS_CONFIG, user: currentUser() });
    await screen.findByText('No livestreams yet');
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Live' }));
    await user.click(screen.getByRole('button', { name: 'My livestreams' }));

    expect(await screen.findByText('You have no live livestreams')).toBeTruthy();
    expect(window.location.search).toBe('?mine=1&status=LIVE');
    expect(screen.getByRole('button', { name: 'My livestreams' }).getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(listUrls()).toContain('/api/v1/livestreams?status=LIVE&createdBy=alice&limit=20&offset=0'));
  });

  it('shows a signed-out visitor the public livestreams with a call to sign in, and nothing to create', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: [livestream({ createdBy: null, creatorName: 'Alice' })], count: 1 }));
    renderPage({ config: ACCOUNTS_CONFIG, user: null });
    const card = await screen.findByTestId('livestream-card');

    const cta = screen.getByRole('region', { name: 'Sign in' });
    expect(within(cta).getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/signin');
    expect(within(cta).getByRole('link', { name: 'Sign up' }).getAttribute('href')).toBe('/signup');
    expect(screen.queryByRole('button', { name: 'Create livestream' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'My livestreams' })).toBeNull();
    expect(within(card).getByText('Alice')).toBeTruthy();
    expect(within(card).getByRole('link', { name: 'Watch' })).toBeTruthy();
    expect(within(card).queryByRole('button', { name: 'End stream' })).toBeNull();
  });

  it('offers a guest no create button either', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: [], count: 0 }));
    renderPage({ config: ACCOUNTS_CONFIG, user: currentUser({ id: 'guest-1', displayName: 'Gus', kind: 'guest' }) });
    expect(await screen.findByText(/You are watching as a guest/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create livestream' })).toBeNull();
  });
});
