// "Who am I": a userId and display name kept in localStorage; it stands in for a login.
export interface Identity {
  userId: string;
  displayName: string;
}

export const IDENTITY_STORAGE_KEY = 'livestream-orchestrator.identity';
export const USER_ID_MAX = 128;
export const DISPLAY_NAME_MAX = 100;

// As on the server: C0/C1 control characters are rejected in names.
// eslint-disable-next-line no-control-regex -- control characters are what it rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export type IdentityErrors = Partial<Record<keyof Identity, string>>;

export function validateIdentity(input: Identity): IdentityErrors {
  const errors: IdentityErrors = {};
  const userId = input.userId.trim();
  if (!userId) errors.userId = 'Enter a user ID';
  else if ([...userId].length > USER_ID_MAX) errors.userId = `At most ${USER_ID_MAX} characters`;
  else if (CONTROL.test(userId) || /\s/.test(userId)) errors.userId = 'No spaces or control characters';
  const name = input.displayName.trim();
  if (!name) errors.displayName = 'Enter a display name';
  else if ([...name].length > DISPLAY_NAME_MAX) errors.displayName = `At most ${DISPLAY_NAME_MAX} characters`;
  else if (CONTROL.test(name)) errors.displayName = 'No control characters';
  return errors;
}

function randomSuffix(random: () => number): string {
  let text = '';
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < 8; i += 1) text += alphabet[Math.floor(random() * alphabet.length)] ?? 'x';
  return text;
}

export function generateIdentity(random: () => number = Math.random): Identity {
  const suffix = randomSuffix(random);
  return { userId: `user-${suffix}`, displayName: `Guest ${suffix.slice(0, 4)}` };
}

export function parseIdentity(text: string | null): Identity | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<Identity> | null;
    if (typeof value?.userId !== 'string' || typeof value.displayName !== 'string') return null;
    const identity = { userId: value.userId, displayName: value.displayName };
    return Object.keys(validateIdentity(identity)).length === 0 ? identity : null;
  } catch {
    return null;
  }
}

/** The stored identity, or a new one (stored at once so every tab shares it). */
export function loadIdentity(storage: Storage = window.localStorage): Identity {
  const stored = parseIdentity(storage.getItem(IDENTITY_STORAGE_KEY));
  if (stored) return stored;
  const fresh = generateIdentity();
  saveIdentity(fresh, storage);
  return fresh;
}

export function saveIdentity(identity: Identity, storage: Storage = window.localStorage): void {
  try {
    storage.setItem(
      IDENTITY_STORAGE_KEY,
      JSON.stringify({ userId: identity.userId.trim(), displayName: identity.displayName.trim() }),
    );
  } catch {
    // Private browsing may refuse storage: the identity then lasts for this page only.
  }
}
