// Live state of one livestream from its SSE stream (GET /livestreams/:id/events).
import { useMemo, useState } from 'react';
import { sseLivestreamUrl } from '../api/client';
import type { StreamState } from '../api/types';
import { isStreamState } from './payloads';
import { useEventStream, type StreamConnection } from './useEventStream';

export const LIVESTREAM_EVENTS = ['state', 'room_started', 'viewer_count_update', 'ingest_update', 'recording_update', 'room_ended'] as const;

export interface LivestreamEvents {
  state: StreamState | null;
  /** room_ended arrived (or the first state already said ENDED): nothing more will come. */
  ended: boolean;
  connection: StreamConnection;
}

/** Every event carries the full state, so the latest one is all a view needs. */
export function useLivestreamEvents(livestreamId: string | null): LivestreamEvents {
  const [state, setState] = useState<StreamState | null>(null);
  const [ended, setEnded] = useState(false);

  const handlers = useMemo(() => {
    const apply = (data: unknown) => {
      if (isStreamState(data)) setState(data);
    };
    const result: Record<string, (data: unknown) => void> = {};
    for (const name of LIVESTREAM_EVENTS) result[name] = apply;
    return result;
  }, []);

  const connection = useEventStream({
    url: livestreamId ? sseLivestreamUrl(livestreamId) : null,
    handlers,
    isTerminal: (event, data) => {
      const over = event === 'room_ended' || (isStreamState(data) && data.status === 'ENDED');
      if (over) setEnded(true);
      return over;
    },
  });

  return { state, ended, connection };
}
