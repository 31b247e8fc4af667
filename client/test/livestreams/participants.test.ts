// Participant entries: by user id (readers who may see ids), or by display name when the state
// holds names (hostInfo.userId null), where names may repeat.
import { describe, expect, it } from 'vitest';
import { namesFromParticipants, participantEntries } from '../../src/livestreams/participants';
import { participant, streamState } from '../support/fixtures';

describe('participantEntries', () => {
  it('names ids from what was read and marks host and you', () => {
    const names = namesFromParticipants([participant({ userId: 'bob', displayName: 'Bob' })]);
    const state = streamState({ participants: ['alice', 'bob'], hostInfo: { userId: 'alice', displayName: 'Alice' } });
    expect(participantEntries(state, names, 'bob')).toEqual([
      { userId: 'alice', name: 'Alice', isHost: true, isYou: false },
      { userId: 'bob', name: 'Bob', isHost: false, isYou: true },
    ]);
  });

  it('takes names as they come when ids are hidden, repeated names included', () => {
    const state = streamState({ participants: ['Alice', 'Guest', 'Guest', 'Gus'], hostInfo: { userId: null, displayName: 'Alice' } });
    const entries = participantEntries(state, new Map(), 'guest-9', 'Gus');
    expect(entries.map((e) => [e.name, e.isHost, e.isYou])).toEqual([
      ['Alice', true, false],
      ['Guest', false, false],
      ['Guest', false, false],
      ['Gus', false, true],
    ]);
  });

  it('keys participants read without ids by their display name', () => {
    const names = namesFromParticipants([participant({ userId: null, displayName: 'Victor' })]);
    expect(names.get('Victor')).toEqual({ name: 'Victor', isHost: false });
  });
});
