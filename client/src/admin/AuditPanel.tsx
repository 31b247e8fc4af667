// Admin: the audit log, newest first — filter by action, and "Load more" pages backwards
// (before = the last entry's id).
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { adminApi, type AuditEntry } from '../api/admin';
import { errorMessage } from '../api/client';
import { formatDateTime } from '../format';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { Spinner } from '../ui/Spinner';
import { inputClass, panelTitle, table, tableWrap, tbody, td, th } from './table';

export const AUDIT_PAGE = 50;

type Client = Pick<typeof adminApi, 'listAudit'>;

const outcomeStyle: Record<string, string> = {
  ok: 'text-emerald-700',
  refused: 'text-amber-700',
  failed: 'text-rose-700',
};

function details(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function AuditPanel({ client = adminApi }: { client?: Client }) {
  const [action, setAction] = useState('');
  const [applied, setApplied] = useState('');
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  // Answers to an earlier filter are dropped.
  const generation = useRef(0);

  const read = useCallback(
    async (filter: string, before: number | undefined) => {
      const mine = generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await client.listAudit({ limit: AUDIT_PAGE, ...(before === undefined ? {} : { before }), ...(filter ? { action: filter } : {}) });
        if (mine !== generation.current) return;
        setEntries((current) => (before === undefined ? page : [...current, ...page.filter((e) => !current.some((c) => c.id === e.id))]));
        setHasMore(page.length >= AUDIT_PAGE);
      } catch (reason) {
        if (mine === generation.current) setError(errorMessage(reason));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [client],
  );

  useEffect(() => {
    generation.current += 1;
    setEntries([]);
    void read(applied, undefined);
  }, [applied, read]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setApplied(action.trim());
  };

  const last = entries[entries.length - 1];
  return (
    <section aria-labelledby="audit-title" className="space-y-3">
      <h2 id="audit-title" className={panelTitle}>
        Audit log
      </h2>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label="Filter the audit log">
        <div>
          <label htmlFor="audit-action" className="text-sm font-medium text-slate-800">
            Action
          </label>
          <input
            id="audit-action"
            className={`${inputClass} mt-1 w-64 font-mono`}
            placeholder="e.g. auth.login"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          />
        </div>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        {applied && (
          <Button
            variant="ghost"
            onClick={() => {
              setAction('');
              setApplied('');
            }}
          >
            Show all actions
          </Button>
        )}
      </form>

      {error && (
        <Alert title="Could not load the audit log">
          <p>{error}</p>
        </Alert>
      )}
      {entries.length === 0 && !loading && !error ? (
        <p className="text-sm text-slate-600">{applied ? `No “${applied}” entries.` : 'The audit log is empty.'}</p>
      ) : entries.length > 0 ? (
        <div className={tableWrap}>
          <table className={table} aria-label="Audit log">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>Time</th>
                <th scope="col" className={th}>Action</th>
                <th scope="col" className={th}>Who</th>
                <th scope="col" className={th}>IP</th>
                <th scope="col" className={th}>Target</th>
                <th scope="col" className={th}>Outcome</th>
                <th scope="col" className={th}>Details</th>
              </tr>
            </thead>
            <tbody className={tbody}>
              {entries.map((entry) => (
                <tr key={entry.id} data-testid="audit-row">
                  <td className={`${td} whitespace-nowrap text-slate-600`}>
                    <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                  </td>
                  <td className={`${td} font-mono text-xs`}>{entry.action}</td>
                  <td className={`${td} font-mono text-xs`}>{entry.principal}</td>
                  <td className={`${td} font-mono text-xs`}>{entry.ip}</td>
                  <td className={`${td} max-w-[12rem] truncate font-mono text-xs`} title={entry.target}>
                    {entry.target}
                  </td>
                  <td className={`${td} font-medium ${outcomeStyle[entry.outcome] ?? ''}`}>{entry.outcome}</td>
                  <td className={`${td} max-w-[16rem] truncate font-mono text-xs text-slate-600`} title={details(entry.details)}>
                    {details(entry.details)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {loading ? (
        <Spinner label="Loading the audit log" />
      ) : (
        hasMore &&
        last && (
          <Button variant="secondary" onClick={() => void read(applied, last.id)}>
            Load more
          </Button>
        )
      )}
    </section>
  );
}
