// Formatting shared by the views: plurals, counts, durations, and waits in words (from
// Retry-After seconds).
import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, tooManyAttemptsMessage } from '../src/api/client';
import { formatCount, formatDecimal, formatDuration, plural, pluralNoun, secondsBetween, waitInWords } from '../src/format';

describe('plural', () => {
  it.each([
    [0, '0 viewers'],
    [1, '1 viewer'],
    [2, '2 viewers'],
    [11, '11 viewers'],
    [21, '21 viewers'],
    [1204, '1,204 viewers'],
    [1.5, '1.5 viewers'],
  ])('%d → "%s"', (count, words) => {
    expect(plural(count, 'viewer', 'viewers')).toBe(words);
  });

  it('agrees with irregular nouns', () => {
    expect(plural(1, 'person', 'people')).toBe('1 person');
    expect(plural(3, 'person', 'people')).toBe('3 people');
  });

  it('gives the noun alone for numbers shown apart', () => {
    expect(pluralNoun(1, 'viewer', 'viewers')).toBe('viewer');
    expect(pluralNoun(0, 'viewer', 'viewers')).toBe('viewers');
  });
});

describe('numbers', () => {
  it('separates thousands and keeps at most one decimal', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatDecimal(2.46)).toBe('2.5');
    expect(formatDecimal(3)).toBe('3');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [59.6, '1 min'],
    [60, '1 min'],
    [605, '10 min 5 s'],
    [3600, '1 h'],
    [3725, '1 h 2 min'],
    [90000, '25 h'],
  ])('%d seconds → "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('says "—" for an unknown duration', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(-5)).toBe('—');
  });
});

describe('secondsBetween', () => {
  it('measures from start to end, or null when either is missing or out of order', () => {
    expect(secondsBetween('2026-01-02T10:00:00.000Z', '2026-01-02T10:02:05.500Z')).toBe(125.5);
    expect(secondsBetween(null, '2026-01-02T10:00:00.000Z')).toBeNull();
    expect(secondsBetween('2026-01-02T10:00:00.000Z', undefined)).toBeNull();
    expect(secondsBetween('2026-01-02T10:00:01.000Z', '2026-01-02T10:00:00.000Z')).toBeNull();
  });
});

describe('waitInWords', () => {
  it.each([
    [30, '30 seconds'],
    [1, '1 second'],
    [59, '59 seconds'],
    [60, '1 minute'],
    [90, '2 minutes'],
    [120, '2 minutes'],
    [3599, '1 hour'],
    [3600, '1 hour'],
    [5400, '2 hours'],
    [3 * 86400, '3 days'],
  ])('%i seconds → "%s"', (seconds, words) => {
    expect(waitInWords(seconds)).toBe(words);
  });

  it('says "a moment" for nothing to wait', () => {
    expect(waitInWords(0)).toBe('a moment');
    expect(waitInWords(Number.NaN)).toBe('a moment');
  });
});

describe('too many attempts', () => {
  it('tells the wait in words, never in raw seconds', () => {
    expect(tooManyAttemptsMessage(90)).toBe('Too many attempts. Try again in 2 minutes.');
    expect(tooManyAttemptsMessage(null)).toBe('Too many attempts. Try again later.');
    expect(errorMessage(new ApiError('Too many requests', 429, 'RateLimitError', 3600))).toBe('Too many attempts. Try again in 1 hour.');
  });
});
