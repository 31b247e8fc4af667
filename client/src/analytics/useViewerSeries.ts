// Concurrent viewers over time for the chart, and the analytics answer for the summary. Who may
// read the analytics (the creator and admins) starts from the server's series; everyone else
// starts empty. While the livestream is live, every pushed state adds its viewerCount, and a tick
// every 10 s carries the last count forward so the line keeps pace with the clock.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { LivestreamAnalytics, StreamState } from '../api/types';
import { appendCount, emptySeries, LIVE_RESOLUTION_MS, seriesFromAnalytics, type ViewerSeries } from './series';

export interface ViewerSeriesOptions {
  /** Read GET …/analytics: the livestream's creator and admins may. */
  readAnalytics: boolean;
  /** The latest pushed state; null before the first one (and on an ended livestream). */
  state: StreamState | null;
  /** Pushed counts are added and the line advances with time. */
  live: boolean;
}

export interface ViewerSeriesResult {
  series: ViewerSeries;
  /** null until it arrives, and for good when the reader may not read it. */
  analytics: LivestreamAnalytics | null;
}

export function useViewerSeries(livestreamId: string, { readAnalytics, state, live }: ViewerSeriesOptions): ViewerSeriesResult {
  const [series, setSeries] = useState<ViewerSeries>(() => emptySeries());
  const [analytics, setAnalytics] = useState<LivestreamAnalytics | null>(null);
  const latestCount = useRef<number | null>(null);
  if (state) latestCount.current = state.viewerCount;
  const liveRef = useRef(live);
  liveRef.current = live;

  useEffect(() => {
    if (!readAnalytics) return undefined;
    const controller = new AbortController();
    api
      .getAnalytics(livestreamId, {}, controller.signal)
      .then((answer) => {
        setAnalytics(answer);
        // The server's series already holds what was pushed so far; the count seen last
        // continues it.
        const base = seriesFromAnalytics(answer);
        const count = latestCount.current;
        setSeries(liveRef.current && count !== null ? appendCount(base, count, Date.now()) : base);
      })
      .catch(() => {
        // A 403 (the creator or an admin only) or any other failure shows no error: the chart
        // goes on from the pushed counts alone, as it does for every other reader.
      });
    return () => controller.abort();
  }, [livestreamId, readAnalytics]);

  useEffect(() => {
    if (!live || !state) return;
    setSeries((current) => appendCount(current, state.viewerCount, Date.now()));
  }, [live, state]);

  useEffect(() => {
    if (!live) return undefined;
    const timer = setInterval(() => {
      const count = latestCount.current;
      if (count !== null) setSeries((current) => appendCount(current, count, Date.now()));
    }, LIVE_RESOLUTION_MS);
    return () => clearInterval(timer);
  }, [live]);

  return { series, analytics };
}
