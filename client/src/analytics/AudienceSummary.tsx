// The audience summary as tiles: peak and when, viewers in total, duration, and for the
// creator and admins the watch times and the average audience.
import { summaryItems, type AudienceFigures } from './summary';

export function AudienceSummary({ figures }: { figures: AudienceFigures }) {
  return (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3" data-testid="audience-summary">
      {summaryItems(figures).map((item) => (
        <div key={item.key} className="flex flex-col-reverse justify-end rounded-xl bg-slate-50 px-3 py-2 text-left">
          <dt className="text-xs text-slate-500">
            {item.label}
            {item.detail && <span className="block text-slate-400">{item.detail}</span>}
          </dt>
          <dd className="text-lg font-semibold tabular-nums text-slate-900" data-testid={`summary-${item.key}`}>
            {item.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
