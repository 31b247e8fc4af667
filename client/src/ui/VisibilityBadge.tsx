// Badge for a livestream that is not public: "Unlisted" (link only) or "Private" (invitees only).
import type { Visibility } from '../api/types';

const styles: Record<Exclude<Visibility, 'public'>, { label: string; className: string; title: string }> = {
  unlisted: { label: 'Unlisted', className: 'bg-violet-100 text-violet-700 ring-violet-600/20', title: 'Not listed; reachable by its link' },
  private: { label: 'Private', className: 'bg-slate-800 text-white ring-slate-900/20', title: 'Only its creator, admins and invited people' },
};

export function VisibilityBadge({ visibility }: { visibility: Visibility | undefined }) {
  if (!visibility || visibility === 'public') return null;
  const style = styles[visibility];
  if (!style) return null;
  return (
    <span
      data-testid="visibility-badge"
      title={style.title}
      className={`inline-flex shrink-0 items-center gap-1 rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${style.className}`}
    >
      {visibility === 'private' && (
        <svg aria-hidden="true" viewBox="0 0 20 20" className="h-3 w-3" fill="currentColor">
          <path d="M10 2a4 4 0 0 0-4 4v2H5a1 1 0 0 0-1 1v8a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V9a1 1 0 0 0-1-1h-1V6a4 4 0 0 0-4-4zm-2 6V6a2 2 0 1 1 4 0v2H8z" />
        </svg>
      )}
      {style.label}
    </span>
  );
}
