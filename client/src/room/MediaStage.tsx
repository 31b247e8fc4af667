// The media part of the room: connects to LiveKit with the issued token and shows the host's
// camera/microphone controls or the viewer's video, or why the media server cannot be used.
// A simulated media server (the LiveKit double) has no video at all: a calm notice stands in.
import { useCallback, useState, type ReactNode } from 'react';
import { LiveKitRoom, RoomAudioRenderer, StartAudio, useLocalParticipant, useTracks, VideoTrack } from '@livekit/components-react';
import { ConnectionError, ConnectionErrorReason, Track, type RoomConnectOptions, type RoomOptions } from 'livekit-client';
import type { JoinResponse } from '../api/types';
import { Button } from '../ui/Button';
import { Spinner } from '../ui/Spinner';
import type { PresenceStatus } from './simulatedPresence';
import type { RoomRole } from './useRoomSession';

type MediaStatus =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  /** The token was issued but the media server could not be reached or refused it. */
  | { kind: 'failed'; message: string }
  /** Connected, then cut off without the user leaving. */
  | { kind: 'lost' };

// Module constants: LiveKitRoom re-creates the room when these objects change.
const ROOM_OPTIONS: RoomOptions = { adaptiveStream: true, dynacast: true };
const CONNECT_OPTIONS: RoomConnectOptions = { autoSubscribe: true, maxRetries: 1 };

interface MediaStageProps {
  join: JoinResponse;
  role: RoomRole;
  /** The media server is simulated (null: not known yet). */
  simulated: boolean | null;
  /** With a simulated media server: whether it counts us as connected. */
  presence: PresenceStatus;
}

export function MediaStage({ join, role, simulated, presence }: MediaStageProps) {
  if (simulated === null) {
    return (
      <Stage>
        <Centered>
          <Spinner label="Connecting to the media server" />
          <p className="text-sm text-slate-300">Connecting to the media server…</p>
        </Centered>
      </Stage>
    );
  }
  if (simulated) return <SimulatedStage presence={presence} />;
  return <LiveKitStage join={join} role={role} />;
}

function Stage({ children }: { children: ReactNode }) {
  return (
    <div className="relative min-h-80 w-full overflow-hidden rounded-2xl bg-slate-900 text-slate-100 sm:aspect-video sm:min-h-0" data-testid="media-stage">
      {children}
    </div>
  );
}

/** No media server to connect to: nothing can fail, and no "Try again" could ever help. */
function SimulatedStage({ presence }: { presence: PresenceStatus }) {
  return (
    <Stage>
      <Centered>
        <div role="status" data-testid="media-simulated" data-presence={presence} className="max-w-md space-y-2 px-6 text-center">
          <p className="text-base font-semibold">Simulated media server — no video here.</p>
          <p className="text-sm text-slate-300">
            {presence === 'failed'
              ? 'The simulated media server could not be told you are here, so you are not counted as connected.'
              : presence === 'connected'
                ? 'You’re counted as connected.'
                : 'Counting you as connected…'}
          </p>
        </div>
      </Centered>
    </Stage>
  );
}

function LiveKitStage({ join, role }: { join: JoinResponse; role: RoomRole }) {
  const [status, setStatus] = useState<MediaStatus>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);

  // Stable callbacks: LiveKitRoom reconnects when its onError prop changes.
  const onConnected = useCallback(() => setStatus({ kind: 'connected' }), []);
  const onError = useCallback((error: Error) => {
    // A connect cancelled by our own disconnect (unmount, React's development double mount,
    // a retry) is not a failure of the media server.
    if (error instanceof ConnectionError && error.reason === ConnectionErrorReason.Cancelled) return;
    setStatus({ kind: 'failed', message: error.message });
  }, []);
  const onDisconnected = useCallback(
    () => setStatus((current) => (current.kind === 'connected' ? { kind: 'lost' } : current)),
    [],
  );

  const retry = () => {
    setStatus({ kind: 'connecting' });
    setAttempt((n) => n + 1);
  };

  return (
    <LiveKitRoom
      key={attempt}
      serverUrl={join.url}
      token={join.token}
      connect
      audio={false}
      video={false}
      options={ROOM_OPTIONS}
      connectOptions={CONNECT_OPTIONS}
      onConnected={onConnected}
      onDisconnected={onDisconnected}
      onError={onError}
      className="block"
    >
      <Stage>
        {status.kind === 'connecting' && (
          <Centered>
            <Spinner label="Connecting to the media server" />
            <p className="text-sm text-slate-300">Connecting to the media server…</p>
          </Centered>
        )}
        {status.kind === 'failed' && (
          <Centered>
            <div role="alert" data-testid="media-error" className="max-w-md space-y-2 px-6 text-center">
              <p className="text-base font-semibold">Cannot connect to the media server</p>
              <p className="text-sm text-slate-300">
                Your place in the livestream is reserved, but the video connection to{' '}
                <span className="font-mono break-all">{join.url}</span> failed, so video cannot play.
              </p>
              <p className="text-xs break-words text-slate-400">{status.message}</p>
              <Button variant="secondary" onClick={retry} className="mt-2">
                Try again
              </Button>
            </div>
          </Centered>
        )}
        {status.kind === 'lost' && (
          <Centered>
            <div role="alert" className="space-y-2 text-center">
              <p className="text-base font-semibold">Disconnected from the media server</p>
              <Button variant="secondary" onClick={retry}>
                Reconnect
              </Button>
            </div>
          </Centered>
        )}
        {status.kind === 'connected' && (role === 'host' ? <HostPreview /> : <ViewerScreen />)}
      </Stage>
      {status.kind === 'connected' && role === 'host' && <HostControls />}
      <RoomAudioRenderer />
    </LiveKitRoom>
  );
}

