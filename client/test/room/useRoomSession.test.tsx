// Room session: load → join as the asked role, the refusals (409, not creator, not live,
// unknown), taking over a seat, leaving, and releasing the seat when the page goes away; with a
// simulated media server, the presence announced there and withdrawn before the seat.
import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PRIVATE_TITLE, useRoomSession } from '../../src/room/useRoomSession';
import { jsonResponse, livestream, participant } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();
const alice = { userId: 'alice', displayName: 'Alice' };
const bob = { userId: 'bob', displayName: 'Bob' };
const joinAnswer = { token: 'jwt', url: 'ws://media', participant: participant() };

interface Route {
  method: string;
  path: string;
  answer: () => Response;
}

function serve(routes: Route[]) {
  fetchMock.mockImplementation(async (input, init) => {
    const method = init?.method ?? 'GET';
    const path = String(input);
    const route = routes.find((r) => r.method === method && r.path === path);
    if (!route) throw new Error(`unexpected ${method} ${path}`);
    return route.answer();
  });
}

const ok = (data: unknown, status = 200) => () => jsonResponse({ success: true, data }, status);
const failure = (status: number, error: string, message: string) => () =>
  jsonResponse({ success: false, error, message, statusCode: status }, status);

const requests = () => fetchMock.mock.calls.map(([input, init]) => `${init?.method ?? 'GET'} ${String(input)}`);

// Unmounts and runs the release the unmount schedules (deferred by a tick, see the hook), so a
// test checks what that release did, not what happened to occur within a fixed delay.
async function unmountAndRelease(hook: { unmount: () => void }) {
  vi.useFakeTimers();
  try {
    hook.unmount();
    expect(vi.getTimerCount()).toBeGreaterThan(0); // the release is scheduled
    vi.runOnlyPendingTimers();
  } finally {
    vi.useRealTimers();
  }
  // What the release started (its requests) settles in microtasks.
  await act(async () => {
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
  });
}

