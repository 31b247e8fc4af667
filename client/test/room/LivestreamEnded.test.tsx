// "This livestream has ended" with its audience summary: from the record and the last state for
// everyone, from the analytics answer (watch times too) for the creator and admins.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { figuresFromAnalytics } from '../../src/analytics/summary';
import { LivestreamEnded } from '../../src/room/LivestreamEnded';
import { analytics, livestream, streamState } from '../support/fixtures';

const ended = livestream({
  status: 'ENDED',
  startedAt: '2026-01-02T10:00:00.000Z',
  endedAt: '2026-01-02T10:20:00.000Z',
  peakViewerCount: 5,
  peakAt: '2026-01-02T10:05:00.000Z',
  totalViewers: 5,
});

describe('LivestreamEnded', () => {
  it('sums up peak, viewers in total and duration from the record', () => {
    render(<LivestreamEnded livestream={ended} state={null} />);
    expect(screen.getByTestId('summary-peak').textContent).toBe('5 viewers');
    expect(screen.getByTestId('summary-unique-viewers').textContent).toBe('5 viewers');
    expect(screen.getByTestId('summary-duration').textContent).toBe('20 min');
    expect(screen.queryByTestId('summary-median-watch')).toBeNull();
  });

  it('takes the end from the last state when the viewer’s record is from before it', () => {
    const joinedRecord = livestream({ startedAt: '2026-01-02T10:00:00.000Z', peakViewerCount: 1, totalViewers: 1 });
    render(<LivestreamEnded livestream={joinedRecord} state={streamState({ peakViewerCount: 1, totalViewers: 1, endedAt: '2026-01-02T10:00:45.000Z' })} />);
    expect(screen.getByTestId('summary-peak').textContent).toBe('1 viewer');
    expect(screen.getByTestId('summary-duration').textContent).toBe('45 s');
  });

  it('shows the analytics figures and the chart it is given', () => {
    render(
      <LivestreamEnded livestream={ended} state={null} figures={figuresFromAnalytics(analytics().summary)}>
        <p>the chart</p>
      </LivestreamEnded>,
    );
    expect(screen.getByTestId('summary-median-watch').textContent).toBe('1 min 23 s');
    expect(screen.getByTestId('summary-average-viewers').textContent).toBe('1.5');
    expect(screen.getByText('the chart')).toBeTruthy();
  });
});
