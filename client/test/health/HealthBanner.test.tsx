// Header banner: warns when the media server is simulated or the server cannot be reached; the
// report is read once and shared (HealthProvider).
import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { HealthBanner } from '../../src/health/HealthBanner';
import { HealthProvider, isSimulatedMedia, useHealthReport } from '../../src/health/HealthContext';
import { jsonResponse } from '../support/fixtures';

function renderBanner() {
  return render(
    <HealthProvider>
      <HealthBanner />
    </HealthProvider>,
  );
}

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

describe('HealthBanner', () => {
  it('says video will not play when LiveKit is simulated', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ status: 'ok', livekit: { status: 'up', simulated: true, message: '' } }));
    renderBanner();
    expect((await screen.findByTestId('simulated-banner')).textContent).toBe('Simulated media server — video will not play.');
  });

  it('shows nothing for a real media server', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ status: 'ok', livekit: { status: 'up', simulated: false } }));
    // A reader beside the banner shows when the report has arrived: the banner is checked then,
    // not after a delay that would pass just as well if the report never came.
    function ReportKind() {
      return <span data-testid="report-kind">{useHealthReport().kind}</span>;
    }
    render(
      <HealthProvider>
        <HealthBanner />
        <ReportKind />
      </HealthProvider>,
    );
    await vi.waitFor(() => expect(screen.getByTestId('report-kind').textContent).toBe('ok'));
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says when the server cannot be reached', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    renderBanner();
    expect(await screen.findByText('The server cannot be reached right now.')).toBeTruthy();
  });

  it('reads the report once for every reader below the provider', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: { status: 'ok', services: { livekit: { simulated: true } } } }));
    render(
      <HealthProvider>
        <HealthBanner />
        <HealthBanner />
      </HealthProvider>,
    );
    expect(await screen.findAllByTestId('simulated-banner')).toHaveLength(2);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('isSimulatedMedia', () => {
  it('reads services.livekit, or livekit at the top of the report', () => {
    expect(isSimulatedMedia({ status: 'ok', services: { livekit: { simulated: true } } })).toBe(true);
    expect(isSimulatedMedia({ status: 'ok', livekit: { simulated: true } })).toBe(true);
    expect(isSimulatedMedia({ status: 'ok', services: { livekit: { simulated: false } }, livekit: { simulated: true } })).toBe(false);
    expect(isSimulatedMedia({ status: 'ok' })).toBe(false);
  });
});
