// Loud notice under the header in open mode: identity comes from request bodies, so anyone can
// act as anyone. Like the simulated-media banner, it must never go unnoticed.
import { useAuth } from './AuthContext';

export function OpenModeBanner() {
  const { mode } = useAuth();
  if (mode !== 'open') return null;
  return (
    <div role="status" data-testid="open-mode-banner" className="bg-rose-700 px-4 py-2 text-center text-sm font-medium text-white">
      Open mode: anyone can act as anyone — for local experiments only.
    </div>
  );
}
