// API client: envelope unwrapping, error mapping and the requests it sends.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, buildQuery, INVALID_RESPONSE, NETWORK_ERROR } from '../../src/api/client';
import { analytics, jsonResponse, livestream, participant } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

function lastRequest(): { url: string; init: RequestInit } {
  const call = fetchMock.mock.calls[fetchMock.mock.calls.length - 1];
  if (!call) throw new Error('fetch was not called');
  return { url: String(call[0]), init: call[1] ?? {} };
}

describe('buildQuery', () => {
  it('keeps defined values in order and skips undefined, null and empty ones', () => {
    expect(buildQuery({ status: 'LIVE', createdBy: undefined, limit: 20, offset: 0, role: null, x: '' })).toBe(
      '?status=LIVE&limit=20&offset=0',
    );
  });

  it('is empty when nothing is defined', () => {
    expect(buildQuery({ status: undefined })).toBe('');
  });

  it('escapes values', () => {
    expect(buildQuery({ createdBy: 'a b&c' })).toBe('?createdBy=a+b%26c');
  });
});

describe('listLivestreams', () => {
  it('asks for one page with status, limit and offset and returns the items and count', async () => {
    const items = [livestream(), livestream({ id: 'x2' })];
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: items, count: 2 }));

    const page = await api.listLivestreams({ status: 'LIVE', limit: 20, offset: 40 });

    expect(lastRequest().url).toBe('/api/v1/livestreams?status=LIVE&limit=20&offset=40');
    expect(lastRequest().init.method).toBe('GET');
    expect(page).toEqual({ items, count: 2 });
  });

  it('leaves the status out when listing everything', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: [], count: 0 }));
    await api.listLivestreams({ limit: 20, offset: 0 });
    expect(lastRequest().url).toBe('/api/v1/livestreams?limit=20&offset=0');
  });

  it('uses the page length when the envelope has no count', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: [livestream()] }));
    expect((await api.listLivestreams({})).count).toBe(1);
  });

  it('rejects a success envelope whose data is not a list', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: { not: 'a list' } }));
    await expect(api.listLivestreams({})).rejects.toMatchObject({ code: INVALID_RESPONSE });
  });
});

describe('errors', () => {
  it('carries the envelope message, error code and status', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse({ success: false, error: 'ValidationError', message: 'title is required', statusCode: 400 }, 400),
    );
    const error = await api.createLivestream({ roomName: 'r', title: '', createdBy: 'a', maxParticipants: 1, emptyTimeout: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: 'title is required', code: 'ValidationError', status: 400 });
  });

  it('reads Retry-After on a 429', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse({ success: false, error: 'RateLimitError', message: 'Too many requests', statusCode: 429 }, 429, { 'Retry-After': '42' }),
    );
    await expect(api.getLivestream('id')).rejects.toMatchObject({ status: 429, code: 'RateLimitError', retryAfter: 42 });
  });

  it('explains a failure whose body is not an envelope (a proxy error page)', async () => {
    fetchMock.mockResolvedValue(new Response('<html>Bad gateway</html>', { status: 502 }));
    await expect(api.getLivestream('id')).rejects.toMatchObject({
      status: 502,
      code: INVALID_RESPONSE,
      message: 'The server is unavailable right now',
    });
  });

  it('turns a network failure into a NetworkError with status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(api.getLivestream('id')).rejects.toMatchObject({ status: 0, code: NETWORK_ERROR });
  });

  it('rejects a 200 answer that is not an envelope', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ id: 'raw' }));
    await expect(api.getLivestream('id')).rejects.toMatchObject({ code: INVALID_RESPONSE });
  });
});

