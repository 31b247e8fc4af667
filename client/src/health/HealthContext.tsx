// The server's health report, read once per page load and shared: the header banner and the
// room's media stage both need to know whether the media server is simulated.
import { createContext, useContext, type ReactNode } from 'react';
import type { Health } from '../api/types';
import { useHealth, type HealthResult } from './useHealth';

const HealthContext = createContext<HealthResult>({ kind: 'loading' });

export function HealthProvider({ children, read }: { children: ReactNode; read?: () => Promise<Health> }) {
  const result = useHealth(read);
  return <HealthContext.Provider value={result}>{children}</HealthContext.Provider>;
}

export function useHealthReport(): HealthResult {
  return useContext(HealthContext);
}

/** The media server is the LiveKit double: rooms, tokens and webhooks, but no video. */
export function isSimulatedMedia(health: Health): boolean {
  return (health.services?.livekit?.simulated ?? health.livekit?.simulated) === true;
}

/** true / false once the report is in (unreachable counts as a real media server); null before. */
export function useSimulatedMedia(): boolean | null {
  const report = useHealthReport();
  if (report.kind === 'loading') return null;
  return report.kind === 'ok' && isSimulatedMedia(report.health);
}
