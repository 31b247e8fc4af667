// Test data in the shapes the API sends.
import type { Livestream, LivestreamAnalytics, Participant, Person, StreamState } from '../../src/api/types';

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
    viewerCount: 0,
    peakViewerCount: 0,
    peakAt: null,
    totalViewers: 0,
    ...overrides,
  };
}

/** Someone connected to the room, as `people` in a state lists them. */
export function person(overrides: Partial<Person> = {}): Person {
  return {
    userId: 'bob',
    displayName: 'Bob',
    role: 'VIEWER',
    connectedAt: '2026-01-02T10:05:00.000Z',
    ...overrides,
  };
}

/** A state whose `participants` and `people` agree: the ids (or names, when ids are hidden) of `people`. */
export function stateWithPeople(people: Person[], overrides: Partial<StreamState> = {}): StreamState {
  return streamState({
    participants: people.map((p) => p.userId ?? p.displayName),
    people,
    hostConnected: people.some((p) => p.role === 'HOST'),
    ...overrides,
  });
}

export function streamState(overrides: Partial<StreamState> = {}): StreamState {
  return {
    streamId: '7d1f6c2e-0000-4000-8000-000000000001',
    status: 'LIVE',
    participants: [],
    people: [],
    viewerCount: 0,
    totalViewers: 0,
    peakViewerCount: 0,
    peakAt: null,
    hostConnected: false,
    startedAt: '2026-01-02T10:00:01.000Z',
    endedAt: null,
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

export function analytics(overrides: Partial<LivestreamAnalytics> = {}): LivestreamAnalytics {
  return {
    livestreamId: '7d1f6c2e-0000-4000-8000-000000000001',
    status: 'ENDED',
    from: '2026-01-02T10:00:00.000Z',
    to: '2026-01-02T10:01:00.000Z',
    resolutionSeconds: 10,
    series: [
      { t: '2026-01-02T10:00:00.000Z', min: 0, max: 2, last: 2 },
      { t: '2026-01-02T10:00:30.000Z', min: 1, max: 3, last: 1 },
    ],
    summary: {
      durationSeconds: 3725,
      peakViewerCount: 3,
      peakAt: '2026-01-02T10:00:31.000Z',
      uniqueViewers: 4,
      sessions: 5,
      totalWatchSeconds: 4000,
      medianWatchSeconds: 83,
      averageViewers: 1.46,
    },
    ...overrides,
  };
}

/** A fetch Response carrying `body` as JSON. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}
