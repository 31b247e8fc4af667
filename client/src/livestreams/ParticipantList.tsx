// Compact list of the people in a livestream, host first.
import { plural } from '../format';

export interface ParticipantEntry {
  userId: string;
  name: string;
  isHost: boolean;
  isYou: boolean;
}

interface ParticipantListProps {
  entries: ParticipantEntry[];
  /** Show at most this many names, then "and N more". */
  limit?: number;
  tone?: 'light' | 'dark';
  emptyText?: string;
}

export function ParticipantList({ entries, limit = 6, tone = 'light', emptyText = 'Nobody here yet' }: ParticipantListProps) {
  const sorted = [...entries].sort((a, b) => Number(b.isHost) - Number(a.isHost));
  const shown = sorted.slice(0, limit);
  const hidden = sorted.length - shown.length;
  const muted = tone === 'dark' ? 'text-slate-400' : 'text-slate-500';
  const text = tone === 'dark' ? 'text-slate-100' : 'text-slate-700';

  if (entries.length === 0) return <p className={`text-xs ${muted}`}>{emptyText}</p>;
  return (
    <ul className="space-y-1" aria-label="Participants">
      {shown.map((entry, index) => (
        // Display names (what some readers get instead of ids) may repeat.
        <li key={`${index}:${entry.userId}`} className={`flex items-center gap-2 text-xs ${text}`}>
          <span aria-hidden="true" className="h-1.5 w-1.5 shrink-0 rounded-full bg-emerald-500" />
          <span className="truncate" title={entry.userId}>
            {entry.name}
          </span>
          {entry.isHost && <span className="shrink-0 font-medium text-indigo-500">host</span>}
          {entry.isYou && <span className={`shrink-0 ${muted}`}>(you)</span>}
        </li>
      ))}
      {hidden > 0 && <li className={`text-xs ${muted}`}>and {plural(hidden, 'other', 'others')}</li>}
    </ul>
  );
}
