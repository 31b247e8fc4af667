// Class names shared by the admin tables, so the three sections look alike.
export const tableWrap = 'overflow-x-auto rounded-2xl border border-slate-200 bg-white';
export const table = 'min-w-full divide-y divide-slate-200 text-sm';
export const th = 'px-4 py-2 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase';
// Cells take their colour from the row group (tbody), so a cell may set its own.
export const td = 'px-4 py-2 align-top';
export const tbody = 'divide-y divide-slate-100 text-slate-800';
export const panelTitle = 'text-base font-semibold text-slate-900';
export const inputClass =
  'block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500';
