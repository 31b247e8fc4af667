// The chat beside the video: a virtualized list (thousands of messages stay cheap), a "new
// messages" indicator when the reader has scrolled up, the slow-mode countdown, and for the host
// and moderators a delete / time-out / ban menu on each message. Text is rendered as text (React
// escapes it; no HTML is ever interpreted).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import type { ChatMessage } from '../api/types';
import { Button } from '../ui/Button';
import type { ChatState } from './useChat';

interface ChatPanelProps {
  chat: ChatState;
  /** The host or a moderator: may delete anyone's message and act on its author. */
  moderates: boolean;
  /** Time out or ban the author of a message. */
  onModerate: (action: 'moderation/timeout' | 'moderation/ban', message: ChatMessage) => void;
  maxLength?: number;
}

export function ChatPanel({ chat, moderates, onModerate, maxLength = 500 }: ChatPanelProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const seen = useRef(chat.messages.length);
  const virtualizer = useVirtualizer({
    count: chat.messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 52,
    // A first window before the element is measured (and where layout is not computed, in tests).
    initialRect: { width: 320, height: 400 },
    overscan: 12,
    getItemKey: (index) => chat.messages[index]?.id ?? index,
  });

  // Follow new messages while the reader is at the bottom; count them otherwise.
  useLayoutEffect(() => {
    const added = chat.messages.length - seen.current;
    seen.current = chat.messages.length;
    if (added <= 0) return;
    if (atBottom) virtualizer.scrollToIndex(chat.messages.length - 1, { align: 'end' });
    else setUnseen((n) => n + added);
  }, [chat.messages.length, atBottom, virtualizer]);

  useEffect(() => {
    if (atBottom) setUnseen(0);
  }, [atBottom]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    setAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight < 40);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim();
    if (!value || sending || chat.cooldown > 0) return;
    setSending(true);
    if (await chat.send(value)) setText('');
    setSending(false);
  };

  return (
    <section className="flex h-[28rem] flex-col rounded-2xl border border-slate-200 bg-white" aria-label="Chat" data-testid="chat-panel">
      <h2 className="border-b border-slate-100 px-4 py-2 text-sm font-semibold text-slate-900">Chat</h2>
      <div ref={scroller} onScroll={onScroll} className="relative min-h-0 flex-1 overflow-y-auto px-2" data-testid="chat-messages">
        {chat.hasOlder && (
          <button type="button" className="w-full py-1 text-xs text-indigo-700 hover:underline" onClick={() => void chat.loadOlder()}>
            Earlier messages
          </button>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const m = chat.messages[item.index];
            if (!m) return null;
            const own = chat.mine.has(m.id);
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="group absolute left-0 w-full px-2 py-1"
                style={{ transform: `translateY(${item.start}px)` }}
                data-testid="chat-message"
              >
                <div className="flex items-start gap-2">
                  <p className="min-w-0 flex-1 text-sm break-words whitespace-pre-wrap text-slate-800">
                    <span className="font-semibold text-slate-900">{m.displayName}</span> {m.text}
                  </p>
                  {(moderates || own) && (
                    <span className="flex shrink-0 gap-1 opacity-70 group-hover:opacity-100">
                      <button type="button" className="text-xs text-rose-700 hover:underline" onClick={() => void chat.remove(m.id)} aria-label={`Delete message from ${m.displayName}`}>
                        Delete
                      </button>
                      {moderates && !own && (
                        <>
                          <button type="button" className="text-xs text-amber-700 hover:underline" onClick={() => onModerate('moderation/timeout', m)}>
                            Time out
                          </button>
                          <button type="button" className="text-xs text-rose-800 hover:underline" onClick={() => onModerate('moderation/ban', m)}>
                            Ban
                          </button>
                        </>
                      )}
                    </span>
                  )}
                </div>
              </div>
            );
          })}
        </div>
        {chat.messages.length === 0 && <p className="py-6 text-center text-sm text-slate-500">No messages yet.</p>}
      </div>
      {unseen > 0 && (
        <button
          type="button"
          className="mx-auto -mt-9 mb-2 rounded-full bg-indigo-600 px-3 py-1 text-xs font-semibold text-white shadow"
          onClick={() => virtualizer.scrollToIndex(chat.messages.length - 1, { align: 'end' })}
          data-testid="chat-new-messages"
        >
          {unseen} new {unseen === 1 ? 'message' : 'messages'}
        </button>
      )}
      {chat.notice && (
        <p className="px-4 pb-1 text-xs text-rose-800" role="status" data-testid="chat-notice">
          {chat.notice}
        </p>
      )}
      <form className="flex gap-2 border-t border-slate-100 p-2" onSubmit={(e) => void submit(e)}>
        <label className="sr-only" htmlFor="chat-input">
          Message
        </label>
        <input
          id="chat-input"
          className="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-1.5 text-sm"
          value={text}
          maxLength={maxLength}
          disabled={chat.banned}
          placeholder={chat.banned ? 'You are banned' : 'Say something…'}
          onChange={(e) => setText(e.target.value)}
          data-testid="chat-input"
        />
        <Button type="submit" disabled={sending || chat.banned || chat.cooldown > 0 || !text.trim()} data-testid="chat-send">
          {chat.cooldown > 0 ? `Wait ${chat.cooldown}s` : 'Send'}
        </Button>
      </form>
    </section>
  );
}
