// Test data in the shapes the API sends.
import type { Livestream, Participant, StreamState } from '../../src/api/types';

export function livestream(overrides: Partial<Livestream> = {}): Livestream {
  return {
    id: '7d1f6c2e-0000-4000-8000-000000000001',
    roomName: 'morning-show',
    title: 'Morning show',
    description: 'Coffee and news',
    status: 'LIVE',
    createdBy: 'alice',
    maxParticipants: 100,
    emptyTimeout: 86400,
    metadata: null,
    createdAt: '2026-01-02T10:00:00.000Z',
    updatedAt: '2026-01-02T10:00:01.000Z',
    startedAt: '2026-01-02T10:00:01.000Z',
    endedAt: null,
    ...overrides,
  };
}

export function streamState(overrides: Partial<StreamState> = {}): StreamState {
  return {
    streamId: '7d1f6c2e-0000-4000-8000-000000000001',
    status: 'LIVE',
    participants: [],
    viewerCount: 0,
    totalViewers: 0,
    peakViewerCount: 0,
    startedAt: '2026-01-02T10:00:01.000Z',
    hostInfo: null,
    ...overrides,
  };
}

export function participant(overrides: Partial<Participant> = {}): Participant {
  return {
    id: 'p-1',
    livestreamId: '7d1f6c2e-0000-4000-8000-000000000001',
    userId: 'bob',
    displayName: 'Bob',
    role: 'VIEWER',
    status: 'JOINED',
    metadata: null,
    livekitParticipantSid: null,
    livekitRoomSid: null,
    joinedAt: '2026-01-02T10:05:00.000Z',
    leftAt: null,
    ...overrides,
  };
}

/** A fetch Response carrying `body` as JSON. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}
