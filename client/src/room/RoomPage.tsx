// Room page (/livestreams/:id/room?role=host|viewer): joins the livestream, shows the media
// stage, live numbers and participants from the livestream's SSE stream, and the way out.
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { JoinResponse, Livestream } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import type { Actor } from '../auth/actor';
import { plural } from '../format';
import { ParticipantList } from '../livestreams/ParticipantList';
import { namesFromParticipants, participantEntries, type KnownName } from '../livestreams/participants';
import { navigate, roomPath } from '../routing/router';
import { useLivestreamEvents } from '../sse/useLivestreamEvents';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Spinner } from '../ui/Spinner';
import { StatusBadge } from '../ui/StatusBadge';
import { VisibilityBadge } from '../ui/VisibilityBadge';
import { InviteManager } from './InviteManager';
import { MediaStage } from './MediaStage';
import { LivestreamEnded } from './LivestreamEnded';
import { useRoomSession, type RoomRole } from './useRoomSession';

/** Rendered for someone who acts as a user (signed in, a guest, or the open-mode identity). */
export default function RoomPage({ livestreamId, role, actor }: { livestreamId: string; role: RoomRole; actor: Actor }) {
  const { session, retry, leave, markEnded } = useRoomSession(livestreamId, role, actor);
  const livestream = session.livestream;
  const live = session.phase === 'joined' || session.phase === 'conflict' || session.phase === 'loading';
  const events = useLivestreamEvents(livestream && livestream.status === 'LIVE' && live ? livestreamId : null);
  const [leaving, setLeaving] = useState(false);

  useEffect(() => {
    if (events.ended) markEnded();
  }, [events.ended, markEnded]);

  useEffect(() => {
    document.title = livestream ? `${livestream.title} · Livestream Orchestrator` : 'Livestream Orchestrator';
  }, [livestream]);

  const onLeave = async () => {
    setLeaving(true);
    await leave();
    navigate('/');
  };

  if (session.phase === 'ended') {
    return <LivestreamEnded livestream={livestream} state={events.state} />;
  }

  return (
    <div className="space-y-5">
      <RoomHeader livestream={livestream} role={role} leaving={leaving} canLeave={session.phase === 'joined'} onLeave={() => void onLeave()} />

      {session.phase === 'loading' && (
        <div className="flex items-center justify-center gap-3 py-20 text-slate-600">
          <Spinner label="Joining the livestream" />
          <span>Joining the livestream…</span>
        </div>
      )}

      {session.phase === 'unavailable' && (
        <Alert title={session.title}>
          <p>{session.message}</p>
          <div className="mt-3 flex flex-wrap gap-2">
            {session.canWatch && <ButtonLink to={roomPath(livestreamId, 'viewer')}>Watch instead</ButtonLink>}
            <ButtonLink to="/" variant="secondary">
              Back to livestreams
            </ButtonLink>
          </div>
        </Alert>
      )}

      {session.phase === 'failed' && (
        <Alert title="Could not join the livestream">
          <p>{session.message}</p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button onClick={() => retry()}>Try again</Button>
            <ButtonLink to="/" variant="secondary">
              Back to livestreams
            </ButtonLink>
          </div>
        </Alert>
      )}

      {session.phase === 'conflict' && (
        <Alert tone="warning" title="You are already in this livestream">
          <p data-testid="join-conflict">
            Your user ID {actor.userId} has an active seat here, probably in another tab or on another device.
            ({session.message})
          </p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button onClick={() => retry(true)}>Leave the other session and join here</Button>
            <ButtonLink to="/" variant="secondary">
              Back to livestreams
            </ButtonLink>
          </div>
        </Alert>
      )}

      {session.phase === 'moved' && (
        <Alert tone="info" title="You continued in another tab">
          <p data-testid="seat-moved">This livestream is open in another tab with the same user; that tab holds your seat now.</p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button onClick={() => retry(true)}>Continue here</Button>
            <ButtonLink to="/" variant="secondary">
              Back to livestreams
            </ButtonLink>
          </div>
        </Alert>
      )}

      {session.phase === 'joined' && (
        <JoinedRoom
          key={session.join.token}
          livestream={session.livestream}
          role={role}
          join={session.join}
          events={events}
          actor={actor}
          onEnded={markEnded}
        />
      )}
    </div>
  );
}

