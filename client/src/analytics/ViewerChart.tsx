// Chart of concurrent viewers over time (uPlot on a canvas): the count at the end of each
// bucket as a stepped line, the band between the fewest and the most seen during the bucket,
// and a readout of the bucket under the pointer.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatCount, formatDuration, formatTime, plural } from '../format';
import { chartColumns, timeRange, type ViewerSeries } from './series';

const HEIGHT = 160;
// Tailwind's indigo-600 and slate-500/200, as the rest of the page.
const LINE = '#4f46e5';
const BAND = 'rgba(79, 70, 229, 0.14)';
const AXIS = '#64748b';
const GRID = '#e2e8f0';
// People come in whole numbers: the y axis never shows 0.5.
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];
// Time labels in the browser's locale, as precise as the ticks are apart.
const SECONDS = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const MINUTES = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const DAYS = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

function timeLabels(_u: uPlot, splits: number[], _axis: number, _space: number, increment: number): string[] {
  const format = increment < 60 ? SECONDS : increment < 86_400 ? MINUTES : DAYS;
  return splits.map((seconds) => format.format(new Date(seconds * 1000)));
}

function chartOptions(width: number, onHover: (index: number | null) => void): uPlot.Options {
  const stepped = uPlot.paths.stepped?.({ align: 1 });
  const axis: uPlot.Axis = { stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { show: false } };
  return {
    width,
    height: HEIGHT,
    // Room on the right for half of the last time label, which sits on the edge.
    padding: [12, 40, 0, 0],
    legend: { show: false },
    cursor: { y: false, points: { show: false }, drag: { x: false, y: false } },
    scales: {
      x: { time: true, range: (_u, min, max) => timeRange(min, max, Date.now() / 1000) },
      y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil((max ?? 0) * 1.15))] },
    },
    axes: [
      { ...axis, space: 90, values: timeLabels },
      { ...axis, size: 44, incrs: INTEGER_STEPS, values: (_u, splits) => splits.map((v) => formatCount(v)) },
    ],
    series: [
      {},
      { label: 'fewest', stroke: 'transparent', points: { show: false }, ...(stepped ? { paths: stepped } : {}) },
      { label: 'most', stroke: 'transparent', points: { show: false }, ...(stepped ? { paths: stepped } : {}) },
      { label: 'viewers', stroke: LINE, width: 2, points: { show: false }, ...(stepped ? { paths: stepped } : {}) },
    ],
    bands: [{ series: [2, 1], fill: BAND }],
    hooks: { setCursor: [(u) => onHover(u.cursor.idx ?? null)] },
  };
}

/** What a screen reader hears instead of the canvas. */
function describe(series: ViewerSeries, live: boolean): string {
  const { points } = series;
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return 'Concurrent viewers: no data yet';
  const most = Math.max(...points.map((p) => p.max));
  const span = formatDuration((last.t - first.t + series.resolutionMs) / 1000);
  const end = live ? `${formatCount(last.last)} now` : `${formatCount(last.last)} at the end`;
  return `Concurrent viewers over ${span}: ${end}, at most ${formatCount(most)}`;
}

interface ViewerChartProps {
  series: ViewerSeries;
  /** Live: the readout says "now" for the latest bucket. */
  live: boolean;
}

export function ViewerChart({ series, live }: ViewerChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(series);
  latest.current = series;
  const [hovered, setHovered] = useState<number | null>(null);

  // One uPlot per mount; new data goes in through setData below.
  useEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    const chart = new uPlot(chartOptions(element.clientWidth, setHovered), chartColumns(latest.current), element);
    plot.current = chart;
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: HEIGHT }));
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(chartColumns(series));
  }, [series]);

  const points = series.points;
  const current = points[points.length - 1];
  const shown = hovered === null ? undefined : points[hovered];
  let readout = '';
  if (shown) readout = `${plural(shown.last, 'viewer', 'viewers')} at ${formatTime(new Date(shown.t).toISOString())}`;
  else if (current && live) readout = `${plural(current.last, 'viewer', 'viewers')} now`;

  return (
    <figure data-testid="viewer-chart" data-viewers={current?.last ?? ''} data-points={points.length}>
      <figcaption className="flex items-baseline justify-between gap-3">
        <span className="text-sm font-semibold text-slate-900">Viewers over time</span>
        <span className="text-xs tabular-nums text-slate-500" data-testid="viewer-chart-readout" aria-live="off">
          {readout}
        </span>
      </figcaption>
      <div className="relative mt-2">
        <div ref={container} role="img" aria-label={describe(series, live)} className="w-full" style={{ minHeight: HEIGHT }} />
        {points.length === 0 && (
          <p className="absolute inset-0 flex items-center justify-center text-sm text-slate-500">Waiting for the first numbers…</p>
        )}
      </div>
    </figure>
  );
}
