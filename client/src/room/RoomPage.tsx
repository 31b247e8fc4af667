// Room page (/livestreams/:id/room?role=host|viewer): joins the livestream, shows the media
// stage, live numbers, the viewer chart and participants from the livestream's SSE stream, and
// the way out; once the livestream is over, its audience summary.
import { useEffect, useState } from 'react';
import { figuresFromAnalytics } from '../analytics/summary';
import { useViewerSeries } from '../analytics/useViewerSeries';
import { ViewerChart } from '../analytics/ViewerChart';
import { api, errorMessage } from '../api/client';
import type { ChatMessage, CurrentUser, JoinResponse, Livestream, StreamState } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import type { Actor } from '../auth/actor';
import { plural } from '../format';
import { useSimulatedMedia } from '../health/HealthContext';
import { ParticipantList } from '../livestreams/ParticipantList';
import { participantEntries } from '../livestreams/participants';
import { navigate, roomPath } from '../routing/router';
import { useLivestreamEvents } from '../sse/useLivestreamEvents';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Spinner } from '../ui/Spinner';
import { StatusBadge } from '../ui/StatusBadge';
import { VisibilityBadge } from '../ui/VisibilityBadge';
import { ChatPanel } from './ChatPanel';
import { InviteManager } from './InviteManager';
import { StagePanel } from './StagePanel';
import { useChat, type ChatState } from './useChat';
import { MediaStage } from './MediaStage';
import { RecordingControl } from './RecordingControl';
import { RecordingsList } from './RecordingsList';
import { StreamFromObsPanel } from './StreamFromObsPanel';
import { LivestreamEnded } from './LivestreamEnded';
import type { PresenceStatus } from './simulatedPresence';
import { useRoomSession, type RoomRole } from './useRoomSession';

/**
 * The creator and admins manage a livestream (invites) and read its analytics; createdBy is
 * set only for readers who may see ids, so it never matches anyone else.
 */
function canManage(livestream: Livestream | null, actor: Actor, me: CurrentUser | null): boolean {
  return livestream !== null && (livestream.createdBy === actor.userId || me?.admin === true);
}

