// The concurrent-viewer series as the chart draws it: the server's buckets made dense (a bucket
// the server left out had no change, so it repeats the previous bucket's last count), then live
// counts from SSE folded into buckets of the same width.
import type { LivestreamAnalytics, ViewerBucket } from '../api/types';

/** One bucket: its start (ms since the epoch) and the counts seen during it. */
export interface ViewerPoint {
  t: number;
  min: number;
  max: number;
  last: number;
}

export interface ViewerSeries {
  resolutionMs: number;
  points: ViewerPoint[];
}

/** The server's live resolution; also the bucket width of a series built from SSE alone. */
export const LIVE_RESOLUTION_MS = 10_000;

/** A corrupt or absurd time range must not fill memory: a week of 10 s buckets is far beyond any chart. */
const MAX_POINTS = 60_480;

export function emptySeries(resolutionMs = LIVE_RESOLUTION_MS): ViewerSeries {
  return { resolutionMs, points: [] };
}

/** Appends the buckets after the last point that start before `until`, each repeating its last count. */
function fill(points: ViewerPoint[], resolutionMs: number, until: number): void {
  let previous = points[points.length - 1];
  while (previous && previous.t + resolutionMs < until && points.length < MAX_POINTS) {
    const next = { t: previous.t + resolutionMs, min: previous.last, max: previous.last, last: previous.last };
    points.push(next);
    previous = next;
  }
}

/**
 * Dense points from sparse buckets: every bucket from the first one up to `until` (ms,
 * exclusive; the series' end, `to` of the answer) is present. Buckets are taken in time
 * order; two with the same start are merged.
 */
export function densify(buckets: ViewerBucket[], resolutionSeconds: number, until?: number): ViewerPoint[] {
  const resolutionMs = Math.max(1, resolutionSeconds) * 1000;
  const sorted = buckets
    .map((bucket) => ({ t: Date.parse(bucket.t), min: bucket.min, max: bucket.max, last: bucket.last }))
    .filter((point) => Number.isFinite(point.t))
    .sort((a, b) => a.t - b.t);
  const points: ViewerPoint[] = [];
  for (const point of sorted) {
    const previous = points[points.length - 1];
    if (previous && point.t <= previous.t) {
      points[points.length - 1] = merge(previous, point);
      continue;
    }
    // Fill up to the bucket just before this one.
    fill(points, resolutionMs, point.t);
    if (points.length >= MAX_POINTS) break;
    points.push(point);
  }
  if (until !== undefined && Number.isFinite(until)) fill(points, resolutionMs, until);
  return points;
}

function merge(earlier: ViewerPoint, later: ViewerPoint): ViewerPoint {
  return { t: earlier.t, min: Math.min(earlier.min, later.min), max: Math.max(earlier.max, later.max), last: later.last };
}

export function seriesFromAnalytics(analytics: LivestreamAnalytics): ViewerSeries {
  const resolutionMs = Math.max(1, analytics.resolutionSeconds) * 1000;
  const until = Date.parse(analytics.to);
  return {
    resolutionMs,
    points: densify(analytics.series, analytics.resolutionSeconds, Number.isFinite(until) ? until : undefined),
  };
}

/**
 * The series with `count` seen at `at` (ms): folded into the bucket holding `at`, after
 * filling the buckets since the last point. A time before the last bucket (this clock behind
 * the server's) counts for the last bucket: the series never goes back in time.
 */
export function appendCount(series: ViewerSeries, count: number, at: number): ViewerSeries {
  const { resolutionMs } = series;
  const start = Math.floor(at / resolutionMs) * resolutionMs;
  const points = series.points.slice();
  const last = points[points.length - 1];
  if (last && start <= last.t) {
    points[points.length - 1] = merge(last, { t: last.t, min: count, max: count, last: count });
    return { resolutionMs, points };
  }
  fill(points, resolutionMs, start);
  points.push({ t: start, min: count, max: count, last: count });
  return { resolutionMs, points };
}

/** uPlot's columns: x in seconds, then min, max and last per bucket. */
export function chartColumns(series: ViewerSeries): [number[], number[], number[], number[]] {
  const { points } = series;
  return [points.map((p) => p.t / 1000), points.map((p) => p.min), points.map((p) => p.max), points.map((p) => p.last)];
}

/**
 * The chart's time axis, in seconds: a minute around a lone bucket, and the minute before
 * `nowSeconds` while there is none yet (left to itself, uPlot would span decades).
 */
export function timeRange(min: number | null, max: number | null, nowSeconds: number): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [nowSeconds - 60, nowSeconds];
  return min === max ? [min - 30, max + 30] : [min, max];
}
