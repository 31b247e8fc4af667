// Colored badge for a livestream status; LIVE pulses so it reads at a glance.
import type { LivestreamStatus } from '../api/types';

const styles: Record<LivestreamStatus, string> = {
  LIVE: 'bg-rose-100 text-rose-700 ring-rose-600/20',
  SCHEDULED: 'bg-sky-100 text-sky-700 ring-sky-600/20',
  ENDED: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  ERROR: 'bg-amber-100 text-amber-800 ring-amber-600/20',
};

export function StatusBadge({ status }: { status: LivestreamStatus }) {
  return (
    <span
      data-testid="status-badge"
      className={`inline-flex shrink-0 items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${styles[status] ?? styles.ERROR}`}
    >
      {status === 'LIVE' && <span aria-hidden="true" className="h-1.5 w-1.5 animate-pulse rounded-full bg-rose-600" />}
      {status}
    </span>
  );
}
