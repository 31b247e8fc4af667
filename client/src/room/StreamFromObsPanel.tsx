// "Stream from OBS" on the host's room page (creator and admins): the encoder endpoint's server
// URL and stream key (hidden until revealed; copy; regenerate, which kills the old key), a status
// light fed by the live state, and the few OBS steps that matter.
import { useEffect, useState } from 'react';
import { api, errorMessage, isApiError } from '../api/client';
import type { Ingest, IngestState, IngestStatus } from '../api/types';
import { Button } from '../ui/Button';
import { Spinner } from '../ui/Spinner';

type IngestClient = Pick<typeof api, 'getIngest' | 'createIngest' | 'resetIngest'>;

interface Props {
  livestreamId: string;
  /** The live state's `ingest` (status only); undefined while the state is not known yet. */
  live: IngestState | null | undefined;
  /** Injected by tests; the API client otherwise. */
  client?: IngestClient;
}

const LIGHTS: Record<IngestStatus, { label: string; dot: string }> = {
  inactive: { label: 'Encoder not connected', dot: 'bg-slate-300' },
  buffering: { label: 'Encoder connecting…', dot: 'bg-amber-400 animate-pulse' },
  publishing: { label: 'Live from your encoder', dot: 'bg-emerald-500' },
  error: { label: 'Encoder error', dot: 'bg-rose-500' },
};

export function StreamFromObsPanel({ livestreamId, live, client = api }: Props) {
  const [ingest, setIngest] = useState<Ingest | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);

  // The endpoint (with its key) is asked for only once the live state says there is one, so a
  // livestream without one costs no request (and no 404).
  const exists = live !== undefined && live !== null;
  const known = live !== undefined;
  const have = ingest !== null;
  useEffect(() => {
    if (!known) return;
    if (!exists || have) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    client
      .getIngest(livestreamId, controller.signal)
      .then(setIngest)
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        if (!(isApiError(reason) && reason.status === 404)) setError(errorMessage(reason));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [livestreamId, client, known, exists, have]);

  const act = async (fn: () => Promise<Ingest>) => {
    setBusy(true);
    setError(null);
    try {
      setIngest(await fn());
      setRevealed(false);
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  const copy = async (what: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
      setTimeout(() => setCopied(null), 1500);
    } catch {
      setError('Copying is not allowed here: select the text and copy it');
    }
  };

  // The live state wins over the answer we loaded (it follows the encoder).
  const status: IngestStatus = live?.status ?? ingest?.status ?? 'inactive';
  const statusError = live ? live.error : ingest?.error ?? null;
  const light = LIGHTS[status];

  return (
    <section className="rounded-2xl border border-slate-200 bg-white p-4" aria-label="Stream from OBS" data-testid="obs-panel">
      <h2 className="text-sm font-semibold text-slate-900">Stream from OBS</h2>
      {loading ? (
        <div className="mt-3">
          <Spinner label="Loading the ingest endpoint" />
        </div>
      ) : !ingest ? (
        <div className="mt-2 space-y-2">
          <p className="text-sm text-slate-600">Send video from OBS, ffmpeg or a hardware encoder instead of this browser.</p>
          <Button disabled={busy} onClick={() => void act(() => client.createIngest(livestreamId, 'rtmp'))}>
            {busy ? 'Creating…' : 'Get a stream key'}
          </Button>
        </div>
      ) : (
        <div className="mt-3 space-y-3 text-sm">
          <p className="flex items-center gap-2" data-testid="ingest-status" data-status={status}>
            <span className={`inline-block h-3 w-3 rounded-full ${light.dot}`} aria-hidden="true" />
            <span>{light.label}</span>
          </p>
          {status === 'error' && statusError && <p className="text-rose-700">{statusError}</p>}
          <div>
            <p className="text-xs font-medium text-slate-500">Server</p>
            <div className="mt-1 flex items-center gap-2">
              <code className="min-w-0 flex-1 truncate rounded bg-slate-50 px-2 py-1" data-testid="ingest-url">
                {ingest.url}
              </code>
              <Button variant="secondary" onClick={() => void copy('url', ingest.url)}>
                {copied === 'url' ? 'Copied' : 'Copy'}
              </Button>
            </div>
          </div>
          <div>
            <p className="text-xs font-medium text-slate-500">Stream key</p>
            <div className="mt-1 flex items-center gap-2">
              <code className="min-w-0 flex-1 truncate rounded bg-slate-50 px-2 py-1" data-testid="ingest-key">
                {revealed ? ingest.streamKey ?? '(not available)' : '••••••••••••••••'}
              </code>
              <Button variant="secondary" onClick={() => setRevealed((r) => !r)}>
                {revealed ? 'Hide' : 'Reveal'}
              </Button>
              {ingest.streamKey && (
                <Button variant="secondary" onClick={() => void copy('key', ingest.streamKey ?? '')}>
                  {copied === 'key' ? 'Copied' : 'Copy'}
                </Button>
              )}
            </div>
            <p className="mt-1 text-xs text-slate-500">Whoever has the key can broadcast as you. Keep it private.</p>
          </div>
          <Button variant="ghost" disabled={busy} onClick={() => void act(() => client.resetIngest(livestreamId))}>
            {busy ? 'Regenerating…' : 'Regenerate key'}
          </Button>
          <ol className="list-decimal space-y-0.5 pl-5 text-xs text-slate-600">
            <li>OBS → Settings → Stream: Service “Custom…”.</li>
            <li>Paste the Server and the Stream Key above.</li>
            <li>Start Streaming; the light turns green when the video arrives.</li>
          </ol>
        </div>
      )}
      {error && (
        <p className="mt-2 text-sm text-rose-700" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
