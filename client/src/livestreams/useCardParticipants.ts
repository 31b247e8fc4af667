// Names of a card's participants: read once (GET .../participants?status=JOINED) when the
// card first shows a LIVE livestream with people in it; later changes come from SSE state.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Livestream, StreamState } from '../api/types';
import { namesFromParticipants, type KnownName } from './participants';

export const CARD_PARTICIPANT_LIMIT = 50;

export function useCardParticipants(livestream: Livestream, state: StreamState | undefined, visible: boolean): Map<string, KnownName> {
  const [names, setNames] = useState<Map<string, KnownName>>(() => new Map());
  // A ref, not state: marking the read as done must not cancel it.
  const requested = useRef(false);
  const someonePresent = (state?.participants.length ?? 0) > 0;
  const wanted = visible && livestream.status === 'LIVE' && someonePresent;

  useEffect(() => {
    if (!wanted || requested.current) return;
    requested.current = true;
    // Not cancelled on cleanup: the read happens once per card, and a late answer for an
    // unmounted card is simply dropped by React.
    api
      .listParticipants(livestream.id, { status: 'JOINED', limit: CARD_PARTICIPANT_LIMIT })
      .then((page) => setNames(namesFromParticipants(page.items)))
      .catch(() => {
        // Names are a nicety: the userIds from the live state are still shown.
      });
  }, [wanted, livestream.id]);

  return names;
}
