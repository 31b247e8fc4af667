// Pure state of the livestream list: loaded pages, the live states pushed over SSE, and the
// rules for merging pushed changes into pages that were read earlier.
import type { Livestream, LivestreamStatus, StreamState } from '../api/types';

export type StatusFilter = 'ALL' | LivestreamStatus;

export interface ListState {
  filter: StatusFilter;
  /** "My livestreams": only this creator's; null for everyone's. */
  createdBy: string | null;
  /** Bumped on every reset, so answers to requests of an earlier filter are dropped. */
  generation: number;
  items: Livestream[];
  /** Latest live state per livestream id, from the global SSE stream (any filter). */
  states: Record<string, StreamState>;
  /** A snapshot arrived: a LIVE livestream without a state has nobody in it yet. */
  haveSnapshot: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  hasMore: boolean;
}

export type ListAction =
  | { type: 'reset'; filter: StatusFilter; generation: number; createdBy?: string | null }
  | { type: 'load_more' }
  | { type: 'page'; generation: number; items: Livestream[]; append: boolean; limit: number }
  | { type: 'page_failed'; generation: number; message: string }
  /** A first page re-read after the event stream was interrupted: merged, not replacing. */
  | { type: 'merge'; generation: number; items: Livestream[] }
  | { type: 'upsert'; livestream: Livestream }
  | { type: 'snapshot'; states: StreamState[] }
  | { type: 'state'; state: StreamState; ended: boolean };

export function initialListState(filter: StatusFilter, createdBy: string | null = null): ListState {
  return {
    filter,
    createdBy,
    generation: 0,
    items: [],
    states: {},
    haveSnapshot: false,
    loading: true,
    loadingMore: false,
    error: null,
    hasMore: false,
  };
}

/**
 * What a LIVE livestream's state is while nobody is connected: the snapshot leaves it out. Peak
 * and total outlive the people who made them, so they come from the record.
 */
export function emptyState(livestream: Livestream): StreamState {
  return {
    streamId: livestream.id,
    status: livestream.status,
    participants: [],
    people: [],
    viewerCount: 0,
    totalViewers: livestream.totalViewers,
    peakViewerCount: livestream.peakViewerCount,
    peakAt: livestream.peakAt,
    hostConnected: false,
    startedAt: livestream.startedAt,
    endedAt: livestream.endedAt,
    hostInfo: null,
  };
}

export function matchesFilter(livestream: Livestream, filter: StatusFilter, createdBy: string | null = null): boolean {
  if (createdBy !== null && livestream.createdBy !== createdBy) return false;
  return filter === 'ALL' || livestream.status === filter;
}

/**
 * Offset of the next page. Items that still match the filter are exactly the ones the server
 * counts before the next page (those pushed over SSE included); items whose status changed
 * away stay on screen but are not counted, so no livestream is skipped.
 */
export function nextOffset(state: ListState): number {
  return state.items.filter((item) => matchesFilter(item, state.filter, state.createdBy)).length;
}

const time = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/** Inserts in newest-first order, unless the item belongs to a page not loaded yet. */
function insertSorted(state: ListState, livestream: Livestream): Livestream[] {
  const items = state.items;
  const created = time(livestream.createdAt);
  const index = items.findIndex((item) => time(item.createdAt) < created);
  if (index === -1) {
    // Older than everything shown: a later page will bring it.
    return state.hasMore ? items : [...items, livestream];
  }
  return [...items.slice(0, index), livestream, ...items.slice(index)];
}

/**
 * Pushed events carry the public view (createdBy null); the creator's own read of the record
 * names them. A livestream's creator never changes, so what was known is kept.
 */
function keepKnownCreator(next: Livestream, known: Livestream): Livestream {
  if (next.createdBy !== null || known.createdBy === null) return next;
  return { ...next, createdBy: known.createdBy, creatorName: next.creatorName ?? known.creatorName ?? null };
}

function upsert(state: ListState, livestream: Livestream): Livestream[] {
  const index = state.items.findIndex((item) => item.id === livestream.id);
  if (index !== -1) {
    // Out-of-order pushes: never replace a record with an older version of itself.
    const current = state.items[index] as Livestream;
    if (time(livestream.updatedAt) < time(current.updatedAt)) return state.items;
    const items = state.items.slice();
    items[index] = keepKnownCreator(livestream, current);
    return items;
  }
  if (!matchesFilter(livestream, state.filter, state.createdBy)) return state.items;
  return insertSorted(state, livestream);
}

export function listReducer(state: ListState, action: ListAction): ListState {
  switch (action.type) {
    case 'reset':
      return {
        ...state,
        filter: action.filter,
        createdBy: action.createdBy ?? null,
        generation: action.generation,
        items: [],
        loading: true,
        loadingMore: false,
        error: null,
        hasMore: false,
      };
    case 'load_more':
      return { ...state, loadingMore: true, error: null };
    case 'page': {
      if (action.generation !== state.generation) return state;
      let items: Livestream[];
      if (action.append) {
        const known = new Set(state.items.map((item) => item.id));
        items = [...state.items, ...action.items.filter((item) => !known.has(item.id))];
      } else {
        items = action.items;
      }
      return {
        ...state,
        items,
        loading: false,
        loadingMore: false,
        error: null,
        hasMore: action.items.length >= action.limit,
      };
    }
    case 'page_failed':
      if (action.generation !== state.generation) return state;
      return { ...state, loading: false, loadingMore: false, error: action.message };
    case 'merge': {
      if (action.generation !== state.generation) return state;
      let next = state;
      for (const item of action.items) next = { ...next, items: upsert(next, item) };
      return next;
    }
    case 'upsert':
      return { ...state, items: upsert(state, action.livestream) };
    case 'snapshot': {
      const states: Record<string, StreamState> = {};
      for (const s of action.states) states[s.streamId] = s;
      return { ...state, states, haveSnapshot: true };
    }
    case 'state': {
      const states = { ...state.states, [action.state.streamId]: action.state };
      if (!action.ended) return { ...state, states };
      // room_ended may arrive before livestream_updated: show ENDED at once.
      const items = state.items.map((item) =>
        item.id === action.state.streamId && item.status === 'LIVE' ? { ...item, status: 'ENDED' as const } : item,
      );
      return { ...state, states, items };
    }
  }
}
