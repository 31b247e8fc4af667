// The viewer series: sparse buckets made dense (a missing bucket repeats the previous bucket's
// last count), live counts folded into buckets, and uPlot's columns.
import { describe, expect, it } from 'vitest';
import { appendCount, chartColumns, densify, emptySeries, seriesFromAnalytics, timeRange, type ViewerSeries } from '../../src/analytics/series';
import { analytics } from '../support/fixtures';

const T0 = Date.parse('2026-01-02T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe('densify', () => {
  it('fills a missing bucket with the previous bucket’s last count', () => {
    const points = densify(
      [
        { t: at(0), min: 0, max: 3, last: 2 },
        { t: at(30), min: 4, max: 5, last: 5 },
      ],
      10,
    );
    expect(points).toEqual([
      { t: T0, min: 0, max: 3, last: 2 },
      { t: T0 + 10_000, min: 2, max: 2, last: 2 },
      { t: T0 + 20_000, min: 2, max: 2, last: 2 },
      { t: T0 + 30_000, min: 4, max: 5, last: 5 },
    ]);
  });

  it('continues the last count up to the end of the range, the end excluded', () => {
    const points = densify([{ t: at(0), min: 1, max: 1, last: 1 }], 10, T0 + 30_000);
    expect(points.map((p) => [p.t - T0, p.last])).toEqual([
      [0, 1],
      [10_000, 1],
      [20_000, 1],
    ]);
  });

  it('sorts buckets, merges two with the same start and skips unreadable times', () => {
    const points = densify(
      [
        { t: at(10), min: 3, max: 3, last: 3 },
        { t: 'not a time', min: 9, max: 9, last: 9 },
        { t: at(0), min: 1, max: 2, last: 2 },
        { t: at(0), min: 0, max: 4, last: 1 },
      ],
      10,
    );
    expect(points).toEqual([
      { t: T0, min: 0, max: 4, last: 1 },
      { t: T0 + 10_000, min: 3, max: 3, last: 3 },
    ]);
  });

  it('works in minutes too, and gives nothing for nothing', () => {
    const points = densify(
      [
        { t: at(0), min: 1, max: 1, last: 1 },
        { t: at(180), min: 2, max: 2, last: 2 },
      ],
      60,
    );
    expect(points.map((p) => (p.t - T0) / 1000)).toEqual([0, 60, 120, 180]);
    expect(densify([], 10, T0 + 60_000)).toEqual([]);
  });
});

describe('seriesFromAnalytics', () => {
  it('makes the answer’s buckets dense up to its `to`', () => {
    const series = seriesFromAnalytics(analytics());
    expect(series.resolutionMs).toBe(10_000);
    // 10:00:00 … 10:00:50 (to is 10:01:00, excluded)
    expect(series.points.map((p) => [(p.t - T0) / 1000, p.last])).toEqual([
      [0, 2],
      [10, 2],
      [20, 2],
      [30, 1],
      [40, 1],
      [50, 1],
    ]);
  });
});

describe('appendCount', () => {
  it('starts an empty series at the bucket holding the time', () => {
    const series = appendCount(emptySeries(), 4, T0 + 12_345);
    expect(series.points).toEqual([{ t: T0 + 10_000, min: 4, max: 4, last: 4 }]);
  });

  it('folds counts of one bucket into it: fewest, most and the last', () => {
    let series: ViewerSeries = emptySeries();
    series = appendCount(series, 4, T0 + 1_000);
    series = appendCount(series, 7, T0 + 3_000);
    series = appendCount(series, 2, T0 + 5_000);
    series = appendCount(series, 3, T0 + 9_999);
    expect(series.points).toEqual([{ t: T0, min: 2, max: 7, last: 3 }]);
  });

  it('fills the buckets between with the last count before starting a new one', () => {
    let series = appendCount(emptySeries(), 4, T0);
    series = appendCount(series, 6, T0 + 35_000);
    expect(series.points.map((p) => [(p.t - T0) / 1000, p.min, p.max, p.last])).toEqual([
      [0, 4, 4, 4],
      [10, 4, 4, 4],
      [20, 4, 4, 4],
      [30, 6, 6, 6],
    ]);
  });

  it('never goes back in time: an earlier time counts for the last bucket', () => {
    let series = appendCount(emptySeries(), 4, T0 + 60_000);
    series = appendCount(series, 5, T0);
    expect(series.points).toEqual([{ t: T0 + 60_000, min: 4, max: 5, last: 5 }]);
  });

  it('leaves the series it was given unchanged', () => {
    const before = appendCount(emptySeries(), 1, T0);
    appendCount(before, 2, T0 + 20_000);
    expect(before.points).toHaveLength(1);
  });

  it('continues a series from the server at its resolution', () => {
    const series = appendCount(seriesFromAnalytics(analytics()), 5, T0 + 75_000);
    expect(series.points.slice(-3).map((p) => [(p.t - T0) / 1000, p.last])).toEqual([
      [50, 1],
      [60, 1],
      [70, 5],
    ]);
  });
});

describe('chartColumns', () => {
  it('gives x in seconds, then min, max and last', () => {
    const series = appendCount(appendCount(emptySeries(), 1, T0), 3, T0 + 10_000);
    expect(chartColumns(series)).toEqual([[T0 / 1000, T0 / 1000 + 10], [1, 3], [1, 3], [1, 3]]);
  });
});

describe('timeRange', () => {
  it('shows the minute before now while there is no bucket, not decades', () => {
    expect(timeRange(null, null, 1_000_000)).toEqual([999_940, 1_000_000]);
  });

  it('shows a minute around a lone bucket', () => {
    expect(timeRange(500, 500, 1_000_000)).toEqual([470, 530]);
  });

  it('keeps the data’s own range otherwise', () => {
    expect(timeRange(100, 400, 1_000_000)).toEqual([100, 400]);
  });
});
