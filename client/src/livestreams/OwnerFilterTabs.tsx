// "All livestreams" / "My livestreams" above the grid; mine lists createdBy=<me> (?mine=1).
const OPTIONS = [
  { mine: false, label: 'All livestreams' },
  { mine: true, label: 'My livestreams' },
];

export function OwnerFilterTabs({ mine, onChange }: { mine: boolean; onChange: (mine: boolean) => void }) {
  return (
    <div role="group" aria-label="Whose livestreams" className="flex flex-wrap gap-1 rounded-xl bg-slate-100 p-1">
      {OPTIONS.map((option) => {
        const active = option.mine === mine;
        return (
          <button
            key={option.label}
            type="button"
            aria-pressed={active}
            onClick={() => onChange(option.mine)}
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

export function parseMine(search: string): boolean {
  return new URLSearchParams(search).get('mine') === '1';
}
