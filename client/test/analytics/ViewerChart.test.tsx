// The chart's frame: the current count in words, the latest count for tests and tools, and a
// description in place of the canvas.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appendCount, emptySeries } from '../../src/analytics/series';
import { ViewerChart } from '../../src/analytics/ViewerChart';

const T0 = Date.parse('2026-01-02T10:00:00.000Z');

describe('ViewerChart', () => {
  it('says how many watch now, and describes the line', () => {
    const series = appendCount(appendCount(emptySeries(), 6, T0), 1, T0 + 20_000);
    render(<ViewerChart series={series} live />);
    const chart = screen.getByTestId('viewer-chart');
    expect(chart.getAttribute('data-viewers')).toBe('1');
    expect(screen.getByTestId('viewer-chart-readout').textContent).toBe('1 viewer now');
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Concurrent viewers over 30 s: 1 now, at most 6');
  });

  it('waits for numbers without any', () => {
    render(<ViewerChart series={emptySeries()} live />);
    expect(screen.getByText('Waiting for the first numbers…')).toBeTruthy();
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Concurrent viewers: no data yet');
  });
});
