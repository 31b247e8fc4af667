// The user's seat in a livestream: load it, join (POST .../join) as host or viewer, and leave
// (POST .../leave) when the user leaves, the page goes away or the tab closes. With a simulated
// media server the seat also holds the stand-in for the media connection (simulatedPresence.ts).
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, isApiError } from '../api/client';
import type { JoinRequest, JoinResponse, Livestream } from '../api/types';
import { bodyUserId } from '../auth/actor';
import type { Identity } from '../identity/identity';
import { announcePresence, withdrawPresence, type Presence, type PresenceStatus } from './simulatedPresence';

export type RoomRole = 'host' | 'viewer';

export type RoomSession =
  | { phase: 'loading'; livestream: Livestream | null }
  /** Cannot join: unknown, not live, or not allowed; `canWatch` offers the viewer role instead. */
  | { phase: 'unavailable'; livestream: Livestream | null; title: string; message: string; canWatch: boolean }
  /** Joining failed for a reason that may pass (network, server error). */
  | { phase: 'failed'; livestream: Livestream | null; message: string }
  /** 409: this user already has an active seat (another tab or device). */
  | { phase: 'conflict'; livestream: Livestream; message: string }
  | { phase: 'joined'; livestream: Livestream; join: JoinResponse }
  | { phase: 'ended'; livestream: Livestream | null }
  /** The same user joined this livestream from another tab of this browser, which now holds the seat. */
  | { phase: 'moved'; livestream: Livestream | null }
  | { phase: 'left'; livestream: Livestream | null };

export interface RoomSessionControls {
  session: RoomSession;
  /** Try again; with `takeOver`, first end the other active seat of this user. */
  retry: (takeOver?: boolean) => void;
  /** Leave the room (the caller then disconnects from media and navigates away). */
  leave: () => Promise<void>;
  /** The livestream ended (room_ended, or the host ended it): there is no seat to leave. */
  markEnded: (livestream?: Livestream) => void;
  /** Whether the simulated media server counts us as connected ('none' with a real one). */
  presence: PresenceStatus;
}

/** Tabs of one browser tell each other who holds a seat, so a tab left behind never releases it. */
const SEAT_CHANNEL = 'livestream-orchestrator.seats';

interface SeatMessage {
  livestreamId: string;
  userId: string;
  tabId: string;
}

/** Who joins: in open mode (`inBodies` true or absent) the request names the user; signed in, the session does. */
export type RoomIdentity = Identity & { inBodies?: boolean };

export const PRIVATE_TITLE = 'This livestream is private';

/**
 * `simulatedMedia`: the media server is the LiveKit double (null while not known yet); once
 * joined, the page then announces its presence there itself.
 */
