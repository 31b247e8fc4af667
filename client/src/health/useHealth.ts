// Reads GET /health once (it is never rate-limited); HealthProvider shares the answer.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Health } from '../api/types';

export type HealthResult = { kind: 'loading' } | { kind: 'ok'; health: Health } | { kind: 'unreachable' };

export function useHealth(read: () => Promise<Health> = api.getHealth): HealthResult {
  const [result, setResult] = useState<HealthResult>({ kind: 'loading' });
  useEffect(() => {
    let current = true;
    read()
      .then((health) => current && setResult({ kind: 'ok', health }))
      .catch(() => current && setResult({ kind: 'unreachable' }));
    return () => {
      current = false;
    };
  }, [read]);
  return result;
}
