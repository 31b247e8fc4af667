// Full-page notice shown when the livestream ends while the user is in it (or was already over),
// with its audience summary; the room page adds the chart and watch times for those who may
// read the analytics.
import type { ReactNode } from 'react';
import { AudienceSummary } from '../analytics/AudienceSummary';
import { audienceFigures, type AudienceFigures } from '../analytics/summary';
import type { Livestream, StreamState } from '../api/types';
import { formatDateTime } from '../format';
import { ButtonLink } from '../ui/Button';

interface LivestreamEndedProps {
  livestream: Livestream | null;
  state: StreamState | null;
  /** From the analytics answer; otherwise the record and the last state give the figures. */
  figures?: AudienceFigures | null;
  /** The chart, when there is one. */
  children?: ReactNode;
}

export function LivestreamEnded({ livestream, state, figures, children }: LivestreamEndedProps) {
  const shown = figures ?? (livestream ? audienceFigures(livestream, state) : null);
  const endedAt = livestream?.endedAt ?? state?.endedAt ?? null;
  return (
    <section
      role="status"
      data-testid="stream-ended"
      className="mx-auto max-w-2xl rounded-2xl border border-slate-200 bg-white px-6 py-10 text-center shadow-sm"
    >
      <div aria-hidden="true" className="mx-auto grid h-12 w-12 place-items-center rounded-full bg-slate-100 text-slate-500">
        <svg viewBox="0 0 24 24" className="h-6 w-6" fill="currentColor">
          <rect x="6" y="6" width="12" height="12" rx="2" />
        </svg>
      </div>
      <h1 className="mt-4 text-xl font-bold text-slate-900">This livestream has ended</h1>
      {livestream && <p className="mt-1 text-sm text-slate-600">“{livestream.title}”</p>}
      {endedAt && <p className="mt-1 text-xs text-slate-500">Ended {formatDateTime(endedAt)}</p>}
      {shown && (
        <div className="mt-6">
          <h2 className="sr-only">Audience</h2>
          <AudienceSummary figures={shown} />
        </div>
      )}
      {children && <div className="mt-6 text-left">{children}</div>}
      <ButtonLink to="/" className="mt-6">
        Back to livestreams
      </ButtonLink>
    </section>
  );
}
