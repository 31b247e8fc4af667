// Formatting shared by the views: waits in words (from Retry-After seconds).
import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, tooManyAttemptsMessage } from '../src/api/client';
import { waitInWords } from '../src/format';

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