describe('writes', () => {
  it('ends a livestream with DELETE and a JSON body naming the requesting user', async () => {
    const ended = livestream({ status: 'ENDED' });
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: ended }));

    const result = await api.endLivestream('abc/def', 'alice');

    const { url, init } = lastRequest();
    expect(url).toBe('/api/v1/livestreams/abc%2Fdef');
    expect(init.method).toBe('DELETE');
    expect(JSON.parse(String(init.body))).toEqual({ requestingUserId: 'alice' });
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(result.status).toBe('ENDED');
  });

  it('joins with userId, displayName and role and returns token, url and participant', async () => {
    const data = { token: 'jwt', url: 'ws://media', participant: participant() };
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data }, 201));

    const answer = await api.joinLivestream('id1', { userId: 'bob', displayName: 'Bob', role: 'VIEWER' });

    expect(lastRequest().url).toBe('/api/v1/livestreams/id1/join');
    expect(lastRequest().init.method).toBe('POST');
    expect(JSON.parse(String(lastRequest().init.body))).toEqual({ userId: 'bob', displayName: 'Bob', role: 'VIEWER' });
    expect(answer).toEqual(data);
  });

  it('leaves with keepalive when asked (the page is going away)', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: null }));
    await api.leaveLivestream('id1', 'bob', { keepalive: true });
    expect(lastRequest().url).toBe('/api/v1/livestreams/id1/leave');
    expect(lastRequest().init.keepalive).toBe(true);
    expect(JSON.parse(String(lastRequest().init.body))).toEqual({ userId: 'bob' });
  });

  it('reports a 409 on join as a ConflictError', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse({ success: false, error: 'ConflictError', message: 'already joined', statusCode: 409 }, 409),
    );
    await expect(api.joinLivestream('id1', { userId: 'bob', displayName: 'Bob', role: 'VIEWER' })).rejects.toMatchObject({
      status: 409,
      code: 'ConflictError',
    });
  });
});

describe('analytics', () => {
  it('reads the whole livestream by default, or the range and resolution asked for', async () => {
    fetchMock.mockImplementation(async () => jsonResponse({ success: true, data: analytics() }));
    const answer = await api.getAnalytics('id1');
    expect(lastRequest().url).toBe('/api/v1/livestreams/id1/analytics');
    expect(answer.summary.uniqueViewers).toBe(4);
    await api.getAnalytics('id1', { from: '2026-01-02T10:00:00.000Z', resolution: '1m' });
    expect(lastRequest().url).toBe('/api/v1/livestreams/id1/analytics?from=2026-01-02T10%3A00%3A00.000Z&resolution=1m');
  });

  it('reports a 403 as an ApiError', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: false, error: 'AuthorizationError', message: 'Forbidden', statusCode: 403 }, 403));
    await expect(api.getAnalytics('id1')).rejects.toMatchObject({ status: 403 });
  });
});

describe('participants and health', () => {
  it('filters participants by status with a limit', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: [participant()], count: 1 }));
    const page = await api.listParticipants('id1', { status: 'JOINED', limit: 50 });
    expect(lastRequest().url).toBe('/api/v1/livestreams/id1/participants?status=JOINED&limit=50');
    expect(page.items[0]?.displayName).toBe('Bob');
  });

  it('reads the health body also from a 503', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse({ status: 'degraded', livekit: { status: 'up', simulated: true, message: 'simulated' } }, 503),
    );
    const health = await api.getHealth();
    expect(lastRequest().url).toBe('/health');
    expect(health.livekit?.simulated).toBe(true);
  });

  it('reads the report from a 503 error envelope', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(
        {
          success: false,
          error: 'ServiceUnavailableError',
          message: 'A required component is down',
          statusCode: 503,
          data: { status: 'down', livekit: { status: 'up', simulated: true } },
        },
        503,
      ),
    );
    const health = await api.getHealth();
    expect(health.status).toBe('down');
    expect(health.livekit?.simulated).toBe(true);
  });

  it('accepts a health answer wrapped in an envelope', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: { status: 'ok', livekit: { simulated: false } } }));
    expect((await api.getHealth()).livekit?.simulated).toBe(false);
  });
});