function RoomHeader({
  livestream,
  role,
  leaving,
  canLeave,
  onLeave,
}: {
  livestream: Livestream | null;
  role: RoomRole;
  leaving: boolean;
  canLeave: boolean;
  onLeave: () => void;
}) {
  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-xl font-bold break-words text-slate-900 sm:text-2xl">{livestream?.title ?? 'Livestream'}</h1>
          {livestream && <StatusBadge status={livestream.status} />}
          {livestream && <VisibilityBadge visibility={livestream.visibility} />}
          <span className="rounded-full bg-indigo-50 px-2.5 py-0.5 text-xs font-semibold text-indigo-700" data-testid="room-role">
            {role === 'host' ? 'Hosting' : 'Watching'}
          </span>
        </div>
        {livestream?.description && <p className="mt-1 line-clamp-2 text-sm text-slate-600">{livestream.description}</p>}
      </div>
      {canLeave ? (
        <Button variant="secondary" onClick={onLeave} disabled={leaving}>
          {leaving ? 'Leaving…' : 'Leave'}
        </Button>
      ) : (
        <ButtonLink to="/" variant="secondary">
          Back to livestreams
        </ButtonLink>
      )}
    </div>
  );
}

interface JoinedRoomProps {
  livestream: Livestream;
  role: RoomRole;
  join: JoinResponse;
  events: ReturnType<typeof useLivestreamEvents>;
  actor: Actor;
  onEnded: (livestream?: Livestream) => void;
}

function JoinedRoom({ livestream, role, join, events, actor, onEnded }: JoinedRoomProps) {
  const { me } = useAuth();
  // createdBy is set only for those who may see ids: the creator (and admins).
  const canManage = livestream.createdBy === actor.userId || me?.admin === true;
  const [names, setNames] = useState<Map<string, KnownName>>(() => new Map());
  const [mediaNames, setMediaNames] = useState<Map<string, string>>(() => new Map());
  const [confirming, setConfirming] = useState(false);
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<string | null>(null);

  // Names of those already present, read once; later arrivals are named by LiveKit.
  useEffect(() => {
    const controller = new AbortController();
    api
      .listParticipants(livestream.id, { status: 'JOINED', limit: 100 }, controller.signal)
      .then((page) => setNames(namesFromParticipants(page.items)))
      .catch(() => undefined);
    return () => controller.abort();
  }, [livestream.id]);

  const onNames = useCallback((next: Map<string, string>) => setMediaNames(next), []);

  const known = new Map(names);
  for (const [userId, name] of mediaNames) if (!known.has(userId)) known.set(userId, { name, isHost: false });
  known.set(actor.userId, { name: actor.displayName, isHost: role === 'host' });
  const state = events.state;
  const entries = participantEntries(state, known, actor.userId, actor.displayName);

  const endStream = async () => {
    setEnding(true);
    setEndError(null);
    try {
      onEnded(await api.endLivestream(livestream.id, actor.inBodies ? actor.userId : undefined));
    } catch (error) {
      setEndError(errorMessage(error));
      setEnding(false);
    }
  };

  return (
    <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <section aria-label={role === 'host' ? 'Your broadcast' : 'Livestream video'} data-testid={role === 'host' ? 'host-view' : 'viewer-view'}>
        <MediaStage join={join} role={role} onNames={onNames} />
        {role === 'viewer' && <p className="mt-3 text-sm text-slate-600">You are watching. Only the host can publish video and sound.</p>}
      </section>

      <aside className="space-y-4">
        <div className="rounded-2xl border border-slate-200 bg-white p-4">
          <h2 className="text-sm font-semibold text-slate-900">Audience</h2>
          {state ? (
            <dl className="mt-3 grid grid-cols-3 gap-2 text-center">
              <Stat label="watching" value={state.viewerCount} testId="room-viewer-count" />
              <Stat label="peak" value={state.peakViewerCount} />
              <Stat label="in total" value={state.totalViewers} />
            </dl>
          ) : (
            <p className="mt-2 text-sm text-slate-500">
              {events.connection === 'reconnecting' ? 'Live numbers interrupted, reconnecting…' : 'Waiting for live numbers…'}
            </p>
          )}
        </div>

        <div className="rounded-2xl border border-slate-200 bg-white p-4">
          <h2 className="text-sm font-semibold text-slate-900">
            In the room{state ? ` (${state.participants.length})` : ''}
          </h2>
          <div className="mt-2" data-testid="room-participants">
            <ParticipantList entries={entries} limit={30} />
          </div>
        </div>

        {livestream.visibility === 'private' && canManage && <InviteManager livestreamId={livestream.id} />}

        {role === 'host' && (
          <div className="rounded-2xl border border-rose-200 bg-rose-50 p-4">
            <p className="text-sm text-rose-900">
              Ending the livestream disconnects {plural(state?.viewerCount ?? 0, 'viewer', 'viewers')} and cannot be undone.
            </p>
            <Button variant="danger" className="mt-3 w-full" onClick={() => setConfirming(true)}>
              End stream
            </Button>
          </div>
        )}
      </aside>

      <ConfirmDialog
        open={confirming}
        title="End this livestream?"
        message={`“${livestream.title}” ends for everyone watching.`}
        confirmLabel="End stream"
        busy={ending}
        error={endError}
        onConfirm={() => void endStream()}
        onCancel={() => {
          setConfirming(false);
          setEndError(null);
        }}
      />
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div className="flex flex-col-reverse rounded-xl bg-slate-50 px-2 py-2">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
