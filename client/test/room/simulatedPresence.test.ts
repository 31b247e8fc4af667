// Presence in the simulated media server: its HTTP address from LiveKit's WebSocket URL, and the
// announcement the double answers with the admitted identity.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { announcePresence, mediaHttpUrl, presenceEndpoint } from '../../src/room/simulatedPresence';
import { jsonResponse, participant } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

describe('mediaHttpUrl', () => {
  it.each([
    ['ws://127.0.0.1:7880', 'http://127.0.0.1:7880'],
    ['wss://media.example.org', 'https://media.example.org'],
    ['wss://example.org/livekit/', 'https://example.org/livekit'],
    ['http://127.0.0.1:7880', 'http://127.0.0.1:7880'],
  ])('%s → %s', (url, http) => {
    expect(mediaHttpUrl(url)).toBe(http);
  });
});

describe('announcePresence', () => {
  const join = { token: 'jwt', url: 'ws://127.0.0.1:7880', participant: participant() };

  it('posts the token to the room’s participants and keeps the identity the double admitted', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ participant: { identity: 'bob', sid: 'PA_1' }, room: {} }, 201));
    const presence = await announcePresence(join, 'launch party');
    expect(presence).toEqual({ endpoint: 'http://127.0.0.1:7880/_double/rooms/launch%20party/participants', identity: 'bob' });
    const [input, init] = fetchMock.mock.calls[0] ?? [];
    expect(String(input)).toBe(presenceEndpoint(join, 'launch party'));
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ token: 'jwt' });
  });

  it('fails on a refusal', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ error: 'token is for room "x"' }, 403));
    await expect(announcePresence(join, 'launch-party')).rejects.toThrow('403');
  });
});
