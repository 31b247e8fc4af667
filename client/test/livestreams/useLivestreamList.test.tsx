// The list hook reads one page per request and takes every later change from the global SSE
// stream: it never polls.
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PAGE_SIZE, useLivestreamList } from '../../src/livestreams/useLivestreamList';
import { FakeEventSource } from '../support/fakeEventSource';
import { jsonResponse, livestream, streamState } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.useRealTimers();
});

const page = (items: ReturnType<typeof livestream>[]) => jsonResponse({ success: true, data: items, count: items.length });

describe('useLivestreamList', () => {
  it('reads the first page once and applies pushed events without further requests', async () => {
    const first = livestream({ id: 'a', createdAt: '2026-01-02T10:00:00.000Z' });
    fetchMock.mockResolvedValue(page([first]));
    const { result } = renderHook(() => useLivestreamList('ALL'));

    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe(`/api/v1/livestreams?limit=${PAGE_SIZE}&offset=0`);

    const source = FakeEventSource.instances.find((s) => s.url === '/api/v1/events');
    if (!source) throw new Error('no global event stream');
    act(() => {
      source.open();
      source.emit('snapshot', { streams: [streamState({ streamId: 'a', viewerCount: 2 })] });
      source.emit('livestream_created', livestream({ id: 'b', title: 'New', createdAt: '2026-01-02T11:00:00.000Z' }));
      source.emit('viewer_count_update', streamState({ streamId: 'a', viewerCount: 6 }));
      source.emit('livestream_updated', { ...first, status: 'ENDED', updatedAt: '2026-01-02T12:00:00.000Z' });
    });

    expect(result.current.items.map((i) => i.id)).toEqual(['b', 'a']);
    expect(result.current.items[1]?.status).toBe('ENDED');
    expect(result.current.states.a?.viewerCount).toBe(6);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('asks the server for the chosen status', async () => {
    fetchMock.mockResolvedValue(page([]));
    renderHook(() => useLivestreamList('SCHEDULED'));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe(`/api/v1/livestreams?status=SCHEDULED&limit=${PAGE_SIZE}&offset=0`);
  });

  it('loads the next page from the offset of what is shown', async () => {
    const full = Array.from({ length: PAGE_SIZE }, (_, i) =>
      livestream({ id: `x${i}`, createdAt: new Date(Date.UTC(2026, 0, 2, 10, 59 - i)).toISOString() }),
    );
    fetchMock.mockResolvedValueOnce(page(full)).mockResolvedValueOnce(page([]));
    const { result } = renderHook(() => useLivestreamList('ALL'));
    await waitFor(() => expect(result.current.hasMore).toBe(true));

    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.loadingMore).toBe(false));
    expect(String(fetchMock.mock.calls[1]?.[0])).toBe(`/api/v1/livestreams?limit=${PAGE_SIZE}&offset=${PAGE_SIZE}`);
    expect(result.current.hasMore).toBe(false);
  });

  it('shows the error of a failed first page and reads again on retry', async () => {
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ success: false, error: 'RateLimitError', message: 'Too many requests', statusCode: 429 }, 429))
      .mockResolvedValueOnce(page([livestream()]));
    const { result } = renderHook(() => useLivestreamList('ALL'));
    await waitFor(() => expect(result.current.error).toBe('Too many requests'));

    act(() => result.current.retry());
    await waitFor(() => expect(result.current.items).toHaveLength(1));
    expect(result.current.error).toBeNull();
  });

  it('re-reads the first page after the event stream recovers from an error', async () => {
    fetchMock.mockResolvedValue(page([]));
    const { result } = renderHook(() => useLivestreamList('ALL'));
    await waitFor(() => expect(result.current.loading).toBe(false));
    vi.useFakeTimers();
    const source = FakeEventSource.latest();
    act(() => source.fail());
    act(() => vi.advanceTimersByTime(1500));
    fetchMock.mockResolvedValue(page([livestream({ id: 'missed' })]));
    act(() => FakeEventSource.latest().open());
    vi.useRealTimers();

    await waitFor(() => expect(result.current.items.map((i) => i.id)).toEqual(['missed']));
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });
});
