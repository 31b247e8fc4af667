// The chat of one livestream: history (paged backwards), live messages and deletions from the
// livestream's SSE stream, and posting with a client message id so a retry never doubles a
// message. Limits (429) become a countdown; a ban or timeout becomes a notice.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, isApiError, errorMessage } from '../api/client';
import type { ChatMessage } from '../api/types';
import type { Actor } from '../auth/actor';
import type { LivestreamExtras } from '../sse/useLivestreamEvents';

export interface ChatState {
  messages: ChatMessage[];
  /** More history before the first message. */
  hasOlder: boolean;
  loadOlder: () => Promise<void>;
  send: (text: string) => Promise<boolean>;
  remove: (messageId: string) => Promise<void>;
  /** Seconds until the next message may go (slow mode, rate limit, timeout); 0 when none. */
  cooldown: number;
  /** A ban, a closed chat or a refused post, in words. */
  notice: string | null;
  banned: boolean;
  /** Ids of messages this page posted (its author may delete them). */
  mine: Set<string>;
  extras: LivestreamExtras;
}

function isChatMessage(value: unknown): value is ChatMessage {
  const m = value as ChatMessage;
  return typeof m === 'object' && m !== null && typeof m.id === 'string' && typeof m.text === 'string' && typeof m.displayName === 'string';
}

/** Merges by id, in time order (ties by id, as the server pages). */
function merge(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
}

export function useChat(livestreamId: string, actor: Actor, enabled: boolean): ChatState {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [notice, setNotice] = useState<string | null>(null);
  const [banned, setBanned] = useState(false);
  const [mine, setMine] = useState<Set<string>>(() => new Set());
  const deleted = useRef(new Set<string>());

  const reload = useCallback(async () => {
    const page = await api.listChat(livestreamId);
    setMessages((current) => merge(current, page.items.filter((m) => !deleted.current.has(m.id))));
    setHasOlder(page.items.length >= 100);
  }, [livestreamId]);

  useEffect(() => {
    if (!enabled) return;
    reload().catch((error: unknown) => setNotice(errorMessage(error)));
  }, [enabled, reload]);

  // The countdown ticks once a second while there is one.
  useEffect(() => {
    if (until <= now) return undefined;
    const timer = setTimeout(() => setNow(Date.now()), 1000);
    return () => clearTimeout(timer);
  }, [until, now]);

  const loadOlder = useCallback(async () => {
    const first = messages[0];
    if (!first) return;
    const page = await api.listChat(livestreamId, first.id);
    setMessages((current) => merge(current, page.items));
    setHasOlder(page.items.length >= 100);
  }, [livestreamId, messages]);

  const send = useCallback(
    async (text: string) => {
      const clientMessageId = crypto.randomUUID();
      const body = actor.inBodies ? { text, clientMessageId, userId: actor.userId, displayName: actor.displayName } : { text, clientMessageId };
      for (let attempt = 0; ; attempt++) {
        try {
          const posted = await api.postChat(livestreamId, body);
          setMine((current) => new Set(current).add(posted.id));
          setMessages((current) => merge(current, [posted]));
          setNotice(null);
          return true;
        } catch (error) {
          // No answer: the same id again, so a message the server did store is not doubled.
          if (isApiError(error) && error.status === 0 && attempt < 2) continue;
          if (isApiError(error) && error.retryAfter !== null && (error.status === 429 || error.reason === 'timed_out')) {
            setUntil(Date.now() + error.retryAfter * 1000);
            setNow(Date.now());
            setNotice(error.reason === 'timed_out' ? 'You are timed out of this chat.' : error.message);
          } else if (isApiError(error) && error.reason === 'banned') {
            setBanned(true);
            setNotice('You are banned from this livestream.');
          } else {
            setNotice(errorMessage(error));
          }
          return false;
        }
      }
    },
    [livestreamId, actor],
  );

  const remove = useCallback(
    async (messageId: string) => {
      try {
        await api.deleteChat(livestreamId, messageId, actor.inBodies ? actor.userId : undefined);
        deleted.current.add(messageId);
        setMessages((current) => current.filter((m) => m.id !== messageId));
      } catch (error) {
        setNotice(errorMessage(error));
      }
    },
    [livestreamId, actor],
  );

  const extras = useMemo<LivestreamExtras>(
    () => ({
      chat_message: (data) => {
        if (isChatMessage(data) && !deleted.current.has(data.id)) setMessages((current) => merge(current, [data]));
      },
      chat_message_deleted: (data) => {
        const id = (data as { id?: unknown })?.id;
        if (typeof id !== 'string') return;
        deleted.current.add(id);
        setMessages((current) => current.filter((m) => m.id !== id));
      },
      reconnected: () => void reload().catch(() => undefined),
    }),
    [reload],
  );

  return { messages, hasOlder, loadOlder, send, remove, cooldown: Math.max(0, Math.ceil((until - now) / 1000)), notice, banned, mine, extras };
}