export function useRoomSession(
  livestreamId: string,
  role: RoomRole,
  identity: RoomIdentity,
  simulatedMedia: boolean | null = false,
): RoomSessionControls {
  const namedUser = bodyUserId(identity);
  const [session, setSession] = useState<RoomSession>({ phase: 'loading', livestream: null });
  // True while the server holds a JOINED seat for us that we have not released.
  const seated = useRef(false);
  // Set once the page is really gone; a join answered after that is released at once.
  const disposed = useRef(false);
  const started = useRef(false);
  const pendingRelease = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // This tab's name on the seat channel (not a secret), drawn once per mount.
  const [tabId] = useState(() => Math.random().toString(36).slice(2));
  const seatChannel = useRef<BroadcastChannel | null>(null);
  const presence = useRef<Presence | null>(null);
  // The join token the presence was announced for: one announcement per join.
  const announcedFor = useRef<string | null>(null);
  const announcing = useRef(false);
  // The seat was released while the announcement was under way: withdraw it when it lands.
  const withdrawOnArrival = useRef(false);
  const [presenceStatus, setPresenceStatus] = useState<PresenceStatus>('none');

  // Another tab took the seat (a 409 resolved by "join here"): this one must not leave on
  // close, which would free the other tab's seat.
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return undefined;
    const channel = new BroadcastChannel(SEAT_CHANNEL);
    seatChannel.current = channel;
    channel.onmessage = (event: MessageEvent<SeatMessage>) => {
      const message = event.data;
      if (message.livestreamId !== livestreamId || message.userId !== identity.userId) return;
      if (message.tabId === tabId || !seated.current) return;
      seated.current = false;
      // The other tab announced the same identity: withdrawing it here would cut that tab off.
      presence.current = null;
      setSession((current) => ({ phase: 'moved', livestream: current.livestream }));
    };
    return () => {
      channel.close();
      if (seatChannel.current === channel) seatChannel.current = null;
    };
  }, [livestreamId, identity.userId, tabId]);

  const release = useCallback(
    (keepalive: boolean) => {
      if (!seated.current) return Promise.resolve();
      seated.current = false;
      const leave = () =>
        api.leaveLivestream(livestreamId, namedUser, { keepalive }).catch(() => {
          // Best effort: the server also frees the seat when LiveKit reports the disconnect.
        });
      // The leave removes the participant from LiveKit itself, so the presence is withdrawn
      // first: the other way round, the withdrawal would find nobody (a 404 in the console).
      // A page going away cannot wait for the first answer: both are sent at once then.
      const current = presence.current;
      presence.current = null;
      if (!current) {
        if (announcing.current) withdrawOnArrival.current = true;
        return leave();
      }
      const withdrawn = withdrawPresence(current, { keepalive });
      return keepalive ? Promise.all([withdrawn, leave()]).then(() => undefined) : withdrawn.then(leave);
    },
    [livestreamId, namedUser],
  );

  const join = useCallback(
    async (takeOver: boolean) => {
      setSession((current) => ({ phase: 'loading', livestream: current.livestream }));
      let livestream: Livestream;
      try {
        livestream = await api.getLivestream(livestreamId);
      } catch (error) {
        if (isApiError(error) && error.status === 404) {
          setSession({
            phase: 'unavailable',
            livestream: null,
            title: 'Livestream not found',
            message: 'It may have been removed, or the link is wrong.',
            canWatch: false,
          });
        } else if (isApiError(error) && error.status === 403) {
          // Read refused to a signed-in user or guest: only a private livestream does that.
          setSession({
            phase: 'unavailable',
            livestream: null,
            title: PRIVATE_TITLE,
            message: 'Only its creator, admins and the people the creator invited can watch it.',
            canWatch: false,
          });
        } else {
          setSession({ phase: 'failed', livestream: null, message: errorMessage(error) });
        }
        return;
      }
      if (livestream.status === 'ENDED') {
        setSession({ phase: 'ended', livestream });
        return;
      }
      if (livestream.status !== 'LIVE') {
        setSession({
          phase: 'unavailable',
          livestream,
          title: 'This livestream is not live',
          message: `Its status is ${livestream.status}; it cannot be joined now.`,
          canWatch: false,
        });
        return;
      }
      if (role === 'host' && livestream.createdBy !== identity.userId) {
        setSession({
          phase: 'unavailable',
          livestream,
          title: 'Only the creator can host',
          message: `This livestream belongs to ${livestream.creatorName || livestream.createdBy || 'someone else'}. You are ${identity.displayName}.`,
          canWatch: true,
        });
        return;
      }
      try {
        if (takeOver) await api.leaveLivestream(livestreamId, namedUser);
        const request: JoinRequest = { role: role === 'host' ? 'HOST' : 'VIEWER' };
        const answer = await api.joinLivestream(
          livestreamId,
          namedUser === undefined ? request : { userId: namedUser, displayName: identity.displayName, ...request },
        );
        seated.current = true;
        seatChannel.current?.postMessage({ livestreamId, userId: identity.userId, tabId } satisfies SeatMessage);
        if (disposed.current) {
          void release(true);
          return;
        }
        setSession({ phase: 'joined', livestream, join: answer });
      } catch (error) {
        if (isApiError(error) && error.status === 409) {
          setSession({ phase: 'conflict', livestream, message: error.message });
        } else if (isApiError(error) && (error.status === 403 || error.status === 400)) {
          setSession({
            phase: 'unavailable',
            livestream,
            title: 'Cannot join',
            message: error.message,
            canWatch: error.status === 403 && role === 'host',
          });
        } else {
          setSession({ phase: 'failed', livestream, message: errorMessage(error) });
        }
      }
    },
    [livestreamId, role, identity.userId, identity.displayName, namedUser, release, tabId],
  );

  // Join once per mount. React's development double mount runs cleanup then setup again at
  // once: the release is deferred by a tick and cancelled by that second setup.
  useEffect(() => {
    if (pendingRelease.current !== undefined) {
      clearTimeout(pendingRelease.current);
      pendingRelease.current = undefined;
    }
    if (!started.current) {
      started.current = true;
      void join(false);
    }
    const onPageHide = () => void release(true);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      pendingRelease.current = setTimeout(() => {
        disposed.current = true;
        void release(true);
      }, 0);
    };
  }, [join, release]);

  const retry = useCallback((takeOver = false) => void join(takeOver), [join]);

  const leave = useCallback(async () => {
    await release(false);
    setSession((current) => ({ phase: 'left', livestream: current.livestream }));
  }, [release]);

  const markEnded = useCallback((livestream?: Livestream) => {
    seated.current = false;
    // The room is gone, and everyone in it with the room.
    presence.current = null;
    setSession((current) => ({ phase: 'ended', livestream: livestream ?? current.livestream }));
  }, []);

  // Announce once per join, as soon as both the join and the health report are in.
  useEffect(() => {
    if (session.phase !== 'joined' || simulatedMedia !== true) return;
    const { join, livestream } = session;
    if (announcedFor.current === join.token) return;
    announcedFor.current = join.token;
    announcing.current = true;
    withdrawOnArrival.current = false;
    setPresenceStatus('announcing');
    announcePresence(join, livestream.roomName)
      .then((announced) => {
        announcing.current = false;
        if (withdrawOnArrival.current) {
          withdrawOnArrival.current = false;
          void withdrawPresence(announced, { keepalive: true });
          return;
        }
        // Moved to another tab (same identity, its presence now) or ended: nothing of ours to keep.
        if (!seated.current) return;
        presence.current = announced;
        setPresenceStatus('connected');
      })
      .catch(() => {
        announcing.current = false;
        setPresenceStatus('failed');
      });
  }, [session, simulatedMedia]);

  return { session, retry, leave, markEnded, presence: presenceStatus };
}