/** Rendered for someone who acts as a user (signed in, a guest, or the open-mode identity). */
export default function RoomPage({ livestreamId, role, actor }: { livestreamId: string; role: RoomRole; actor: Actor }) {
  const { me } = useAuth();
  const simulated = useSimulatedMedia();
  const { session, retry, leave, markEnded, presence } = useRoomSession(livestreamId, role, actor, simulated);
  const livestream = session.livestream;
  const live = session.phase === 'joined' || session.phase === 'conflict' || session.phase === 'loading';
  const chat = useChat(livestreamId, actor, session.phase === 'joined');
  const events = useLivestreamEvents(livestream && livestream.status === 'LIVE' && live ? livestreamId : null, chat.extras);
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
    return <EndedRoom livestreamId={livestreamId} livestream={livestream} state={events.state} readAnalytics={canManage(livestream, actor, me)} />;
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
          manages={canManage(session.livestream, actor, me)}
          simulated={simulated}
          presence={presence}
          onEnded={markEnded}
          chat={chat}
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

/** The summary for everyone; the analytics' watch times and chart for the creator and admins. */
function EndedRoom({
  livestreamId,
  livestream,
  state,
  readAnalytics,
}: {
  livestreamId: string;
  livestream: Livestream | null;
  state: StreamState | null;
  readAnalytics: boolean;
}) {
  const { series, analytics } = useViewerSeries(livestreamId, { readAnalytics, state: null, live: false });
  return (
    <>
      <LivestreamEnded livestream={livestream} state={state} figures={analytics ? figuresFromAnalytics(analytics.summary) : null}>
        {analytics && <ViewerChart series={series} live={false} />}
      </LivestreamEnded>
      <div className="mt-5">
        <RecordingsList livestreamId={livestreamId} refreshKey={state?.recording ? `${state.recording.id}:${state.recording.status}` : ''} />
      </div>
    </>
  );
}

interface JoinedRoomProps {
  livestream: Livestream;
  role: RoomRole;
  join: JoinResponse;
  events: ReturnType<typeof useLivestreamEvents>;
  actor: Actor;
  /** The creator or an admin: invites, and the analytics behind the chart. */
  manages: boolean;
  simulated: boolean | null;
  presence: PresenceStatus;
  onEnded: (livestream?: Livestream) => void;
  chat: ChatState;
}

function JoinedRoom({ livestream, role, join, events, actor, manages, simulated, presence, onEnded, chat }: JoinedRoomProps) {
  const [confirming, setConfirming] = useState(false);
  const isHost = role === 'host';
  const [moderator, setModerator] = useState(false);
  const [modError, setModError] = useState<string | null>(null);
  const requester = actor.inBodies ? actor.userId : undefined;
  // Whether the reader moderates (asked again when the stage or hands change: an appointment
  // comes with no event of its own, the next change of the room shows it).
  const stageVersion = JSON.stringify(events.state?.stage ?? []);
  useEffect(() => {
    if (isHost) return undefined;
    const controller = new AbortController();
    api
      .standing(livestream.id, requester, controller.signal)
      .then((me) => setModerator(me.moderator))
      .catch(() => undefined);
    return () => controller.abort();
  }, [livestream.id, isHost, requester, stageVersion]);
  const moderates = isHost || manages || moderator;
  // Pushed events carry the public view (names, no ids). The creator acts on people by id: their
  // panel reads the state (which shows them ids) again whenever who is there, on stage or with a
  // hand up changes.
  const [idState, setIdState] = useState<StreamState | null>(null);
  const shapeKey = JSON.stringify([
    events.state?.people.map((p) => p.displayName),
    events.state?.stage?.map((p) => [p.displayName, p.status]),
    events.state?.raisedHands?.map((p) => p.displayName),
  ]);
  useEffect(() => {
    if (!manages) return undefined;
    const timer = setTimeout(() => {
      api.getState(livestream.id).then(setIdState).catch(() => undefined);
    }, 100);
    return () => clearTimeout(timer);
  }, [manages, livestream.id, shapeKey]);
  const onStage = (events.state?.stage ?? []).some(
    (p) => p.status === 'ON' && (p.userId !== null ? p.userId === actor.userId : p.displayName === actor.displayName),
  );
  const publishes = isHost || onStage;
  const moderateMessage = async (action: 'moderation/timeout' | 'moderation/ban', message: ChatMessage) => {
    setModError(null);
    try {
      await api.moderate(livestream.id, action, action === 'moderation/timeout' ? { messageId: message.id, seconds: 300 } : { messageId: message.id }, requester);
    } catch (error) {
      setModError(errorMessage(error));
    }
  };
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<string | null>(null);
  const state = events.state;
  const entries = participantEntries(state, actor.userId, actor.displayName);
  const { series } = useViewerSeries(livestream.id, { readAnalytics: manages, state, live: true });

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
    <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <section aria-label={role === 'host' ? 'Your broadcast' : 'Livestream video'} data-testid={role === 'host' ? 'host-view' : 'viewer-view'}>
        <MediaStage join={join} role={publishes ? 'host' : 'viewer'} simulated={simulated} presence={presence} />
        {role === 'viewer' && !onStage && <p className="mt-3 text-sm text-slate-600">You are watching. Only the host and the people on stage publish video and sound.</p>}
        {role === 'viewer' && state && !state.hostConnected && (
          <p className="mt-1 text-sm text-amber-800" data-testid="host-away">
            The host is not connected right now.
          </p>
        )}
        <div className="mt-4 rounded-2xl border border-slate-200 bg-white p-4">
          <ViewerChart series={series} live />
        </div>
        <div className="mt-4">
          <RecordingsList livestreamId={livestream.id} refreshKey={state?.recording ? `${state.recording.id}:${state.recording.status}` : ''} />
        </div>
      </section>

      <aside className="space-y-4">
        <ChatPanel chat={chat} moderates={moderates} onModerate={(action, message) => void moderateMessage(action, message)} />
        {modError && (
          <p className="text-xs text-rose-800" role="alert">
            {modError}
          </p>
        )}
        <StagePanel
          livestreamId={livestream.id}
          actor={actor}
          state={manages && idState ? { ...events.state, ...idState } : events.state}
          isHost={isHost}
          moderates={moderates}
          // LiveKit grants (or revokes) publishing on the connection itself (UpdateParticipant): the
          // stage shows the publishing controls once the state says ON; a later join's token
          // carries the permission too.
          onStageChange={() => undefined}
        />
        {role === 'host' && manages && <RecordingControl livestreamId={livestream.id} recording={state?.recording} />}
        {role === 'host' && manages && <StreamFromObsPanel livestreamId={livestream.id} live={state ? state.ingest ?? null : undefined} />}

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
            In the room{state ? ` (${state.people.length})` : ''}
          </h2>
          <div className="mt-2" data-testid="room-participants">
            <ParticipantList entries={entries} limit={30} />
          </div>
        </div>

        {livestream.visibility === 'private' && manages && <InviteManager livestreamId={livestream.id} />}

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
