// The chart's data: the analytics series for who may read it (a 403 shows nothing), then every
// pushed count; a tick carries the last count forward while live.
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamState } from '../../src/api/types';
import { useViewerSeries } from '../../src/analytics/useViewerSeries';
import { analytics, jsonResponse, streamState } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();
const ID = '7d1f6c2e-0000-4000-8000-000000000001';

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.useRealTimers();
});

interface Props {
  readAnalytics: boolean;
  state: StreamState | null;
  live: boolean;
}

function renderSeries(initialProps: Props) {
  return renderHook((props: Props) => useViewerSeries(ID, props), { initialProps });
}

describe('useViewerSeries', () => {
  it('starts from the analytics series for the creator and admins', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: analytics() }));
    const { result } = renderSeries({ readAnalytics: true, state: null, live: false });
    await waitFor(() => expect(result.current.analytics).not.toBeNull());
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe(`/api/v1/livestreams/${ID}/analytics`);
    expect(result.current.series.points.map((p) => p.last)).toEqual([2, 2, 2, 1, 1, 1]);
  });

  it('continues the analytics series with the count pushed last', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: analytics({ status: 'LIVE' }) }));
    const { result } = renderSeries({ readAnalytics: true, state: streamState({ viewerCount: 4 }), live: true });
    await waitFor(() => expect(result.current.analytics).not.toBeNull());
    expect(result.current.series.points.at(-1)?.last).toBe(4);
    expect(result.current.series.points[0]?.last).toBe(2);
  });

  it('shows nothing of a 403 and builds from the pushed counts alone', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: false, error: 'AuthorizationError', message: 'Forbidden', statusCode: 403 }, 403));
    const { result, rerender } = renderSeries({ readAnalytics: true, state: streamState({ viewerCount: 1 }), live: true });
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    rerender({ readAnalytics: true, state: streamState({ viewerCount: 5 }), live: true });
    await waitFor(() => expect(result.current.series.points.at(-1)?.last).toBe(5));
    expect(result.current.analytics).toBeNull();
  });

  it('asks nothing for other readers, and adds every pushed state', () => {
    const { result, rerender } = renderSeries({ readAnalytics: false, state: null, live: true });
    expect(result.current.series.points).toEqual([]);
    rerender({ readAnalytics: false, state: streamState({ viewerCount: 2 }), live: true });
    rerender({ readAnalytics: false, state: streamState({ viewerCount: 6 }), live: true });
    const last = result.current.series.points.at(-1);
    expect(last?.last).toBe(6);
    expect(last?.max).toBe(6);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('carries the last count forward every 10 s while live', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-01-02T10:00:00.000Z'));
    const { result } = renderSeries({ readAnalytics: false, state: streamState({ viewerCount: 3 }), live: true });
    expect(result.current.series.points).toHaveLength(1);
    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    expect(result.current.series.points.map((p) => p.last)).toEqual([3, 3, 3, 3]);
  });
});
