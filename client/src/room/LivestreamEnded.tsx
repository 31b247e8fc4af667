// Full-page notice shown when the livestream ends while the user is in it (or was already over).
import type { Livestream, StreamState } from '../api/types';
import { formatDateTime } from '../format';
import { ButtonLink } from '../ui/Button';

export function LivestreamEnded({ livestream, state }: { livestream: Livestream | null; state: StreamState | null }) {
  return (
    <section
      role="status"
      data-testid="stream-ended"
      className="mx-auto max-w-lg rounded-2xl border border-slate-200 bg-white px-6 py-12 text-center shadow-sm"
    >
      <div aria-hidden="true" className="mx-auto grid h-12 w-12 place-items-center rounded-full bg-slate-100 text-slate-500">
        <svg viewBox="0 0 24 24" className="h-6 w-6" fill="currentColor">
          <rect x="6" y="6" width="12" height="12" rx="2" />
        </svg>
      </div>
      <h1 className="mt-4 text-xl font-bold text-slate-900">This livestream has ended</h1>
      {livestream && <p className="mt-1 text-sm text-slate-600">“{livestream.title}”</p>}
      {livestream?.endedAt && <p className="mt-1 text-xs text-slate-500">Ended {formatDateTime(livestream.endedAt)}</p>}
      {state && (
        <p className="mt-3 text-sm text-slate-700">
          Peak audience {state.peakViewerCount}, {state.totalViewers} viewers in total.
        </p>
      )}
      <ButtonLink to="/" className="mt-6">
        Back to livestreams
      </ButtonLink>
    </section>
  );
}
