// Date, number, duration and plural formatting shared by the views. The interface is English,
// so words and numbers follow English rules whatever the browser's locale; dates and times use
// the browser's locale.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const pluralRules = new Intl.PluralRules('en');
const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

function validDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDateTime(iso: string | null | undefined): string {
  const date = validDate(iso);
  return date ? dateTime.format(date) : '—';
}

/** Time of day with seconds ("10:32:05 AM"), for moments within one livestream. */
export function formatTime(iso: string | null | undefined): string {
  const date = validDate(iso);
  return date ? timeOfDay.format(date) : '—';
}

/** 1204 → "1,204". */
export function formatCount(count: number): string {
  return integer.format(count);
}

/** At most one decimal: 2.46 → "2.5", 3 → "3". */
export function formatDecimal(value: number): string {
  return oneDecimal.format(value);
}

/** The noun that agrees with `count`: pluralNoun(1, 'viewer', 'viewers') → "viewer". */
export function pluralNoun(count: number, one: string, other: string): string {
  return pluralRules.select(count) === 'one' ? one : other;
}

/** "1 viewer", "0 viewers", "1,204 viewers", "2.5 viewers". */
export function plural(count: number, one: string, other: string): string {
  const number = Number.isInteger(count) ? formatCount(count) : formatDecimal(count);
  return `${number} ${pluralNoun(count, one, other)}`;
}

/**
 * A length of time in abbreviated units (which need no plural): 45 → "45 s", 605 → "10 min 5 s",
 * 3720 → "1 h 2 min", 90000 → "25 h". Seconds are dropped from an hour on; null → "—".
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
}

/** Seconds from `from` to `to` (ISO), or null when either is missing or they are out of order. */
export function secondsBetween(from: string | null | undefined, to: string | null | undefined): number | null {
  const start = validDate(from);
  const end = validDate(to);
  if (!start || !end || end < start) return null;
  return (end.getTime() - start.getTime()) / 1000;
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
