// SSE hooks: named events reach their handlers, errors reconnect with growing delays, and
// nothing reconnects after a terminal event (room_ended) or unmount.
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, useEventStream } from '../../src/sse/useEventStream';
import { useLivestreamEvents } from '../../src/sse/useLivestreamEvents';
import { FakeEventSource } from '../support/fakeEventSource';
import { streamState } from '../support/fixtures';

beforeEach(() => {
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.useFakeTimers();
  // No jitter: delays are exactly the base values.
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the maximum', () => {
    const options = { initialMs: 1000, maxMs: 30000 };
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, options, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('jitters within ±20%', () => {
    const options = { initialMs: 1000, maxMs: 30000 };
    expect(backoffDelay(1, options, () => 0)).toBe(800);
    expect(backoffDelay(1, options, () => 1)).toBe(1200);
  });
});

describe('useEventStream', () => {
  it('passes the parsed data of each named event to its handler', () => {
    const onA = vi.fn();
    const onB = vi.fn();
    renderHook(() => useEventStream({ url: '/events', handlers: { a: onA, b: onB } }));

    const source = FakeEventSource.latest();
    expect(source.url).toBe('/events');
    act(() => {
      source.open();
      source.emit('a', { n: 1 });
      source.emit('b', [1, 2]);
    });

    expect(onA).toHaveBeenCalledWith({ n: 1 });
    expect(onB).toHaveBeenCalledWith([1, 2]);
  });

  it('ignores an event whose data is not JSON and keeps listening', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const onA = vi.fn();
    renderHook(() => useEventStream({ url: '/events', handlers: { a: onA } }));
    const source = FakeEventSource.latest();
    act(() => {
      source.emit('a', 'not json {');
      source.emit('a', { ok: true });
    });
    expect(onA).toHaveBeenCalledTimes(1);
    expect(onA).toHaveBeenCalledWith({ ok: true });
    expect(warn).toHaveBeenCalled();
  });

  it('reports the connection state', () => {
    const { result } = renderHook(() => useEventStream({ url: '/events', handlers: {} }));
    expect(result.current).toBe('connecting');
    act(() => FakeEventSource.latest().open());
    expect(result.current).toBe('open');
    act(() => FakeEventSource.latest().fail());
    expect(result.current).toBe('reconnecting');
  });

  it('closes a failed source and reconnects after a delay that grows with each failure', () => {
    renderHook(() => useEventStream({ url: '/events', handlers: {}, backoff: { initialMs: 1000, maxMs: 8000 } }));
    const first = FakeEventSource.latest();

    act(() => first.fail());
    expect(first.closed).toBe(true);
    act(() => vi.advanceTimersByTime(999));
    expect(FakeEventSource.instances).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeEventSource.instances).toHaveLength(2);

    // Second consecutive failure: twice the delay.
    act(() => FakeEventSource.latest().fail());
    act(() => vi.advanceTimersByTime(1999));
    expect(FakeEventSource.instances).toHaveLength(2);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeEventSource.instances).toHaveLength(3);
  });

  it('reconnects also after an HTTP error that the browser would not retry (CLOSED)', () => {
    renderHook(() => useEventStream({ url: '/events', handlers: {} }));
    act(() => FakeEventSource.latest().fail(FakeEventSource.CLOSED));
    act(() => vi.advanceTimersByTime(1000));
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('resets the delay after a successful connection and tells the caller it recovered', () => {
    const onReconnected = vi.fn();
    renderHook(() => useEventStream({ url: '/events', handlers: {}, onReconnected }));

    act(() => FakeEventSource.latest().open());
    expect(onReconnected).not.toHaveBeenCalled();

    act(() => FakeEventSource.latest().fail());
    act(() => vi.advanceTimersByTime(1000));
    act(() => FakeEventSource.latest().fail());
    act(() => vi.advanceTimersByTime(2000));
    act(() => FakeEventSource.latest().open());
    expect(onReconnected).toHaveBeenCalledTimes(1);

    // The next failure starts again from the initial delay.
    act(() => FakeEventSource.latest().fail());
    act(() => vi.advanceTimersByTime(1000));
    expect(FakeEventSource.instances).toHaveLength(4);
  });

  it('never reconnects after a terminal event', () => {
    const { result } = renderHook(() =>
      useEventStream({ url: '/events', handlers: { end: () => undefined }, isTerminal: (name) => name === 'end' }),
    );
    const source = FakeEventSource.latest();
    act(() => {
      source.open();
      source.emit('end', {});
    });
    expect(source.closed).toBe(true);
    expect(result.current).toBe('ended');

    // The server closing the stream shows up as an error on the (closed) source.
    act(() => source.fail());
    act(() => vi.advanceTimersByTime(120_000));
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('closes on unmount and cancels a scheduled reconnect', () => {
    const { unmount } = renderHook(() => useEventStream({ url: '/events', handlers: {} }));
    act(() => FakeEventSource.latest().fail());
    unmount();
    act(() => vi.advanceTimersByTime(60_000));
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('does not connect without a URL', () => {
    const { result } = renderHook(() => useEventStream({ url: null, handlers: {} }));
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(result.current).toBe('idle');
  });

  it('uses the latest handlers without reconnecting', () => {
    const first = vi.fn();
    const second = vi.fn();
    const { rerender } = renderHook(({ handler }) => useEventStream({ url: '/events', handlers: { a: handler } }), {
      initialProps: { handler: first },
    });
    rerender({ handler: second });
    act(() => FakeEventSource.latest().emit('a', 1));
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith(1);
  });
});

describe('useLivestreamEvents', () => {
  it('subscribes to the livestream and keeps the latest state of any event', () => {
    const { result } = renderHook(() => useLivestreamEvents('ls-1'));
    const source = FakeEventSource.latest();
    expect(source.url).toBe('/api/v1/livestreams/ls-1/events');

    act(() => source.emit('state', streamState({ viewerCount: 1 })));
    expect(result.current.state?.viewerCount).toBe(1);
    act(() => source.emit('viewer_count_update', streamState({ viewerCount: 6, participants: ['a', 'b'] })));
    expect(result.current.state?.viewerCount).toBe(6);
    expect(result.current.state?.participants).toEqual(['a', 'b']);
    expect(result.current.ended).toBe(false);
  });

  it('ends on room_ended and does not reconnect when the server then closes', () => {
    const { result } = renderHook(() => useLivestreamEvents('ls-1'));
    const source = FakeEventSource.latest();
    act(() => {
      source.open();
      source.emit('room_ended', streamState({ status: 'ENDED', viewerCount: 0 }));
    });
    expect(result.current.ended).toBe(true);
    expect(result.current.state?.status).toBe('ENDED');
    act(() => source.fail(FakeEventSource.CLOSED));
    act(() => vi.advanceTimersByTime(120_000));
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('treats a first state that is already ENDED as the end', () => {
    const { result } = renderHook(() => useLivestreamEvents('ls-1'));
    act(() => FakeEventSource.latest().emit('state', streamState({ status: 'ENDED' })));
    expect(result.current.ended).toBe(true);
    expect(FakeEventSource.latest().closed).toBe(true);
  });

  it('ignores payloads that are not a state', () => {
    const { result } = renderHook(() => useLivestreamEvents('ls-1'));
    act(() => FakeEventSource.latest().emit('viewer_count_update', { unexpected: true }));
    expect(result.current.state).toBeNull();
  });

  it('reconnects after an error while the livestream is live', () => {
    renderHook(() => useLivestreamEvents('ls-1'));
    act(() => FakeEventSource.latest().fail());
    act(() => vi.advanceTimersByTime(1000));
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.latest().url).toBe('/api/v1/livestreams/ls-1/events');
  });
});
