// Raised hands and the stage, and the host's per-person actions. Viewers raise or
// lower a hand and answer a stage invitation; the host invites people on stage, brings them back,
// makes moderators, mutes, bans; host and moderators read the moderation log.
import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { ModerationEntry, StagePerson, StreamState } from '../api/types';
import type { Actor } from '../auth/actor';
import { Button } from '../ui/Button';

interface StagePanelProps {
  livestreamId: string;
  actor: Actor;
  state: StreamState | null;
  isHost: boolean;
  moderates: boolean;
  /** The viewer went on stage (true) or back to the audience (false): their media changes. */
  onStageChange: (onStage: boolean) => void;
}

/** Whether a pushed entry is the reader (ids are hidden from viewers: the name decides then). */
function isMe(person: StagePerson, actor: Actor): boolean {
  return person.userId !== null ? person.userId === actor.userId : person.displayName === actor.displayName;
}

export function StagePanel({ livestreamId, actor, state, isHost, moderates, onStageChange }: StagePanelProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [log, setLog] = useState<ModerationEntry[] | null>(null);
  const requester = actor.inBodies ? actor.userId : undefined;
  const stage = state?.stage ?? [];
  const hands = state?.raisedHands ?? [];
  const myStage = stage.find((p) => isMe(p, actor));
  const handUp = hands.some((p) => isMe(p, actor));

  const run = async (action: string, body: Record<string, unknown>, after?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await api.moderate(livestreamId, action, body, requester);
      after?.();
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  const showLog = async () => {
    try {
      setLog((await api.moderationLog(livestreamId, requester)).items);
    } catch (reason) {
      setError(errorMessage(reason));
    }
  };

  return (
    <div className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4" data-testid="stage-panel">
      <h2 className="text-sm font-semibold text-slate-900">Stage</h2>

      {!isHost && myStage?.status === 'INVITED' && (
        <div className="rounded-xl bg-indigo-50 p-3" data-testid="stage-invitation">
          <p className="text-sm font-semibold text-indigo-900">You are invited on stage</p>
          <p className="text-xs text-indigo-800">Your camera and microphone will be published to everyone watching.</p>
          <div className="mt-2 flex gap-2">
            <Button disabled={busy} onClick={() => void run('stage/accept', {}, () => onStageChange(true))} data-testid="stage-accept">
              Accept
            </Button>
            <Button variant="secondary" disabled={busy} onClick={() => void run('stage/leave', {})}>
              Decline
            </Button>
          </div>
        </div>
      )}
      {!isHost && myStage?.status === 'ON' && (
        <div className="flex items-center justify-between gap-2" data-testid="on-stage">
          <p className="text-sm text-emerald-800">You are on stage.</p>
          <Button variant="secondary" disabled={busy} onClick={() => void run('stage/leave', {}, () => onStageChange(false))}>
            Leave the stage
          </Button>
        </div>
      )}
      {!isHost && !myStage && (
        <Button
          variant="secondary"
          disabled={busy}
          onClick={() => void run('hand', { raised: !handUp, ...(actor.inBodies ? { userId: actor.userId } : {}) })}
          data-testid="raise-hand"
        >
          {handUp ? 'Lower your hand' : 'Raise your hand'}
        </Button>
      )}

      {stage.length > 0 && (
        <ul className="space-y-1 text-sm" aria-label="On stage">
          {stage.map((p) => (
            <li key={`${p.userId ?? p.displayName}-stage`} className="flex items-center justify-between gap-2">
              <span>
                {p.displayName} <span className="text-xs text-slate-500">{p.status === 'ON' ? 'on stage' : 'invited'}</span>
              </span>
              {isHost && p.userId && (
                <button type="button" className="text-xs text-indigo-700 hover:underline" onClick={() => void run('stage/leave', { userId: p.userId })}>
                  Back to audience
                </button>
              )}
            </li>
          ))}
        </ul>
      )}

      {(isHost || moderates) && (
        <div data-testid="raised-hands">
          <h3 className="text-xs font-semibold text-slate-700 uppercase">Raised hands ({hands.length})</h3>
          <ul className="mt-1 space-y-1 text-sm">
            {hands.map((p) => (
              <li key={`${p.userId ?? p.displayName}-hand`} className="flex items-center justify-between gap-2" data-testid="raised-hand">
                <span>{p.displayName}</span>
                {p.userId && (
                  <span className="flex gap-2">
                    {isHost && (
                      <button type="button" className="text-xs text-indigo-700 hover:underline" onClick={() => void run('stage/invite', { userId: p.userId })} data-testid="invite-on-stage">
                        Invite on stage
                      </button>
                    )}
                    <button type="button" className="text-xs text-slate-600 hover:underline" onClick={() => void run('hand', { raised: false, userId: p.userId })}>
                      Lower
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}

      {isHost && state && (
        <div data-testid="people-actions">
          <h3 className="text-xs font-semibold text-slate-700 uppercase">People</h3>
          <ul className="mt-1 space-y-1 text-sm">
            {state.people
              .filter((p) => p.userId !== null && p.userId !== actor.userId)
              .map((p) => (
                <li key={p.userId} className="flex flex-wrap items-center justify-between gap-1">
                  <span className="truncate">{p.displayName}</span>
                  <span className="flex flex-wrap gap-2 text-xs">
                    <button type="button" className="text-indigo-700 hover:underline" onClick={() => void run('moderators', { userId: p.userId })}>
                      Make moderator
                    </button>
                    <button type="button" className="text-indigo-700 hover:underline" onClick={() => void run('stage/invite', { userId: p.userId })}>
                      Invite on stage
                    </button>
                    <button type="button" className="text-amber-700 hover:underline" onClick={() => void run('moderation/mute', { userId: p.userId, kind: 'all' })}>
                      Mute
                    </button>
                    <button type="button" className="text-rose-800 hover:underline" onClick={() => void run('moderation/ban', { userId: p.userId })} data-testid="ban-person">
                      Remove and ban
                    </button>
                  </span>
                </li>
              ))}
          </ul>
        </div>
      )}

      {(isHost || moderates) && (
        <div>
          <button type="button" className="text-xs text-slate-600 hover:underline" onClick={() => void showLog()}>
            {log ? 'Refresh the moderation log' : 'Show the moderation log'}
          </button>
          {log && (
            <ul className="mt-1 max-h-40 space-y-0.5 overflow-y-auto text-xs text-slate-700" data-testid="moderation-log">
              {log.length === 0 && <li>Nothing yet.</li>}
              {log.map((e) => (
                <li key={e.id}>
                  {new Date(e.at).toLocaleTimeString()} · {e.actorId} · {e.action}
                  {e.targetUserId ? ` · ${e.targetUserId}` : ''}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error && (
        <p className="text-xs text-rose-800" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
