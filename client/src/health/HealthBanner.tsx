// Banner under the header when the media server is simulated or the API cannot be reached.
import { isSimulatedMedia, useHealthReport } from './HealthContext';

export function HealthBanner() {
  const health = useHealthReport();
  if (health.kind === 'unreachable') {
    return (
      <div role="status" className="bg-rose-600 px-4 py-2 text-center text-sm font-medium text-white">
        The server cannot be reached right now.
      </div>
    );
  }
  if (health.kind === 'ok' && isSimulatedMedia(health.health)) {
    return (
      <div role="status" data-testid="simulated-banner" className="bg-amber-400 px-4 py-2 text-center text-sm font-medium text-amber-950">
        Simulated media server — video will not play.
      </div>
    );
  }
  return null;
}
