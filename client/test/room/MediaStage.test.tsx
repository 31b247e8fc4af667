// Media stage with a simulated media server: a calm notice instead of a connection that can
// never work (no error, no "Try again"), saying whether we are counted as connected.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MediaStage } from '../../src/room/MediaStage';
import { participant } from '../support/fixtures';

const join = { token: 'jwt', url: 'ws://127.0.0.1:7880', participant: participant() };

describe('MediaStage', () => {
  it('says there is no video with a simulated media server, and that we are counted', () => {
    render(<MediaStage join={join} role="viewer" simulated presence="connected" />);
    const notice = screen.getByTestId('media-simulated');
    expect(notice.textContent).toContain('Simulated media server — no video here.');
    expect(notice.textContent).toContain('You’re counted as connected.');
    expect(screen.queryByTestId('media-error')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('says when the simulated media server could not be told', () => {
    render(<MediaStage join={join} role="host" simulated presence="failed" />);
    expect(screen.getByTestId('media-simulated').textContent).toContain('not counted as connected');
  });

  it('waits for the health report before connecting anywhere', () => {
    render(<MediaStage join={join} role="viewer" simulated={null} presence="none" />);
    expect(screen.getByText('Connecting to the media server…')).toBeTruthy();
    expect(screen.queryByTestId('media-simulated')).toBeNull();
  });
});
