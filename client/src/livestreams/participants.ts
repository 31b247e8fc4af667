// Builds the participant entries shown for a livestream from what is known of it: the live
// state (userIds, pushed over SSE) and names read once from the API or the media room. A reader
// who may not see other users' ids gets display names in the state instead (hostInfo.userId null).
import type { Participant, StreamState } from '../api/types';
import type { ParticipantEntry } from './ParticipantList';

export interface KnownName {
  name: string;
  isHost: boolean;
}

export function namesFromParticipants(participants: Participant[]): Map<string, KnownName> {
  const names = new Map<string, KnownName>();
  for (const p of participants) names.set(p.userId ?? p.displayName, { name: p.displayName, isHost: p.role === 'HOST' });
  return names;
}

/** The state names people by display name: the reader may not see user ids. */
export function stateHasNamesOnly(state: StreamState | null | undefined): boolean {
  return Boolean(state?.hostInfo && state.hostInfo.userId === null);
}

/**
 * The state's userIds are authoritative for who is present; names come from `names` (a
 * userId never seen there is shown as itself). Without a state, the read list stands.
 * `currentName` marks "you" when the state holds names rather than ids.
 */
export function participantEntries(
  state: StreamState | null | undefined,
  names: Map<string, KnownName>,
  currentUserId: string | null,
  currentName?: string,
): ParticipantEntry[] {
  if (state && stateHasNamesOnly(state)) {
    const hostName = state.hostInfo?.displayName;
    let hostSeen = false;
    let youSeen = false;
    // Names may repeat (two guests called "Guest"): every one is a person, none is merged.
    return state.participants.map((name) => {
      const isHost = !hostSeen && name === hostName;
      hostSeen ||= isHost;
      const isYou = !youSeen && currentName !== undefined && name === currentName;
      youSeen ||= isYou;
      return { userId: name, name, isHost, isYou };
    });
  }
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
