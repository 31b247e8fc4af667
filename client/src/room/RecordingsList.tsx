// A livestream's recordings, for whoever may watch it: status, length and size, download, and
// playback (MP4 in <video>; HLS through hls.js where the browser has no native HLS).
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { Recording } from '../api/types';
import { formatDateTime, formatDuration } from '../format';
import { Button } from '../ui/Button';

type RecordingsClient = Pick<typeof api, 'listRecordings'>;

/** A location the browser can fetch (object storage answers https URLs; a bare path cannot play). */
export function playableUrl(location: string | null): string | null {
  if (!location) return null;
  return /^https?:\/\//i.test(location) || location.startsWith('/') ? location : null;
}

function formatSize(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function Player({ recording }: { recording: Recording }) {
  const video = useRef<HTMLVideoElement>(null);
  const mp4 = playableUrl(recording.fileLocation);
  const hls = playableUrl(recording.playlistLocation);
  useEffect(() => {
    const element = video.current;
    if (!element || mp4 || !hls) return;
    if (element.canPlayType('application/vnd.apple.mpegurl')) {
      element.src = hls;
      return;
    }
    let destroy = () => {};
    void import('hls.js').then(({ default: Hls }) => {
      if (!Hls.isSupported()) return;
      const player = new Hls();
      player.loadSource(hls);
      player.attachMedia(element);
      destroy = () => player.destroy();
    });
    return () => destroy();
  }, [mp4, hls]);
  return <video ref={video} controls className="mt-2 w-full rounded-lg bg-black" src={mp4 ?? undefined} data-testid="recording-player" />;
}

export function RecordingsList({ livestreamId, refreshKey, client = api }: { livestreamId: string; refreshKey?: string; client?: RecordingsClient }) {
  const [recordings, setRecordings] = useState<Recording[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    client
      .listRecordings(livestreamId, controller.signal)
      .then(setRecordings)
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(reason));
      });
    return () => controller.abort();
  }, [livestreamId, refreshKey, client]);

  if (error) return <p className="text-sm text-rose-700">{error}</p>;
  if (!recordings || recordings.length === 0) return null;
  return (
    <section className="rounded-2xl border border-slate-200 bg-white p-4" aria-label="Recordings">
      <h2 className="text-sm font-semibold text-slate-900">Recordings</h2>
      <ul className="mt-2 space-y-3" data-testid="recordings">
        {recordings.map((r) => {
          const download = playableUrl(r.fileLocation) ?? playableUrl(r.playlistLocation);
          return (
            <li key={r.id} className="text-sm" data-testid="recording" data-status={r.status}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span>
                  {formatDateTime(r.startedAt ?? r.createdAt)} · {r.status.replace('_', ' ')}
                  {r.durationMs !== null ? ` · ${formatDuration(r.durationMs / 1000)}` : ''} · {formatSize(r.sizeBytes)}
                </span>
                {r.status === 'complete' && download && (
                  <span className="flex gap-2">
                    <Button variant="secondary" onClick={() => setPlaying(playing === r.id ? null : r.id)}>
                      {playing === r.id ? 'Close' : 'Play'}
                    </Button>
                    <a className="text-indigo-700 underline" href={download} download>
                      Download
                    </a>
                  </span>
                )}
              </div>
              {r.status === 'complete' && !download && r.fileLocation && <p className="text-xs text-slate-500">Stored at {r.fileLocation}</p>}
              {r.error && <p className="text-xs text-rose-700">{r.error}</p>}
              {playing === r.id && <Player recording={r} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
