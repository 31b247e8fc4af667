// Provides the current identity to the app and keeps it in sync across tabs.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { IDENTITY_STORAGE_KEY, loadIdentity, parseIdentity, saveIdentity, type Identity } from './identity';

interface IdentityContextValue {
  identity: Identity;
  setIdentity: (identity: Identity) => void;
}

const IdentityContext = createContext<IdentityContextValue | null>(null);

export function IdentityProvider({ children, initial }: { children: ReactNode; initial?: Identity }) {
  const [identity, setState] = useState<Identity>(() => initial ?? loadIdentity());

  const setIdentity = useCallback((next: Identity) => {
    const clean = { userId: next.userId.trim(), displayName: next.displayName.trim() };
    saveIdentity(clean);
    setState(clean);
  }, []);

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== IDENTITY_STORAGE_KEY) return;
      const next = parseIdentity(event.newValue);
      if (next) setState(next);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const value = useMemo(() => ({ identity, setIdentity }), [identity, setIdentity]);
  return <IdentityContext.Provider value={value}>{children}</IdentityContext.Provider>;
}

export function useIdentity(): IdentityContextValue {
  const value = useContext(IdentityContext);
  if (!value) throw new Error('useIdentity must be used inside IdentityProvider');
  return value;
}
