// Admin page (/admin?tab=users|keys|audit): accounts, API keys and the audit log, for admins only.
import { useAuth, signInPath } from '../auth/AuthContext';
import { navigate, useLocation } from '../routing/router';
import { Alert } from '../ui/Alert';
import { ButtonLink } from '../ui/Button';
import { ApiKeysPanel } from './ApiKeysPanel';
import { AuditPanel } from './AuditPanel';
import { UsersPanel } from './UsersPanel';

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'keys', label: 'API keys' },
  { id: 'audit', label: 'Audit log' },
] as const;
type TabId = (typeof TABS)[number]['id'];

function parseTab(search: string): TabId {
  const tab = new URLSearchParams(search).get('tab');
  return TABS.find((t) => t.id === tab)?.id ?? 'users';
}

export default function AdminPage() {
  const { me } = useAuth();
  const location = useLocation();
  const tab = parseTab(location.search);

  if (!me?.admin) {
    return (
      <Alert title="Admins only">
        <p>{me ? `${me.displayName} is not an admin.` : 'Sign in with an admin account to see this page.'}</p>
        <ButtonLink to={me ? '/' : signInPath('/admin')} variant="secondary" className="mt-3">
          {me ? 'Back to livestreams' : 'Sign in'}
        </ButtonLink>
      </Alert>
    );
  }

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">Admin</h1>
        <p className="mt-1 text-sm text-slate-600">Accounts, API keys and the audit log of this server.</p>
      </div>
      <div role="tablist" aria-label="Admin sections" className="flex flex-wrap gap-1 border-b border-slate-200">
        {TABS.map((t) => {
          const selected = t.id === tab;
          return (
            <button
              key={t.id}
              id={`admin-tab-${t.id}`}
              type="button"
              role="tab"
              aria-selected={selected}
              aria-controls={`admin-panel-${t.id}`}
              tabIndex={selected ? 0 : -1}
              onClick={() => navigate(`/admin?tab=${t.id}`, { replace: true })}
              onKeyDown={(event) => {
                if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
                const index = TABS.findIndex((x) => x.id === t.id);
                const next = TABS[(index + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
                if (!next) return;
                navigate(`/admin?tab=${next.id}`, { replace: true });
                document.getElementById(`admin-tab-${next.id}`)?.focus();
              }}
              className={
                '-mb-px border-b-2 px-4 py-2 text-sm font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ' +
                (selected ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-600 hover:text-slate-900')
              }
            >
              {t.label}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`}>
        {tab === 'users' && <UsersPanel currentUserId={me.id} />}
        {tab === 'keys' && <ApiKeysPanel />}
        {tab === 'audit' && <AuditPanel />}
      </div>
    </div>
  );
}
