// Sign-up page (/signup?next=…): username, display name, password twice, checked as the server
// checks them; the new account is signed in at once (the first account of a server is its admin).
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/client';
import { Link, navigate, safeNext, useLocation } from '../routing/router';
import { Alert } from '../ui/Alert';
import { Button, ButtonLink } from '../ui/Button';
import { Field } from '../ui/Field';
import { AuthCard } from './AuthCard';
import { useAuth } from './AuthContext';
import {
  normalizeUsername,
  PASSWORD_MAX,
  PASSWORD_MIN,
  USERNAME_MAX,
  USERNAME_MIN,
  validateSignUp,
  type CredentialErrors,
  type SignUpValues,
} from './credentials';
import { NoAccountsNotice } from './NoAccountsNotice';

const EMPTY: SignUpValues = { username: '', displayName: '', password: '', confirmPassword: '' };

export function SignUpPage() {
  const auth = useAuth();
  const location = useLocation();
  const next = safeNext(location.search);
  const [values, setValues] = useState<SignUpValues>(EMPTY);
  const [errors, setErrors] = useState<CredentialErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  if (!auth.config?.accounts || auth.mode === 'open') return <NoAccountsNotice title="Sign up" />;
  const signInLink = (
    <Link to={`/signin${location.search}`} className="font-medium text-indigo-700 hover:underline">
      Sign in
    </Link>
  );
  if (auth.config.signup !== 'open') {
    return (
      <AuthCard title="Sign up" footer={<>Have an account? {signInLink}</>}>
        <p className="text-sm text-slate-700">Sign-up is closed on this server: ask an admin for an account.</p>
      </AuthCard>
    );
  }

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validateSignUp(values);
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length > 0) {
      event.currentTarget.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setSubmitting(true);
    try {
      const displayName = values.displayName.trim();
      await auth.signUp({ username: normalizeUsername(values.username), password: values.password, ...(displayName ? { displayName } : {}) });
      navigate(next, { replace: true });
    } catch (error) {
      setServerError(errorMessage(error));
      setSubmitting(false);
    }
  };

  const update = (field: keyof SignUpValues) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  return (
    <AuthCard title="Sign up" intro="Create an account to host livestreams." footer={<>Have an account? {signInLink}</>}>
      <form noValidate onSubmit={(event) => void submit(event)} className="space-y-4" aria-label="Sign up">
        {serverError && <Alert title="Could not sign up">{serverError}</Alert>}
        <Field label="Username" error={errors.username} hint={`${USERNAME_MIN}–${USERNAME_MAX} letters, digits, “_”, “.” or “-”; it is also your user ID.`}>
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
        <Field label="Display name" optional error={errors.displayName} hint="What others see; your username when left empty.">
          {(props) => (
            <input {...props} name="displayName" autoComplete="nickname" value={values.displayName} onChange={(e) => update('displayName')(e.target.value)} />
          )}
        </Field>
        <Field label="Password" error={errors.password} hint={`${PASSWORD_MIN}–${PASSWORD_MAX} characters.`}>
          {(props) => (
            <input
              {...props}
              type="password"
              name="password"
              autoComplete="new-password"
              value={values.password}
              onChange={(e) => update('password')(e.target.value)}
            />
          )}
        </Field>
        <Field label="Repeat the password" error={errors.confirmPassword}>
          {(props) => (
            <input
              {...props}
              type="password"
              name="confirmPassword"
              autoComplete="new-password"
              value={values.confirmPassword}
              onChange={(e) => update('confirmPassword')(e.target.value)}
            />
          )}
        </Field>
        <div className="flex flex-col-reverse gap-2 pt-2 sm:flex-row sm:justify-end">
          <ButtonLink to="/" variant="secondary">
            Cancel
          </ButtonLink>
          <Button type="submit" disabled={submitting}>
            {submitting ? 'Creating the account…' : 'Sign up'}
          </Button>
        </div>
      </form>
    </AuthCard>
  );
}
