// Rules of the sign-up and sign-in forms, as the server checks them: usernames 3–32 of
// [a-z0-9_.-] (lowercased), passwords 8–256 characters, display names as elsewhere.
import { DISPLAY_NAME_MAX } from '../identity/identity';

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

const USERNAME = /^[a-z0-9_.-]+$/;
// eslint-disable-next-line no-control-regex -- control characters are what it rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export interface SignInValues {
  username: string;
  password: string;
}

export interface SignUpValues extends SignInValues {
  displayName: string;
  confirmPassword: string;
}

export type CredentialErrors = Partial<Record<keyof SignUpValues, string>>;

/** The username as the server stores it: trimmed and lowercased. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export function validateUsername(username: string): string | undefined {
  const name = normalizeUsername(username);
  if (!name) return 'Enter a username';
  if (name.length < USERNAME_MIN || name.length > USERNAME_MAX) return `Usernames have ${USERNAME_MIN} to ${USERNAME_MAX} characters`;
  if (!USERNAME.test(name)) return 'Use only letters, digits, “_”, “.” and “-”';
  return undefined;
}

export function validatePassword(password: string, label = 'Password'): string | undefined {
  const length = [...password].length;
  if (length === 0) return `Enter a ${label.toLowerCase()}`;
  if (length < PASSWORD_MIN) return `${label} must have at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `${label} must have at most ${PASSWORD_MAX} characters`;
  return undefined;
}

export function validateDisplayName(displayName: string): string | undefined {
  const name = displayName.trim();
  if ([...name].length > DISPLAY_NAME_MAX) return `At most ${DISPLAY_NAME_MAX} characters`;
  if (CONTROL.test(name)) return 'No control characters';
  return undefined;
}

function compact(errors: CredentialErrors): CredentialErrors {
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message)) as CredentialErrors;
}

export function validateSignIn(values: SignInValues): CredentialErrors {
  return compact({
    username: validateUsername(values.username),
    password: values.password ? undefined : 'Enter your password',
  });
}

export function validateSignUp(values: SignUpValues): CredentialErrors {
  const password = validatePassword(values.password);
  return compact({
    username: validateUsername(values.username),
    displayName: validateDisplayName(values.displayName),
    password,
    confirmPassword: !password && values.confirmPassword !== values.password ? 'The passwords do not match' : undefined,
  });
}
