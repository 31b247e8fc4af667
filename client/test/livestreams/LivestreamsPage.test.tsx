// List page: empty, error and filtered states, and the card grid.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IdentityProvider } from '../../src/identity/IdentityContext';
import { LivestreamsPage } from '../../src/livestreams/LivestreamsPage';
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

function renderPage() {
  return render(
    <IdentityProvider initial={{ userId: 'alice', displayName: 'Alice' }}>
      <LivestreamsPage />
    </IdentityProvider>,
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
});
