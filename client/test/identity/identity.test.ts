// "Who am I": generated once, kept in localStorage, validated like the server's user fields.
import { describe, expect, it } from 'vitest';
import { generateIdentity, IDENTITY_STORAGE_KEY, loadIdentity, saveIdentity, validateIdentity } from '../../src/identity/identity';

describe('identity', () => {
  it('generates an identity once and returns the stored one afterwards', () => {
    const first = loadIdentity(window.localStorage);
    expect(first.userId).toMatch(/^user-[a-z0-9]{8}$/);
    expect(loadIdentity(window.localStorage)).toEqual(first);
  });

  it('replaces a corrupt stored value with a fresh identity', () => {
    window.localStorage.setItem(IDENTITY_STORAGE_KEY, '{not json');
    expect(loadIdentity(window.localStorage).userId).toMatch(/^user-/);
    window.localStorage.setItem(IDENTITY_STORAGE_KEY, JSON.stringify({ userId: '', displayName: 'x' }));
    expect(loadIdentity(window.localStorage).userId).toMatch(/^user-/);
  });

  it('stores trimmed values', () => {
    saveIdentity({ userId: ' alice ', displayName: ' Alice ' }, window.localStorage);
    expect(loadIdentity(window.localStorage)).toEqual({ userId: 'alice', displayName: 'Alice' });
  });

  it('validates user id and display name', () => {
    expect(validateIdentity({ userId: 'alice', displayName: 'Alice' })).toEqual({});
    expect(validateIdentity({ userId: ' ', displayName: '' })).toEqual({
      userId: 'Enter a user ID',
      displayName: 'Enter a display name',
    });
    expect(validateIdentity({ userId: 'a b', displayName: 'A' }).userId).toMatch(/spaces/);
    expect(validateIdentity({ userId: 'u'.repeat(129), displayName: 'A' }).userId).toMatch(/128/);
    expect(validateIdentity({ userId: 'u', displayName: 'n'.repeat(101) }).displayName).toMatch(/100/);
  });

  it('derives ids from the random source', () => {
    expect(generateIdentity(() => 0).userId).toBe('user-aaaaaaaa');
  });
});
