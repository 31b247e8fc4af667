// Calls of the identity API (/auth/*): configuration, who am I, sign-up, sign-in, sign-out,
// password change and guest sessions. The session itself is an HttpOnly cookie the browser keeps.
import { API_BASE, call, isApiError, send } from './client';
import type { AuthConfig, CurrentUser } from './types';

const AUTH = `${API_BASE}/auth`;

/** What a server without identity (GET /auth/config is a 404) amounts to: the seed's open trust. */
export const LEGACY_OPEN_CONFIG: AuthConfig = { authMode: 'open', accounts: false, signup: 'closed', guests: false };

export interface SignUpRequest {
  username: string;
  password: string;
  displayName?: string;
}

async function userOf(answer: Promise<{ user: CurrentUser }>): Promise<CurrentUser> {
  return (await answer).user;
}

export const authApi = {
  async config(): Promise<AuthConfig> {
    try {
      return await call<AuthConfig>('GET', `${AUTH}/config`);
    } catch (error) {
      if (isApiError(error) && error.status === 404) return LEGACY_OPEN_CONFIG;
      throw error;
    }
  },

  /** The signed-in principal, or null when signed out (401). */
  async me(): Promise<CurrentUser | null> {
    try {
      return await userOf(call<{ user: CurrentUser }>('GET', `${AUTH}/me`, { handles401: true }));
    } catch (error) {
      if (isApiError(error) && error.status === 401) return null;
      throw error;
    }
  },

  signUp(request: SignUpRequest): Promise<CurrentUser> {
    return userOf(call('POST', `${AUTH}/signup`, { body: request, handles401: true }));
  },

  /** 401 "Invalid username or password"; 429 with Retry-After when throttled. */
  signIn(username: string, password: string): Promise<CurrentUser> {
    return userOf(call('POST', `${AUTH}/login`, { body: { username, password }, handles401: true }));
  },

  async signOut(): Promise<void> {
    await send('POST', `${AUTH}/logout`, { handles401: true });
  },

  /** Revokes every other session of the user; this one is rotated by the server. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await send('POST', `${AUTH}/password`, { body: { currentPassword, newPassword }, handles401: true });
  },

  /** A guest session (public livestreams only), with an optional display name. */
  continueAsGuest(displayName?: string): Promise<CurrentUser> {
    return userOf(call('POST', `${AUTH}/guest`, { body: displayName ? { displayName } : {}, handles401: true }));
  },
};
