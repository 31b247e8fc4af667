// The audience summary: figures from the record and the last state (the larger wins), from the
// analytics answer, and in words with the right plural.
import { describe, expect, it } from 'vitest';
import { audienceFigures, figuresFromAnalytics, summaryItems } from '../../src/analytics/summary';
import { analytics, livestream, streamState } from '../support/fixtures';

const ended = livestream({
  status: 'ENDED',
  startedAt: '2026-01-02T10:00:00.000Z',
  endedAt: '2026-01-02T10:12:30.000Z',
  peakViewerCount: 5,
  peakAt: '2026-01-02T10:03:00.000Z',
  totalViewers: 7,
});

describe('audienceFigures', () => {
  it('reads the record: duration = endedAt − startedAt', () => {
    expect(audienceFigures(ended)).toEqual({
      durationSeconds: 750,
      peakViewerCount: 5,
      peakAt: '2026-01-02T10:03:00.000Z',
      uniqueViewers: 7,
    });
  });

  it('takes the larger peak (with its time) and total from the last state, and its end when the record has none', () => {
    const stale = livestream({ status: 'ENDED', startedAt: '2026-01-02T10:00:00.000Z', endedAt: null, peakViewerCount: 2, totalViewers: 3 });
    const state = streamState({ peakViewerCount: 6, peakAt: '2026-01-02T10:05:00.000Z', totalViewers: 9, endedAt: '2026-01-02T10:20:00.000Z' });
    expect(audienceFigures(stale, state)).toEqual({
      durationSeconds: 1200,
      peakViewerCount: 6,
      peakAt: '2026-01-02T10:05:00.000Z',
      uniqueViewers: 9,
    });
  });

  it('has no duration for a livestream that never started', () => {
    expect(audienceFigures(livestream({ status: 'ENDED', startedAt: null, endedAt: '2026-01-02T10:00:00.000Z' })).durationSeconds).toBeNull();
  });
});

describe('summaryItems', () => {
  it('says peak, total and duration for everyone', () => {
    const items = summaryItems(audienceFigures(ended));
    expect(items.map((i) => [i.key, i.value, i.label])).toEqual([
      ['peak', '5 viewers', 'at the peak'],
      ['unique-viewers', '7 viewers', 'in total'],
      ['duration', '12 min 30 s', 'duration'],
    ]);
    expect(items[0]?.detail).toMatch(/\d:\d\d:\d\d/);
  });

  it('uses the singular for one, and names no peak time when nobody watched', () => {
    const one = summaryItems({ durationSeconds: 60, peakViewerCount: 1, peakAt: null, uniqueViewers: 1 });
    expect(one.map((i) => i.value)).toEqual(['1 viewer', '1 viewer', '1 min']);
    const none = summaryItems({ durationSeconds: 5, peakViewerCount: 0, peakAt: '2026-01-02T10:00:00.000Z', uniqueViewers: 0 });
    expect(none[0]).toEqual({ key: 'peak', value: '0 viewers', label: 'at the peak' });
  });

  it('adds watch times, sessions and the average audience from the analytics answer', () => {
    const items = summaryItems(figuresFromAnalytics(analytics().summary));
    expect(items.map((i) => [i.key, i.value, i.label])).toEqual([
      ['peak', '3 viewers', 'at the peak'],
      ['unique-viewers', '4 viewers', 'in total'],
      ['duration', '1 h 2 min', 'duration'],
      ['total-watch', '1 h 6 min', 'watched in total'],
      ['median-watch', '1 min 23 s', 'median watch time'],
      ['average-viewers', '1.5', 'viewers on average'],
    ]);
    expect(items[1]?.detail).toBe('5 sessions');
  });

  it('says "viewer on average" for exactly one', () => {
    const summary = { ...analytics().summary, averageViewers: 1, sessions: 1 };
    const items = summaryItems(figuresFromAnalytics(summary));
    expect(items.find((i) => i.key === 'average-viewers')?.label).toBe('viewer on average');
    expect(items[1]?.detail).toBe('1 session');
  });
});
