// One livestream in the grid: status, creator, times, live viewers and participants (or, once
// ended, its audience summary), and the actions the current user may take (host, watch, end).
import { useState } from 'react';
import { audienceFigures } from '../analytics/summary';
import { api, errorMessage } from '../api/client';
import type { Livestream, StreamState } from '../api/types';
import { formatCount, formatDateTime, formatDuration, formatTime, plural, pluralNoun } from '../format';
import { roomPath } from '../routing/router';
import { ButtonLink, Button } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { StatusBadge } from '../ui/StatusBadge';
import { VisibilityBadge } from '../ui/VisibilityBadge';
import { ParticipantList } from './ParticipantList';
import { participantEntries } from './participants';

interface LivestreamCardProps {
  livestream: Livestream;
  /** Live state from the global SSE stream (the last one, once ended); absent until one arrives. */
  state: StreamState | undefined;
  /** null when signed out. */
  currentUserId: string | null;
  /** Admins may end anyone's livestream. */
  admin?: boolean;
  /** Open mode: the request names the user (requestingUserId); signed in, the session does. */
  identityInBodies?: boolean;
  onChanged: (livestream: Livestream) => void;
  /** Injected by tests; the API client otherwise. */
  endLivestream?: typeof api.endLivestream;
}

export function LivestreamCard({
  livestream,
  state,
  currentUserId,
  admin = false,
  identityInBodies = true,
  onChanged,
  endLivestream = api.endLivestream,
}: LivestreamCardProps) {
  const [confirming, setConfirming] = useState(false);
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<string | null>(null);

  // createdBy is null for readers who may not see ids: never the current user's.
  const isCreator = currentUserId !== null && livestream.createdBy === currentUserId;
  const canEnd = isCreator || (admin && currentUserId !== null);
  const isLive = livestream.status === 'LIVE';
  const isEnded = livestream.status === 'ENDED';
  const liveState = isLive ? state : undefined;
  const entries = participantEntries(liveState, currentUserId);
  const figures = isEnded ? audienceFigures(livestream, state) : null;
  const creator = livestream.creatorName || livestream.createdBy || 'Unknown';
  const titleId = `livestream-${livestream.id}-title`;

  const confirmEnd = async () => {
    setEnding(true);
    setEndError(null);
    try {
      onChanged(await endLivestream(livestream.id, identityInBodies && currentUserId !== null ? currentUserId : undefined));
      setConfirming(false);
    } catch (error) {
      setEndError(errorMessage(error));
    } finally {
      setEnding(false);
    }
  };

  return (
    <article
      aria-labelledby={titleId}
      data-testid="livestream-card"
      data-livestream-id={livestream.id}
      data-status={livestream.status}
      className="flex h-full flex-col rounded-2xl border border-slate-200 bg-white p-5 shadow-sm transition-shadow hover:shadow-md"
    >
      <header className="flex items-start justify-between gap-3">
        <h3 id={titleId} className="line-clamp-2 text-base font-semibold break-words text-slate-900">
          {livestream.title}
        </h3>
        <div className="flex shrink-0 flex-col items-end gap-1">
          <StatusBadge status={livestream.status} />
          <VisibilityBadge visibility={livestream.visibility} />
        </div>
      </header>
      {livestream.description && (
        <p className="mt-2 line-clamp-3 text-sm break-words whitespace-pre-line text-slate-600">{livestream.description}</p>
      )}

      <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-500">Creator</dt>
        <dd className="truncate text-slate-800" title={livestream.createdBy ?? creator}>
          {livestream.creatorName ? creator : <span className="font-mono text-xs">{creator}</span>}
          {isCreator && <span className="ml-1 text-xs text-emerald-700">(you)</span>}
        </dd>
        <dt className="text-slate-500">Room</dt>
        <dd className="truncate font-mono text-xs leading-5 text-slate-700">{livestream.roomName}</dd>
        {livestream.startedAt ? (
          <>
            <dt className="text-slate-500">Started</dt>
            <dd className="text-slate-800">
              <time dateTime={livestream.startedAt}>{formatDateTime(livestream.startedAt)}</time>
            </dd>
          </>
        ) : (
          <>
            <dt className="text-slate-500">Created</dt>
            <dd className="text-slate-800">
              <time dateTime={livestream.createdAt}>{formatDateTime(livestream.createdAt)}</time>
            </dd>
          </>
        )}
        {livestream.endedAt && (
          <>
            <dt className="text-slate-500">Ended</dt>
            <dd className="text-slate-800">
              <time dateTime={livestream.endedAt}>{formatDateTime(livestream.endedAt)}</time>
            </dd>
          </>
        )}
        {figures && (
          <>
            <dt className="text-slate-500">Duration</dt>
            <dd className="text-slate-800" data-testid="summary-duration">
              {formatDuration(figures.durationSeconds)}
            </dd>
            <dt className="text-slate-500">Peak</dt>
            <dd className="text-slate-800">
              <span data-testid="summary-peak">{plural(figures.peakViewerCount, 'viewer', 'viewers')}</span>
              {figures.peakAt && figures.peakViewerCount > 0 && (
                <span className="ml-1 text-xs text-slate-500">
                  at <time dateTime={figures.peakAt}>{formatTime(figures.peakAt)}</time>
                </span>
              )}
            </dd>
            <dt className="text-slate-500">Audience</dt>
            <dd className="text-slate-800" data-testid="summary-unique-viewers">
              {plural(figures.uniqueViewers, 'viewer', 'viewers')} in total
            </dd>
          </>
        )}
      </dl>

      {isLive && (
        <section className="mt-4 rounded-xl bg-slate-50 p-3" aria-label="Audience">
          <p className="text-sm text-slate-800" data-testid="viewer-count" aria-live="polite">
            {liveState ? (
              <>
                <span className="text-lg font-semibold tabular-nums">{formatCount(liveState.viewerCount)}</span>{' '}
                {pluralNoun(liveState.viewerCount, 'viewer', 'viewers')} watching
                {liveState.peakViewerCount > 0 && (
                  <span className="ml-2 text-xs text-slate-500">peak {liveState.peakViewerCount}</span>
                )}
              </>
            ) : (
              <span className="text-slate-500">Waiting for live numbers…</span>
            )}
          </p>
          {liveState && (
            <div className="mt-2" data-testid="participants">
              <ParticipantList entries={entries} />
            </div>
          )}
        </section>
      )}

      {endError && !confirming && (
        <p role="alert" className="mt-3 text-sm text-rose-700">
          {endError}
        </p>
      )}

      <footer className="mt-auto flex flex-wrap gap-2 pt-4">
        {isLive && isCreator && (
          <ButtonLink to={roomPath(livestream.id, 'host')} className="flex-1">
            Join as host
          </ButtonLink>
        )}
        {isLive && !isCreator && (
          <ButtonLink to={roomPath(livestream.id, 'viewer')} className="flex-1">
            Watch
          </ButtonLink>
        )}
        {isEnded && (
          <ButtonLink to={roomPath(livestream.id, isCreator ? 'host' : 'viewer')} variant="secondary" className="flex-1">
            Audience summary
          </ButtonLink>
        )}
        {canEnd && !isEnded && (
          <Button variant="secondary" className="flex-1" onClick={() => setConfirming(true)}>
            End stream
          </Button>
        )}
      </footer>

      <ConfirmDialog
        open={confirming}
        title="End this livestream?"
        message={`“${livestream.title}” ends for everyone watching (${plural(liveState?.viewerCount ?? 0, 'viewer', 'viewers')} now). This cannot be undone.`}
        confirmLabel="End stream"
        busy={ending}
        error={endError}
        onConfirm={() => void confirmEnd()}
        onCancel={() => {
          setConfirming(false);
          setEndError(null);
        }}
      />
    </article>
  );
}
