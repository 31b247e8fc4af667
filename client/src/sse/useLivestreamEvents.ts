// Live state of one livestream from its SSE stream (GET /livestreams/:id/events).
import { useMemo, useRef, useState } from 'react';
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

/** Chat and stage events on the same stream, for whoever shows them. */
export interface LivestreamExtras {
  chat_message?: (data: unknown) => void;
  chat_message_deleted?: (data: unknown) => void;
  stage_update?: (data: unknown) => void;
  /** Events were lost while the stream was down: re-read what cannot be rebuilt. */
  reconnected?: () => void;
}

/** Every state event carries the full state, so the latest one is all a view needs. */
export function useLivestreamEvents(livestreamId: string | null, extras: LivestreamExtras = {}): LivestreamEvents {
  const [state, setState] = useState<StreamState | null>(null);
  const [ended, setEnded] = useState(false);
  const extrasRef = useRef(extras);
  extrasRef.current = extras;

  const handlers = useMemo(() => {
    const apply = (data: unknown) => {
      if (isStreamState(data)) setState(data);
    };
    const result: Record<string, (data: unknown) => void> = {};
    for (const name of LIVESTREAM_EVENTS) result[name] = apply;
    result.chat_message = (data) => extrasRef.current.chat_message?.(data);
    result.chat_message_deleted = (data) => extrasRef.current.chat_message_deleted?.(data);
    // The stage is part of the state too: merged into it so views read one object.
    result.stage_update = (data) => {
      const update = data as { stage?: StreamState['stage']; raisedHands?: StreamState['raisedHands'] };
      if (Array.isArray(update?.stage) && Array.isArray(update?.raisedHands))
        setState((current) => (current ? { ...current, stage: update.stage, raisedHands: update.raisedHands } : current));
      extrasRef.current.stage_update?.(data);
    };
    return result;
  }, []);

  const connection = useEventStream({
    url: livestreamId ? sseLivestreamUrl(livestreamId) : null,
    handlers,
    onReconnected: () => extrasRef.current.reconnected?.(),
    isTerminal: (event, data) => {
      const over = event === 'room_ended' || (isStreamState(data) && data.status === 'ENDED');
      if (over) setEnded(true);
      return over;
    },
  });

  return { state, ended, connection };
}
