// Builds the participant entries shown for a livestream from its live state: `people` holds
// everyone LiveKit confirmed connected, with display names, in the same shape whether it came
// from SSE or from a read. A reader who may not see other users' ids gets userId null there.
import type { StreamState } from '../api/types';
import type { ParticipantEntry } from './ParticipantList';

/**
 * `currentName` marks "you" when ids are hidden (the first person of that name); names may
 * repeat (two guests called "Guest"): every one is a person, none is merged.
 */
export function participantEntries(
  state: StreamState | null | undefined,
  currentUserId: string | null,
  currentName?: string,
): ParticipantEntry[] {
  if (!state) return [];
  let youSeen = false;
  return state.people.map((person) => {
    const isYou =
      person.userId !== null
        ? person.userId === currentUserId
        : !youSeen && currentName !== undefined && person.displayName === currentName;
    youSeen ||= isYou;
    return {
      userId: person.userId ?? person.displayName,
      name: person.displayName,
      isHost: person.role === 'HOST',
      isYou,
    };
  });
}
