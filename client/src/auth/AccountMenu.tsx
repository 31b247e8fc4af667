// Header widget of the authenticated modes: "Signed in as <name>" with an Admin link for admins
// and an account menu (change password, sign out); sign-in and sign-up links when signed out.
import { useEffect, useRef, useState } from 'react';
import { Link, navigate, useLocation } from '../routing/router';
import { Button, ButtonLink } from '../ui/Button';
import { signInPath, useAuth } from './AuthContext';
import { PasswordDialog } from './PasswordDialog';

const menuItem =
  'block w-full rounded-lg px-3 py-2 text-left text-sm text-slate-800 hover:bg-slate-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500';

export function AccountMenu() {
  const { me, config, signOut } = useAuth();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  // The menu closes on Escape and on a click anywhere else.
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const doSignOut = async () => {
    setOpen(false);
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      setSigningOut(false);
      navigate('/');
    }
  };

  if (!me) {
    if (!config?.accounts) return null;
    return (
      <div className="flex items-center gap-2">
        <ButtonLink to={signInPath(location.key)} variant="secondary" className="px-3 py-1.5 whitespace-nowrap">
          Sign in
        </ButtonLink>
        {config.signup === 'open' && (
          <ButtonLink to="/signup" className="px-3 py-1.5 whitespace-nowrap">
            Sign up
          </ButtonLink>
        )}
      </div>
    );
  }

  const guest = me.kind === 'guest';
  const hasSession = me.via === 'session';
  const initial = me.displayName.trim().charAt(0).toUpperCase() || '?';
  return (
    <div className="flex min-w-0 items-center gap-3">
      {me.admin && (
        <Link to="/admin" className="rounded-lg px-2 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
          Admin
        </Link>
      )}
      <span aria-hidden="true" className="grid h-9 w-9 shrink-0 place-items-center rounded-full bg-indigo-100 text-sm font-semibold text-indigo-700">
        {initial}
      </span>
      <p className="min-w-0 max-w-[12rem] truncate text-sm text-slate-700" data-testid="signed-in-as">
        {guest ? 'Watching as guest ' : 'Signed in as '}
        <span className="font-medium text-slate-900">{me.displayName}</span>
      </p>
      {guest && config?.accounts && (
        <ButtonLink to={signInPath(location.key)} variant="secondary" className="px-3 py-1.5 whitespace-nowrap">
          Sign in
        </ButtonLink>
      )}
      {hasSession && (
        <div className="relative" ref={root}>
          <Button
            variant="secondary"
            className="px-3 py-1.5 whitespace-nowrap"
            aria-expanded={open}
            aria-controls="account-menu"
            disabled={signingOut}
            onClick={() => setOpen((value) => !value)}
          >
            Account
            <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
              <path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4z" />
            </svg>
          </Button>
          {open && (
            <div id="account-menu" role="group" aria-label="Account" className="absolute right-0 z-40 mt-2 w-52 rounded-xl border border-slate-200 bg-white p-1 shadow-lg">
              {!guest && (
                <button
                  type="button"
                  className={menuItem}
                  onClick={() => {
                    setOpen(false);
                    setChangingPassword(true);
                  }}
                >
                  Change password
                </button>
              )}
              <button type="button" className={menuItem} onClick={() => void doSignOut()}>
                {guest ? 'End guest session' : 'Sign out'}
              </button>
            </div>
          )}
        </div>
      )}
      <PasswordDialog open={changingPassword} onClose={() => setChangingPassword(false)} />
    </div>
  );
}
