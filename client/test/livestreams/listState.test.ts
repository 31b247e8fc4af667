// Livestream list state: pages, pushed changes merged into them, and the next page's offset.
import { describe, expect, it } from 'vitest';
import type { Livestream } from '../../src/api/types';
import { emptyState, initialListState, listReducer, nextOffset, type ListAction, type ListState } from '../../src/livestreams/listState';
import { livestream, streamState } from '../support/fixtures';

const at = (minute: number, overrides: Partial<Livestream> = {}) =>
  livestream({
    id: `ls-${minute}`,
    createdAt: `2026-01-02T10:${String(minute).padStart(2, '0')}:00.000Z`,
    updatedAt: `2026-01-02T10:${String(minute).padStart(2, '0')}:00.000Z`,
    ...overrides,
  });

function loaded(items: Livestream[], filter: ListState['filter'] = 'ALL', limit = 20): ListState {
  const actions: ListAction[] = [
    { type: 'reset', filter, generation: 1 },
    { type: 'page', generation: 1, items, append: false, limit },
  ];
  return actions.reduce(listReducer, initialListState(filter));
}

const ids = (state: ListState) => state.items.map((item) => item.id);

describe('pages', () => {
  it('has more when a full page came back', () => {
    expect(loaded([at(3), at(2)], 'ALL', 2).hasMore).toBe(true);
    expect(loaded([at(3)], 'ALL', 2).hasMore).toBe(false);
  });

  it('appends the next page without duplicating items already shown', () => {
    const state = listReducer(loaded([at(5), at(4)], 'ALL', 2), {
      type: 'page',
      generation: 1,
      items: [at(4), at(3)],
      append: true,
      limit: 2,
    });
    expect(ids(state)).toEqual(['ls-5', 'ls-4', 'ls-3']);
  });

  it('drops the answer to a request made before the filter changed', () => {
    const state = listReducer(listReducer(loaded([at(5)]), { type: 'reset', filter: 'LIVE', generation: 2 }), {
      type: 'page',
      generation: 1,
      items: [at(9)],
      append: false,
      limit: 20,
    });
    expect(state.items).toEqual([]);
    expect(state.loading).toBe(true);
  });
});

describe('pushed livestreams', () => {
  it('puts a created livestream first', () => {
    const state = listReducer(loaded([at(5), at(4)]), { type: 'upsert', livestream: at(6) });
    expect(ids(state)).toEqual(['ls-6', 'ls-5', 'ls-4']);
  });

  it('does not add a livestream twice (the creator sees its own create echoed)', () => {
    const once = listReducer(loaded([at(5)]), { type: 'upsert', livestream: at(6) });
    const twice = listReducer(once, { type: 'upsert', livestream: at(6) });
    expect(ids(twice)).toEqual(['ls-6', 'ls-5']);
  });

  it('replaces an updated livestream in place', () => {
    const state = listReducer(loaded([at(5), at(4)]), {
      type: 'upsert',
      livestream: at(4, { status: 'ENDED', updatedAt: '2026-01-02T11:00:00.000Z' }),
    });
    expect(ids(state)).toEqual(['ls-5', 'ls-4']);
    expect(state.items[1]?.status).toBe('ENDED');
  });

  it('ignores an update older than the version shown', () => {
    const ended = listReducer(loaded([at(5)]), {
      type: 'upsert',
      livestream: at(5, { status: 'ENDED', updatedAt: '2026-01-02T11:00:00.000Z' }),
    });
    const stale = listReducer(ended, { type: 'upsert', livestream: at(5, { status: 'LIVE' }) });
    expect(stale.items[0]?.status).toBe('ENDED');
  });

  it('does not add a livestream the filter excludes', () => {
    const state = listReducer(loaded([at(5)], 'ENDED'), { type: 'upsert', livestream: at(6, { status: 'LIVE' }) });
    expect(ids(state)).toEqual(['ls-5']);
  });

  it('leaves an older livestream to the page that will bring it', () => {
    const more = listReducer(loaded([at(5), at(4)], 'ALL', 2), { type: 'upsert', livestream: at(1) });
    expect(ids(more)).toEqual(['ls-5', 'ls-4']);
    const complete = listReducer(loaded([at(5), at(4)], 'ALL', 20), { type: 'upsert', livestream: at(1) });
    expect(ids(complete)).toEqual(['ls-5', 'ls-4', 'ls-1']);
  });
});

describe('live states', () => {
  it('replaces all states with a snapshot', () => {
    const first = listReducer(loaded([]), { type: 'state', state: streamState({ streamId: 'old' }), ended: false });
    const state = listReducer(first, { type: 'snapshot', states: [streamState({ streamId: 'ls-5', viewerCount: 3 })] });
    expect(Object.keys(state.states)).toEqual(['ls-5']);
    expect(state.states['ls-5']?.viewerCount).toBe(3);
  });

  it('keeps the latest state per livestream', () => {
    const state = listReducer(loaded([at(5)]), { type: 'state', state: streamState({ streamId: 'ls-5', viewerCount: 6 }), ended: false });
    expect(state.states['ls-5']?.viewerCount).toBe(6);
  });

  it('shows ENDED at once when room_ended arrives before the record update', () => {
    const state = listReducer(loaded([at(5), at(4)]), {
      type: 'state',
      state: streamState({ streamId: 'ls-5', status: 'ENDED' }),
      ended: true,
    });
    expect(state.items.map((item) => item.status)).toEqual(['ENDED', 'LIVE']);
  });
});

describe('nextOffset', () => {
  it('counts the shown items that still match the filter', () => {
    let state = loaded([at(5), at(4), at(3)], 'LIVE', 3);
    state = listReducer(state, { type: 'upsert', livestream: at(6) });
    state = listReducer(state, { type: 'upsert', livestream: at(4, { status: 'ENDED', updatedAt: '2026-01-02T11:00:00.000Z' }) });
    // ls-6 is new on the server's first page; ls-4 left the LIVE list there.
    expect(nextOffset(state)).toBe(3);
  });
});

describe('emptyState', () => {
  it('is known only once a snapshot arrived', () => {
    const before = loaded([at(5)]);
    expect(before.haveSnapshot).toBe(false);
    const after = listReducer(before, { type: 'snapshot', states: [] });
    expect(after.haveSnapshot).toBe(true);
    expect(emptyState(at(5))).toMatchObject({ streamId: 'ls-5', viewerCount: 0, participants: [] });
  });
});

describe('the public view of pushed records', () => {
  it('keeps the creator known from an earlier read when a pushed update hides it', () => {
    const mine = at(5, { createdBy: 'alice', creatorName: 'Alice' });
    const pushed = { ...mine, createdBy: null, status: 'ENDED' as const, updatedAt: '2026-01-02T11:00:00.000Z' };
    const state = listReducer(loaded([mine]), { type: 'upsert', livestream: pushed });
    expect(state.items[0]).toMatchObject({ createdBy: 'alice', creatorName: 'Alice', status: 'ENDED' });
  });

  it("leaves out of \"My livestreams\" a pushed record that does not name me", () => {
    const state = listReducer(
      [{ type: 'reset', filter: 'ALL', createdBy: 'alice', generation: 1 } as ListAction, { type: 'page', generation: 1, items: [], append: false, limit: 20 } as ListAction].reduce(
        listReducer,
        initialListState('ALL', 'alice'),
      ),
      { type: 'upsert', livestream: at(6, { createdBy: null }) },
    );
    expect(state.items).toEqual([]);
    expect(listReducer(state, { type: 'upsert', livestream: at(7, { createdBy: 'alice' }) }).items).toHaveLength(1);
  });
});
