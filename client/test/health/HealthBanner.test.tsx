// Header banner: warns when the media server is simulated or the server cannot be reached.
import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { HealthBanner } from '../../src/health/HealthBanner';
import { jsonResponse } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

describe('HealthBanner', () => {
  it('says video will not play when LiveKit is simulated', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ status: 'ok', livekit: { status: 'up', simulated: true, message: '' } }));
    render(<HealthBanner />);
    expect((await screen.findByTestId('simulated-banner')).textContent).toBe('Simulated media server — video will not play.');
  });

  it('shows nothing for a real media server', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ status: 'ok', livekit: { status: 'up', simulated: false } }));
    const { container } = render(<HealthBanner />);
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(container.textContent).toBe('');
  });

  it('says when the server cannot be reached', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    render(<HealthBanner />);
    expect(await screen.findByText('The server cannot be reached right now.')).toBeTruthy();
  });
});
