// The record button on the host's room page (creator and admins): starts and stops a recording,
// showing its status from the live state and, while it runs, a timer.
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { RecordingState } from '../api/types';
import { formatDuration } from '../format';
import { Button } from '../ui/Button';

type RecordingClient = Pick<typeof api, 'startRecording' | 'stopRecording'>;

const RUNNING = new Set(['starting', 'active', 'ending']);

export function RecordingControl({
  livestreamId,
  recording,
  client = api,
}: {
  livestreamId: string;
  /** The live state's newest recording. */
  recording: RecordingState | null | undefined;
  client?: RecordingClient;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // What we were answered, until the live state catches up.
  const [local, setLocal] = useState<RecordingState | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const current = recording && (!local || recording.id === local.id || !RUNNING.has(local.status)) ? recording : local;
  const running = current !== null && current !== undefined && RUNNING.has(current.status);

  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);

  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = running && current ? await client.stopRecording(livestreamId, current.id) : await client.startRecording(livestreamId);
      setLocal({ id: r.id, status: r.status, startedAt: r.startedAt });
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  const elapsed = running && current?.startedAt ? (now - new Date(current.startedAt).getTime()) / 1000 : null;
  return (
    <section className="rounded-2xl border border-slate-200 bg-white p-4" aria-label="Recording">
      <div className="flex items-center justify-between gap-2">
        <p className="flex items-center gap-2 text-sm" data-testid="recording-status" data-status={current?.status ?? 'none'}>
          <span className={`inline-block h-3 w-3 rounded-full ${running ? 'animate-pulse bg-rose-600' : 'bg-slate-300'}`} aria-hidden="true" />
          {running ? (
            <span>
              Recording{current?.status === 'starting' ? ' (starting)' : current?.status === 'ending' ? ' (finishing)' : ''}
              {elapsed !== null && elapsed >= 0 ? ` · ${formatDuration(elapsed)}` : ''}
            </span>
          ) : (
            <span>{current ? `Last recording: ${current.status.replace('_', ' ')}` : 'Not recording'}</span>
          )}
        </p>
        <Button variant={running ? 'danger' : 'secondary'} disabled={busy || current?.status === 'ending'} onClick={() => void toggle()}>
          {running ? 'Stop recording' : 'Record'}
        </Button>
      </div>
      {error && (
        <p className="mt-2 text-sm text-rose-700" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
