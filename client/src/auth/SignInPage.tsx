// Sign-in page (/signin?next=…): username and password, the server's refusal in words
// (wrong credentials, too many attempts and how long to wait), then back to where the user was.
import { useState, type FormEvent } from 'react';
import { errorMessage, INVALID_RESPONSE, isApiError } from '../api/client';
import { Link, navigate, safeNext, useLocation } from '../routing/router';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { Field } from '../ui/Field';
import { AuthCard } from './AuthCard';
import { useAuth } from './AuthContext';
import { normalizeUsername, validateSignIn, type CredentialErrors, type SignInValues } from './credentials';
import { NoAccountsNotice } from './NoAccountsNotice';

/** What to tell the user when the server refuses a sign-in. */
export function signInErrorMessage(error: unknown): string {
  if (isApiError(error) && error.status === 401 && error.code === INVALID_RESPONSE) return 'Invalid username or password';
  return errorMessage(error);
}

export function SignInPage() {
  const auth = useAuth();
  const location = useLocation();
  const next = safeNext(location.search);
  const [values, setValues] = useState<SignInValues>({ username: '', password: '' });
  const [errors, setErrors] = useState<CredentialErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  if (!auth.config?.accounts || auth.mode === 'open') return <NoAccountsNotice title="Sign in" />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validateSignIn(values);
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length > 0) {
      event.currentTarget.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setSubmitting(true);
    try {
      await auth.signIn(normalizeUsername(values.username), values.password);
      navigate(next, { replace: true });
    } catch (error) {
      setServerError(signInErrorMessage(error));
      setSubmitting(false);
    }
  };

  const update = (field: keyof SignInValues) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const signUpLink = auth.config.signup === 'open' ? `/signup${location.search}` : null;
  return (
    <AuthCard
      title="Sign in"
      intro={
        auth.me
          ? auth.me.kind === 'guest'
            ? `You are watching as the guest ${auth.me.displayName}.`
            : `You are signed in as ${auth.me.displayName}; signing in switches the account.`
          : undefined
      }
      footer={
        signUpLink ? (
          <>
            No account yet?{' '}
            <Link to={signUpLink} className="font-medium text-indigo-700 hover:underline">
              Sign up
            </Link>
          </>
        ) : (
          'Sign-up is closed on this server: ask an admin for an account.'
        )
      }
    >
      <form noValidate onSubmit={(event) => void submit(event)} className="space-y-4" aria-label="Sign in">
        {serverError && <Alert title="Could not sign in">{serverError}</Alert>}
        <Field label="Username" error={errors.username}>
          {(props) => (
            <input
              {...props}
              autoFocus
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={values.username}
              onChange={(e) => update('username')(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={errors.password}>
          {(props) => (
            <input
              {...props}
              type="password"
              name="password"
              autoComplete="current-password"
              value={values.password}
              onChange={(e) => update('password')(e.target.value)}
            />
          )}
        </Field>
        <div className="flex flex-col-reverse gap-2 pt-2 sm:flex-row sm:justify-end">
          <ButtonLink to="/" variant="secondary">
            Cancel
          </ButtonLink>
          <Button type="submit" disabled={submitting}>
            {submitting ? 'Signing in…' : 'Sign in'}
          </Button>
        </div>
      </form>
    </AuthCard>
  );
}