beforeEach(async () => {
  // The previous test's unmount releases its seat a tick later; let that happen first.
  await new Promise((resolve) => setTimeout(resolve, 10));
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

describe('useRoomSession', () => {
  it('joins a live livestream as viewer with the identity', async () => {
    serve([
      { method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1' })) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/join', answer: ok(joinAnswer, 201) },
    ]);
    const { result } = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(result.current.session.phase).toBe('joined'));
    const joinCall = fetchMock.mock.calls.find(([input]) => String(input).endsWith('/join'));
    expect(JSON.parse(String(joinCall?.[1]?.body))).toEqual({ userId: 'bob', displayName: 'Bob', role: 'VIEWER' });
  });

  it('joins as HOST when the creator asks for the host role', async () => {
    serve([
      { method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1', createdBy: 'alice' })) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/join', answer: ok(joinAnswer, 201) },
    ]);
    const { result } = renderHook(() => useRoomSession('ls1', 'host', alice));
    await waitFor(() => expect(result.current.session.phase).toBe('joined'));
    const joinCall = fetchMock.mock.calls.find(([input]) => String(input).endsWith('/join'));
    expect(JSON.parse(String(joinCall?.[1]?.body)).role).toBe('HOST');
  });

  it('refuses the host role to someone else without asking the server, offering to watch', async () => {
    serve([{ method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1', createdBy: 'alice' })) }]);
    const { result } = renderHook(() => useRoomSession('ls1', 'host', bob));
    await waitFor(() => expect(result.current.session.phase).toBe('unavailable'));
    expect(result.current.session).toMatchObject({ title: 'Only the creator can host', canWatch: true });
    expect(requests()).toEqual(['GET /api/v1/livestreams/ls1']);
  });

  it('reports a 409 as a conflict, and takes the seat over on request', async () => {
    let joins = 0;
    serve([
      { method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1' })) },
      {
        method: 'POST',
        path: '/api/v1/livestreams/ls1/join',
        answer: () => {
          joins += 1;
          return joins === 1 ? failure(409, 'ConflictError', 'already joined')() : ok(joinAnswer, 201)();
        },
      },
      { method: 'POST', path: '/api/v1/livestreams/ls1/leave', answer: ok(null) },
    ]);
    const { result } = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(result.current.session.phase).toBe('conflict'));
    expect(result.current.session).toMatchObject({ message: 'already joined' });

    act(() => result.current.retry(true));
    await waitFor(() => expect(result.current.session.phase).toBe('joined'));
    const order = requests().filter((r) => r.startsWith('POST'));
    expect(order).toEqual([
      'POST /api/v1/livestreams/ls1/join',
      'POST /api/v1/livestreams/ls1/leave',
      'POST /api/v1/livestreams/ls1/join',
    ]);
  });

  it('shows the ended screen for an ENDED livestream without joining', async () => {
    serve([{ method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1', status: 'ENDED' })) }]);
    const { result } = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(result.current.session.phase).toBe('ended'));
    expect(requests()).toEqual(['GET /api/v1/livestreams/ls1']);
  });

  it('says when the livestream does not exist', async () => {
    serve([{ method: 'GET', path: '/api/v1/livestreams/ls1', answer: failure(404, 'NotFoundError', 'Livestream ls1 not found') }]);
    const { result } = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(result.current.session.phase).toBe('unavailable'));
    expect(result.current.session).toMatchObject({ title: 'Livestream not found' });
  });

  it('leaves with POST .../leave', async () => {
    serve([
      { method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1' })) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/join', answer: ok(joinAnswer, 201) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/leave', answer: ok(null) },
    ]);
    const { result } = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(result.current.session.phase).toBe('joined'));
    await act(() => result.current.leave());
    expect(result.current.session.phase).toBe('left');
    const leave = fetchMock.mock.calls.find(([input]) => String(input).endsWith('/leave'));
    expect(JSON.parse(String(leave?.[1]?.body))).toEqual({ userId: 'bob' });
  });

  it('releases the seat when the page unmounts, but not after the livestream ended', async () => {
    serve([
      { method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1' })) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/join', answer: ok(joinAnswer, 201) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/leave', answer: ok(null) },
    ]);
    const first = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(first.result.current.session.phase).toBe('joined'));
    first.unmount();
    await waitFor(() => expect(requests()).toContain('POST /api/v1/livestreams/ls1/leave'));

    fetchMock.mockClear();
    const second = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(second.result.current.session.phase).toBe('joined'));
    act(() => second.result.current.markEnded());
    await unmountAndRelease(second);
    expect(requests()).not.toContain('POST /api/v1/livestreams/ls1/leave');
  });

  it('gives up the seat without leaving when another tab of the same user joins', async () => {
    serve([
      { method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1' })) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/join', answer: ok(joinAnswer, 201) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/leave', answer: ok(null) },
    ]);
    const first = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(first.result.current.session.phase).toBe('joined'));
    const second = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(second.result.current.session.phase).toBe('joined'));

    await waitFor(() => expect(first.result.current.session.phase).toBe('moved'));
    expect(second.result.current.session.phase).toBe('joined');
    fetchMock.mockClear();
    await unmountAndRelease(first);
    expect(requests()).not.toContain('POST /api/v1/livestreams/ls1/leave');
  });

  it('says a livestream is private when reading it is refused (403), without joining', async () => {
    serve([{ method: 'GET', path: '/api/v1/livestreams/ls1', answer: failure(403, 'AuthorizationError', 'Not invited') }]);
    const { result } = renderHook(() => useRoomSession('ls1', 'viewer', bob));
    await waitFor(() => expect(result.current.session.phase).toBe('unavailable'));
    expect(result.current.session).toMatchObject({ title: PRIVATE_TITLE, canWatch: false });
    expect(requests()).toEqual(['GET /api/v1/livestreams/ls1']);
  });

  it('signed in, leaves the identity out of join and leave bodies (the session names the user)', async () => {
    serve([
      { method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1', createdBy: null, creatorName: 'Alice' })) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/join', answer: ok(joinAnswer, 201) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/leave', answer: ok(null) },
    ]);
    const guest = { userId: 'guest-1', displayName: 'Gus', inBodies: false };
    const { result } = renderHook(() => useRoomSession('ls1', 'viewer', guest));
    await waitFor(() => expect(result.current.session.phase).toBe('joined'));
    await act(() => result.current.leave());
    const bodies = fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST').map(([, init]) => JSON.parse(String(init?.body)));
    expect(bodies).toEqual([{ role: 'VIEWER' }, {}]);
  });

  it('names the creator by display name when refusing the host role', async () => {
    serve([{ method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1', createdBy: null, creatorName: 'Alice' })) }]);
    const { result } = renderHook(() => useRoomSession('ls1', 'host', { ...bob, inBodies: false }));
    await waitFor(() => expect(result.current.session.phase).toBe('unavailable'));
    expect(result.current.session).toMatchObject({ message: 'This livestream belongs to Alice. You are Bob.' });
  });

  describe('with a simulated media server', () => {
    const presenceUrl = 'http://media/_double/rooms/morning-show/participants';
    const seatRoutes = (presence: () => Response = () => jsonResponse({ participant: { identity: 'bob' } }, 201)): Route[] => [
      { method: 'GET', path: '/api/v1/livestreams/ls1', answer: ok(livestream({ id: 'ls1' })) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/join', answer: ok(joinAnswer, 201) },
      { method: 'POST', path: '/api/v1/livestreams/ls1/leave', answer: ok(null) },
      { method: 'POST', path: presenceUrl, answer: presence },
      { method: 'DELETE', path: `${presenceUrl}/bob`, answer: () => jsonResponse({ participant: { identity: 'bob' } }) },
    ];

    it('announces the join token to the double once joined, and withdraws before leaving', async () => {
      serve(seatRoutes());
      const { result } = renderHook(() => useRoomSession('ls1', 'viewer', bob, true));
      await waitFor(() => expect(result.current.presence).toBe('connected'));
      const announce = fetchMock.mock.calls.find(([input]) => String(input) === presenceUrl);
      expect(JSON.parse(String(announce?.[1]?.body))).toEqual({ token: 'jwt' });

      await act(() => result.current.leave());
      expect(requests().slice(-2)).toEqual([`DELETE ${presenceUrl}/bob`, 'POST /api/v1/livestreams/ls1/leave']);
    });

    it('waits for the health report before announcing, and never announces to a real media server', async () => {
      serve(seatRoutes());
      const { result, rerender } = renderHook(({ simulated }) => useRoomSession('ls1', 'viewer', bob, simulated), {
        initialProps: { simulated: null as boolean | null },
      });
      await waitFor(() => expect(result.current.session.phase).toBe('joined'));
      expect(result.current.presence).toBe('none');
      rerender({ simulated: true });
      await waitFor(() => expect(result.current.presence).toBe('connected'));
      expect(requests().filter((r) => r === `POST ${presenceUrl}`)).toHaveLength(1);

      fetchMock.mockClear();
      const real = renderHook(() => useRoomSession('ls1', 'viewer', bob, false));
      await waitFor(() => expect(real.result.current.session.phase).toBe('joined'));
      // An announcement starts in the effect that follows the join's render (as above, where it
      // did): flushing the effects and what they started is what would make it happen.
      await act(async () => {
        for (let i = 0; i < 10; i += 1) await Promise.resolve();
      });
      expect(requests().some((r) => r.includes('_double'))).toBe(false);
      expect(real.result.current.presence).toBe('none');
    });

    it('says so when the double refuses the token', async () => {
      serve(seatRoutes(() => jsonResponse({ error: 'invalid join token' }, 401)));
      const { result } = renderHook(() => useRoomSession('ls1', 'viewer', bob, true));
      await waitFor(() => expect(result.current.presence).toBe('failed'));
      expect(result.current.session.phase).toBe('joined');
    });

    it('withdraws an announcement that lands after the user left', async () => {
      let answer: (response: Response) => void = () => undefined;
      const pending = new Promise<Response>((resolve) => {
        answer = resolve;
      });
      serve(seatRoutes());
      const routed = fetchMock.getMockImplementation();
      fetchMock.mockImplementation(async (input, init) =>
        String(input) === presenceUrl ? pending : (routed as typeof fetch)(input, init),
      );
      const { result } = renderHook(() => useRoomSession('ls1', 'viewer', bob, true));
      await waitFor(() => expect(result.current.presence).toBe('announcing'));
      await act(() => result.current.leave());
      expect(requests()).not.toContain(`DELETE ${presenceUrl}/bob`);
      answer(jsonResponse({ participant: { identity: 'bob' } }, 201));
      await waitFor(() => expect(requests()).toContain(`DELETE ${presenceUrl}/bob`));
    });

    it('withdraws and releases the seat when the page unmounts', async () => {
      serve(seatRoutes());
      const { result, unmount } = renderHook(() => useRoomSession('ls1', 'viewer', bob, true));
      await waitFor(() => expect(result.current.presence).toBe('connected'));
      unmount();
      await waitFor(() => expect(requests()).toContain('POST /api/v1/livestreams/ls1/leave'));
      expect(requests()).toContain(`DELETE ${presenceUrl}/bob`);
    });

    it('withdraws nothing once the livestream ended or another tab took the seat', async () => {
      serve(seatRoutes());
      const ended = renderHook(() => useRoomSession('ls1', 'viewer', bob, true));
      await waitFor(() => expect(ended.result.current.presence).toBe('connected'));
      act(() => ended.result.current.markEnded());
      ended.unmount();

      const first = renderHook(() => useRoomSession('ls1', 'viewer', bob, true));
      await waitFor(() => expect(first.result.current.presence).toBe('connected'));
      const second = renderHook(() => useRoomSession('ls1', 'viewer', bob, true));
      await waitFor(() => expect(first.result.current.session.phase).toBe('moved'));
      await waitFor(() => expect(second.result.current.presence).toBe('connected'));
      await unmountAndRelease(first);
      expect(requests().filter((r) => r.startsWith('DELETE'))).toEqual([]);
      second.unmount();
    });
  });
});
