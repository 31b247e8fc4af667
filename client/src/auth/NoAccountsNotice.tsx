// Shown on the sign-in and sign-up pages of a server that has no built-in accounts to sign in to.
import { ButtonLink } from '../ui/Button';
import { AuthCard } from './AuthCard';
import { useAuth } from './AuthContext';

export function NoAccountsNotice({ title }: { title: string }) {
  const { mode } = useAuth();
  return (
    <AuthCard title={title}>
      <p className="text-sm text-slate-700">
        {mode === 'open'
          ? 'This server runs in open mode: there are no accounts. Choose who you are with “Switch user” in the header.'
          : 'This server has no built-in accounts: people sign in through the application that sent them here.'}
      </p>
      <ButtonLink to="/" className="mt-5">
        Back to livestreams
      </ButtonLink>
    </AuthCard>
  );
}
