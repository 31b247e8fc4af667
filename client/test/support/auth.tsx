// Renders views inside the identity and auth providers, in a known mode, without asking the server.
import type { ReactNode } from 'react';
import type { AuthConfig, CurrentUser } from '../../src/api/types';
import { AuthProvider } from '../../src/auth/AuthContext';
import type { Identity } from '../../src/identity/identity';
import { IdentityProvider } from '../../src/identity/IdentityContext';

export const OPEN_CONFIG: AuthConfig = { authMode: 'open', accounts: false, signup: 'closed', guests: false };
export const ACCOUNTS_CONFIG: AuthConfig = { authMode: 'accounts', accounts: true, signup: 'open', guests: true };

export function currentUser(overrides: Partial<CurrentUser> = {}): CurrentUser {
  return { id: 'alice', displayName: 'Alice', admin: false, kind: 'user', via: 'session', ...overrides };
}

interface HarnessProps {
  children: ReactNode;
  config?: AuthConfig;
  user?: CurrentUser | null;
  identity?: Identity;
}

export function AuthHarness({ children, config = OPEN_CONFIG, user = null, identity = { userId: 'alice', displayName: 'Alice' } }: HarnessProps) {
  return (
    <IdentityProvider initial={identity}>
      <AuthProvider initial={{ config, user }}>{children}</AuthProvider>
    </IdentityProvider>
  );
}
