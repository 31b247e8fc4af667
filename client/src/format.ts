// Date and number formatting shared by the views.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : dateTime.format(date);
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * A wait in words, rounded up so nobody is told to come back too early: 30 → "30 seconds",
 * 90 → "2 minutes", 3600 → "1 hour".
 */
export function waitInWords(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return 'a moment';
  const whole = Math.ceil(seconds);
  if (whole < 60) return plural(whole, 'second', 'seconds');
  const minutes = Math.ceil(whole / 60);
  if (minutes < 60) return plural(minutes, 'minute', 'minutes');
  const hours = Math.ceil(whole / 3600);
  if (hours < 48) return plural(hours, 'hour', 'hours');
  return plural(Math.ceil(whole / 86400), 'day', 'days');
}
