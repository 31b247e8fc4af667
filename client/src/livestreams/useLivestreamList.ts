// The livestream list of the home page: one request per page (infinite scroll), everything
// else pushed by the global SSE stream (GET /api/v1/events) — it never polls.
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { api, errorMessage, SSE_GLOBAL_URL } from '../api/client';
import type { Livestream } from '../api/types';
import { isLivestream, isStreamState, snapshotStates } from '../sse/payloads';
import { useEventStream, type StreamConnection } from '../sse/useEventStream';
import { initialListState, listReducer, nextOffset, type ListAction, type ListState, type StatusFilter } from './listState';

export const PAGE_SIZE = 20;

export interface LivestreamList extends ListState {
  connection: StreamConnection;
  loadMore: () => void;
  retry: () => void;
  /** Shows a record the user just created or ended without waiting for its SSE echo. */
  upsert: (livestream: Livestream) => void;
}

type PageMode = 'replace' | 'append' | 'merge';

interface PageRequest {
  generation: number;
  filter: StatusFilter;
  createdBy: string | null;
  offset: number;
  mode: PageMode;
  signal: AbortSignal | undefined;
}

/** Reads one page and dispatches it; a failed merge (a background re-read) stays silent. */
async function readPage(dispatch: (action: ListAction) => void, request: PageRequest): Promise<void> {
  const { generation, filter, createdBy, offset, mode, signal } = request;
  const status = filter === 'ALL' ? undefined : filter;
  try {
    const page = await api.listLivestreams({ status, createdBy: createdBy ?? undefined, limit: PAGE_SIZE, offset }, signal);
    if (mode === 'merge') dispatch({ type: 'merge', generation, items: page.items });
    else dispatch({ type: 'page', generation, items: page.items, append: mode === 'append', limit: PAGE_SIZE });
  } catch (error) {
    if (signal?.aborted) return;
    if (mode !== 'merge') dispatch({ type: 'page_failed', generation, message: errorMessage(error) });
  }
}

/** The list for a status filter; with `createdBy`, only that creator's livestreams ("My livestreams"). */
export function useLivestreamList(filter: StatusFilter, createdBy: string | null = null): LivestreamList {
  const [state, dispatch] = useReducer(listReducer, undefined, () => initialListState(filter, createdBy));
  const stateRef = useRef(state);
  stateRef.current = state;
  const [reloadKey, reload] = useReducer((n: number) => n + 1, 0);
  const generationRef = useRef(0);

  const fetchPage = useCallback(
    (generation: number, pageFilter: StatusFilter, pageCreatedBy: string | null, offset: number, mode: PageMode, signal?: AbortSignal) =>
      readPage(dispatch, { generation, filter: pageFilter, createdBy: pageCreatedBy, offset, mode, signal }),
    [],
  );

  // First page on mount, on a filter change and on retry.
  useEffect(() => {
    generationRef.current += 1;
    const generation = generationRef.current;
    dispatch({ type: 'reset', filter, createdBy, generation });
    // Aborted when the filter changes again before the answer arrives.
    const controller = new AbortController();
    void fetchPage(generation, filter, createdBy, 0, 'replace', controller.signal);
    return () => controller.abort();
  }, [filter, createdBy, reloadKey, fetchPage]);

  const loadMore = useCallback(() => {
    const current = stateRef.current;
    if (current.loading || current.loadingMore || !current.hasMore || current.error) return;
    dispatch({ type: 'load_more' });
    void fetchPage(current.generation, current.filter, current.createdBy, nextOffset(current), 'append');
  }, [fetchPage]);

  const handlers = useMemo(
    () => ({
      snapshot: (data: unknown) => {
        const states = snapshotStates(data);
        if (states) dispatch({ type: 'snapshot', states });
      },
      livestream_created: (data: unknown) => {
        if (isLivestream(data)) dispatch({ type: 'upsert', livestream: data });
      },
      livestream_updated: (data: unknown) => {
        if (isLivestream(data)) dispatch({ type: 'upsert', livestream: data });
      },
      room_started: (data: unknown) => {
        if (isStreamState(data)) dispatch({ type: 'state', state: data, ended: false });
      },
      viewer_count_update: (data: unknown) => {
        if (isStreamState(data)) dispatch({ type: 'state', state: data, ended: false });
      },
      room_ended: (data: unknown) => {
        if (isStreamState(data)) dispatch({ type: 'state', state: data, ended: true });
      },
    }),
    [],
  );

  const connection = useEventStream({
    url: SSE_GLOBAL_URL,
    handlers,
    // Lifecycle events sent while the stream was down are lost; the new snapshot restores live
    // states, one re-read of the first page restores new and changed livestreams.
    onReconnected: () => {
      const current = stateRef.current;
      void fetchPage(current.generation, current.filter, current.createdBy, 0, 'merge');
    },
  });

  const upsert = useCallback((livestream: Livestream) => dispatch({ type: 'upsert', livestream }), []);

  return { ...state, connection, loadMore, retry: reload, upsert };
}
