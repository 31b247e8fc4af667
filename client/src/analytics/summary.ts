// The audience summary of a livestream in words: from its record and last pushed state (what
// every reader gets), or from the analytics answer (its creator and admins: watch times too).
import type { AnalyticsSummary, Livestream, StreamState } from '../api/types';
import { formatDecimal, formatDuration, formatTime, plural, pluralNoun, secondsBetween } from '../format';

export interface AudienceFigures {
  durationSeconds: number | null;
  peakViewerCount: number;
  peakAt: string | null;
  uniqueViewers: number;
  /** Only the analytics answer knows these. */
  watch?: {
    sessions: number;
    totalWatchSeconds: number;
    medianWatchSeconds: number;
    averageViewers: number;
  };
}

/**
 * Figures from the record and, when one was pushed, the last state: room_ended may arrive
 * before the updated record, and both only grow (peak, unique viewers), so the larger wins.
 */
export function audienceFigures(livestream: Livestream, state?: StreamState | null): AudienceFigures {
  const statePeak = state?.peakViewerCount ?? 0;
  const stateWins = statePeak > livestream.peakViewerCount;
  return {
    durationSeconds: secondsBetween(livestream.startedAt ?? state?.startedAt, livestream.endedAt ?? state?.endedAt),
    peakViewerCount: Math.max(livestream.peakViewerCount, statePeak),
    peakAt: (stateWins ? state?.peakAt : livestream.peakAt) ?? null,
    uniqueViewers: Math.max(livestream.totalViewers, state?.totalViewers ?? 0),
  };
}

export function figuresFromAnalytics(summary: AnalyticsSummary): AudienceFigures {
  return {
    durationSeconds: summary.durationSeconds,
    peakViewerCount: summary.peakViewerCount,
    peakAt: summary.peakAt,
    uniqueViewers: summary.uniqueViewers,
    watch: {
      sessions: summary.sessions,
      totalWatchSeconds: summary.totalWatchSeconds,
      medianWatchSeconds: summary.medianWatchSeconds,
      averageViewers: summary.averageViewers,
    },
  };
}

/** One figure of the summary: `value` is what stands out, `label` says what it is. */
export interface SummaryItem {
  key: 'peak' | 'unique-viewers' | 'duration' | 'total-watch' | 'median-watch' | 'average-viewers';
  value: string;
  label: string;
  detail?: string;
}

export function summaryItems(figures: AudienceFigures): SummaryItem[] {
  const items: SummaryItem[] = [
    {
      key: 'peak',
      value: plural(figures.peakViewerCount, 'viewer', 'viewers'),
      label: 'at the peak',
      ...(figures.peakAt && figures.peakViewerCount > 0 ? { detail: formatTime(figures.peakAt) } : {}),
    },
    {
      key: 'unique-viewers',
      value: plural(figures.uniqueViewers, 'viewer', 'viewers'),
      label: 'in total',
      ...(figures.watch ? { detail: plural(figures.watch.sessions, 'session', 'sessions') } : {}),
    },
    { key: 'duration', value: formatDuration(figures.durationSeconds), label: 'duration' },
  ];
  if (figures.watch) {
    const { totalWatchSeconds, medianWatchSeconds, averageViewers } = figures.watch;
    items.push(
      { key: 'total-watch', value: formatDuration(totalWatchSeconds), label: 'watched in total' },
      { key: 'median-watch', value: formatDuration(medianWatchSeconds), label: 'median watch time' },
      { key: 'average-viewers', value: formatDecimal(averageViewers), label: `${pluralNoun(averageViewers, 'viewer', 'viewers')} on average` },
    );
  }
  return items;
}
