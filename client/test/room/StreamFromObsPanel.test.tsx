// The "Stream from OBS" panel: creating the endpoint, the hidden key and its reveal, regenerating
// it, and the status light following the live state.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/client';
import type { Ingest, IngestState } from '../../src/api/types';
import { StreamFromObsPanel } from '../../src/room/StreamFromObsPanel';

const ingest = (key: string): Ingest => ({
  livestreamId: 'ls1',
  ingressId: `IN_${key}`,
  type: 'rtmp',
  url: 'rtmp://ingress.example/x',
  streamKey: key,
  status: 'inactive',
  error: null,
  createdAt: '2026-12-03T20:00:00Z',
  updatedAt: '2026-12-03T20:00:00Z',
});

function client(initial: Ingest | null) {
  return {
    getIngest: vi.fn(async () => {
      if (!initial) throw new ApiError('This livestream has no ingest endpoint', 404, 'NotFoundError');
      return initial;
    }),
    createIngest: vi.fn(async () => ingest('first-key-0123456789')),
    resetIngest: vi.fn(async () => ingest('second-key-0123456789')),
  };
}

describe('StreamFromObsPanel', () => {
  it('creates the endpoint, hides the key until revealed, regenerates it', async () => {
    const c = client(null);
    const user = userEvent.setup();
    render(<StreamFromObsPanel livestreamId="ls1" live={null} client={c} />);
    await user.click(await screen.findByRole('button', { name: 'Get a stream key' }));
    expect(c.getIngest).not.toHaveBeenCalled();  // the state says there is none: no request
    expect(c.createIngest).toHaveBeenCalledWith('ls1', 'rtmp');
    expect((await screen.findByTestId('ingest-url')).textContent).toBe('rtmp://ingress.example/x');
    expect(screen.getByTestId('ingest-key').textContent).not.toContain('first-key');
    await user.click(screen.getByRole('button', { name: 'Reveal' }));
    expect(screen.getByTestId('ingest-key').textContent).toBe('first-key-0123456789');
    await user.click(screen.getByRole('button', { name: 'Regenerate key' }));
    expect(c.resetIngest).toHaveBeenCalledWith('ls1');
    await waitFor(() => expect(screen.getByTestId('ingest-key').textContent).not.toContain('key'));
    await user.click(screen.getByRole('button', { name: 'Reveal' }));
    expect(screen.getByTestId('ingest-key').textContent).toBe('second-key-0123456789');
  });

  it('the light follows the live state, with LiveKit\'s error text', async () => {
    const c = client(ingest('k-0123456789abcdefgh'));
    const { rerender } = render(<StreamFromObsPanel livestreamId="ls1" live={{ input: 'rtmp', status: 'inactive', error: null }} client={c} />);
    expect((await screen.findByTestId('ingest-status')).dataset.status).toBe('inactive');
    expect(c.getIngest).toHaveBeenCalledTimes(1);
    const publishing: IngestState = { input: 'rtmp', status: 'publishing', error: null };
    rerender(<StreamFromObsPanel livestreamId="ls1" live={publishing} client={c} />);
    expect(screen.getByTestId('ingest-status').dataset.status).toBe('publishing');
    expect(screen.getByText('Live from your encoder')).toBeTruthy();
    rerender(<StreamFromObsPanel livestreamId="ls1" live={{ input: 'rtmp', status: 'error', error: 'unsupported codec' }} client={c} />);
    expect(screen.getByText('unsupported codec')).toBeTruthy();
  });
});
