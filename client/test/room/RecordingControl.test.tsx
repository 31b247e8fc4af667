// The record button: start, the live status and timer, stop; errors shown.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/client';
import type { Recording } from '../../src/api/types';
import { RecordingControl } from '../../src/room/RecordingControl';
import { playableUrl } from '../../src/room/RecordingsList';

const rec = (status: Recording['status']): Recording => ({
  id: 'r1', livestreamId: 'ls1', egressId: 'EG_1', status, startedAt: new Date(Date.now() - 65_000).toISOString(), endedAt: null,
  durationMs: null, sizeBytes: null, fileLocation: null, playlistLocation: null, error: null,
  createdAt: '2026-12-03T20:00:00Z', updatedAt: '2026-12-03T20:00:00Z',
});

describe('RecordingControl', () => {
  it('starts, shows the running recording with its time, stops', async () => {
    const client = { startRecording: vi.fn(async () => rec('starting')), stopRecording: vi.fn(async () => rec('ending')) };
    const user = userEvent.setup();
    const { rerender } = render(<RecordingControl livestreamId="ls1" recording={null} client={client} />);
    expect(screen.getByTestId('recording-status').dataset.status).toBe('none');
    await user.click(screen.getByRole('button', { name: 'Record' }));
    expect(client.startRecording).toHaveBeenCalledWith('ls1');
    rerender(<RecordingControl livestreamId="ls1" recording={{ id: 'r1', status: 'active', startedAt: rec('active').startedAt }} client={client} />);
    expect(screen.getByTestId('recording-status').textContent).toMatch(/Recording · 1 min \d+ s/);
    await user.click(screen.getByRole('button', { name: 'Stop recording' }));
    expect(client.stopRecording).toHaveBeenCalledWith('ls1', 'r1');
  });

  it('shows why a start was refused', async () => {
    const client = {
      startRecording: vi.fn(async () => {
        throw new ApiError('This livestream is being recorded already', 409, 'ConflictError');
      }),
      stopRecording: vi.fn(),
    };
    const user = userEvent.setup();
    render(<RecordingControl livestreamId="ls1" recording={null} client={client} />);
    await user.click(screen.getByRole('button', { name: 'Record' }));
    expect((await screen.findByRole('alert')).textContent).toContain('recorded already');
  });
});

describe('playableUrl', () => {
  it('plays URLs and absolute paths, not storage paths', () => {
    expect(playableUrl('https://bucket.s3.amazonaws.com/r.mp4')).toBe('https://bucket.s3.amazonaws.com/r.mp4');
    expect(playableUrl('/media/r.mp4')).toBe('/media/r.mp4');
    expect(playableUrl('recordings/l/r.mp4')).toBeNull();
    expect(playableUrl(null)).toBeNull();
  });
});