function Centered({ children }: { children: ReactNode }) {
  return <div className="absolute inset-0 flex flex-col items-center justify-center gap-3 p-4">{children}</div>;
}

function HostPreview() {
  const { localParticipant, cameraTrack, isCameraEnabled } = useLocalParticipant();
  if (!cameraTrack || !isCameraEnabled) {
    return (
      <Centered>
        <p className="text-base font-medium">Your camera is off</p>
        <p className="text-sm text-slate-400">Start it below to go on air; viewers see what you see here.</p>
      </Centered>
    );
  }
  return (
    <VideoTrack
      trackRef={{ participant: localParticipant, publication: cameraTrack, source: Track.Source.Camera }}
      className="h-full w-full -scale-x-100 object-cover"
      aria-label="Your camera preview"
    />
  );
}

/** Camera and microphone switches; switching on publishes the track to the room. */
function HostControls() {
  const { localParticipant, isCameraEnabled, isMicrophoneEnabled } = useLocalParticipant();
  const [busy, setBusy] = useState<'camera' | 'microphone' | null>(null);
  const [deviceError, setDeviceError] = useState<string | null>(null);

  const toggle = async (device: 'camera' | 'microphone') => {
    setBusy(device);
    setDeviceError(null);
    try {
      if (device === 'camera') await localParticipant.setCameraEnabled(!isCameraEnabled);
      else await localParticipant.setMicrophoneEnabled(!isMicrophoneEnabled);
    } catch (error) {
      const denied = error instanceof Error && error.name === 'NotAllowedError';
      setDeviceError(
        denied
          ? `The browser did not allow the ${device}. Allow it in the address bar, then try again.`
          : `Could not start the ${device}: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="mt-3 space-y-2">
      <div className="flex flex-wrap gap-2" role="group" aria-label="Publishing">
        <Button variant={isCameraEnabled ? 'secondary' : 'primary'} aria-pressed={isCameraEnabled} disabled={busy !== null} onClick={() => void toggle('camera')}>
          {isCameraEnabled ? 'Stop camera' : 'Start camera'}
        </Button>
        <Button
          variant={isMicrophoneEnabled ? 'secondary' : 'primary'}
          aria-pressed={isMicrophoneEnabled}
          disabled={busy !== null}
          onClick={() => void toggle('microphone')}
        >
          {isMicrophoneEnabled ? 'Mute microphone' : 'Start microphone'}
        </Button>
      </div>
      {deviceError && (
        <p role="alert" className="text-sm text-rose-700">
          {deviceError}
        </p>
      )}
    </div>
  );
}

function ViewerScreen() {
  const tracks = useTracks([Track.Source.ScreenShare, Track.Source.Camera], { onlySubscribed: true });
  const main = tracks.find((t) => t.source === Track.Source.ScreenShare) ?? tracks.find((t) => t.source === Track.Source.Camera);
  return (
    <>
      {main ? (
        <VideoTrack trackRef={main} className="h-full w-full object-contain" aria-label="Livestream video" />
      ) : (
        <Centered>
          <p className="text-base font-medium">Waiting for the host’s video</p>
          <p className="text-sm text-slate-400">It appears here as soon as the host starts their camera.</p>
        </Centered>
      )}
      <div className="absolute bottom-3 left-1/2 -translate-x-1/2">
        <StartAudio label="Allow audio" className="rounded-lg bg-white px-3 py-1.5 text-sm font-medium text-slate-900 shadow" />
      </div>
    </>
  );
}
