// Builds the participant entries shown for a livestream from what is known of it: the live
// state (userIds, pushed over SSE) and names read once from the API or the media room.
import type { Participant, StreamState } from '../api/types';
import type { ParticipantEntry } from './ParticipantList';

export interface KnownName {
  name: string;
  isHost: boolean;
}

export function namesFromParticipants(participants: Participant[]): Map<string, KnownName> {
  const names = new Map<string, KnownName>();
  for (const p of participants) names.set(p.userId, { name: p.displayName, isHost: p.role === 'HOST' });
  return names;
}

/**
 * The state's userIds are authoritative for who is present; names come from `names` (a
 * userId never seen there is shown as itself). Without a state, the read list stands.
 */
export function participantEntries(
  state: StreamState | null | undefined,
  names: Map<string, KnownName>,
  currentUserId: string,
): ParticipantEntry[] {
  const hostId = state?.hostInfo?.userId ?? null;
  const ids = state ? state.participants : [...names.keys()];
  return [...new Set(ids)].map((userId) => {
    const known = names.get(userId);
    const hostName = userId === hostId ? state?.hostInfo?.displayName : undefined;
    return {
      userId,
      name: known?.name ?? hostName ?? userId,
      isHost: userId === hostId || Boolean(known?.isHost),
      isYou: userId === currentUserId,
    };
  });
}
