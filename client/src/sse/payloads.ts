// Runtime checks of SSE payloads: a malformed event is ignored instead of breaking a view.
import type { Livestream, StreamState } from '../api/types';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isStreamState(value: unknown): value is StreamState {
  return (
    isObject(value) &&
    typeof value.streamId === 'string' &&
    typeof value.status === 'string' &&
    Array.isArray(value.participants) &&
    Array.isArray(value.people) &&
    typeof value.viewerCount === 'number'
  );
}

export function isLivestream(value: unknown): value is Livestream {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.title === 'string' &&
    typeof value.status === 'string' &&
    // null when the reader may not see other users' ids.
    (typeof value.createdBy === 'string' || value.createdBy === null)
  );
}

/** The global stream's first event: the states of the LIVE livestreams. */
export function snapshotStates(value: unknown): StreamState[] | null {
  if (!isObject(value) || !Array.isArray(value.streams)) return null;
  return value.streams.filter(isStreamState);
}
