// The status filter above the grid: a group of toggle buttons (all / LIVE / SCHEDULED / ENDED / ERROR).
import { LIVESTREAM_STATUSES } from '../api/types';
import type { StatusFilter } from './listState';

const OPTIONS: { value: StatusFilter; label: string }[] = [
  { value: 'ALL', label: 'All' },
  ...LIVESTREAM_STATUSES.map((status) => ({ value: status, label: status.charAt(0) + status.slice(1).toLowerCase() })),
];

export function StatusFilterTabs({ value, onChange }: { value: StatusFilter; onChange: (value: StatusFilter) => void }) {
  return (
    <div role="group" aria-label="Filter by status" className="flex flex-wrap gap-1 rounded-xl bg-slate-100 p-1">
      {OPTIONS.map((option) => {
        const active = option.value === value;
        return (
          <button
            key={option.value}
            type="button"
            aria-pressed={active}
            onClick={() => onChange(option.value)}
            className={
              'rounded-lg px-3 py-1.5 text-sm font-medium transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ' +
              (active ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900')
            }
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}

export function parseStatusFilter(search: string): StatusFilter {
  const value = new URLSearchParams(search).get('status')?.toUpperCase();
  return (LIVESTREAM_STATUSES as readonly string[]).includes(value ?? '') ? (value as StatusFilter) : 'ALL';
}
