// Participant entries come from the state's `people`: display names whether the state was pushed
// or read, host and "you" marked; by name when ids are hidden, where names may repeat.
import { describe, expect, it } from 'vitest';
import { participantEntries } from '../../src/livestreams/participants';
import { person, stateWithPeople } from '../support/fixtures';

describe('participantEntries', () => {
  it('names people by display name and marks host and you by id', () => {
    const state = stateWithPeople([
      person({ userId: 'alice', displayName: 'Alice', role: 'HOST' }),
      person({ userId: 'bob', displayName: 'Bob' }),
    ]);
    expect(participantEntries(state, 'bob')).toEqual([
      { userId: 'alice', name: 'Alice', isHost: true, isYou: false },
      { userId: 'bob', name: 'Bob', isHost: false, isYou: true },
    ]);
  });

  it('takes names as they come when ids are hidden, repeated names included', () => {
    const state = stateWithPeople([
      person({ userId: null, displayName: 'Alice', role: 'HOST' }),
      person({ userId: null, displayName: 'Guest' }),
      person({ userId: null, displayName: 'Guest' }),
      person({ userId: null, displayName: 'Gus' }),
    ]);
    const entries = participantEntries(state, 'guest-9', 'Gus');
    expect(entries.map((e) => [e.userId, e.name, e.isHost, e.isYou])).toEqual([
      ['Alice', 'Alice', true, false],
      ['Guest', 'Guest', false, false],
      ['Guest', 'Guest', false, false],
      ['Gus', 'Gus', false, true],
    ]);
  });

  it('marks only the first of several people with your name as you', () => {
    const state = stateWithPeople([person({ userId: null, displayName: 'Guest' }), person({ userId: null, displayName: 'Guest' })]);
    expect(participantEntries(state, null, 'Guest').map((e) => e.isYou)).toEqual([true, false]);
  });

  it('is empty without a state', () => {
    expect(participantEntries(undefined, 'bob')).toEqual([]);
  });
});
