// The chat panel: text is shown as text (never HTML), moderators get the per-message actions,
// viewers only on their own messages, the countdown disables sending.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../src/api/types';
import { ChatPanel } from '../../src/room/ChatPanel';
import type { ChatState } from '../../src/room/useChat';

function message(id: string, text: string, displayName = 'Bob'): ChatMessage {
  return { id, livestreamId: 'ls', userId: null, displayName, text, createdAt: `2026-12-03T10:00:0${id}.000Z`, clientMessageId: null };
}

function chat(overrides: Partial<ChatState> = {}): ChatState {
  return {
    messages: [message('1', '<img src=x onerror="alert(1)"> hello'), message('2', 'mine', 'Me')],
    hasOlder: false,
    loadOlder: vi.fn(async () => undefined),
    send: vi.fn(async () => true),
    remove: vi.fn(async () => undefined),
    cooldown: 0,
    notice: null,
    banned: false,
    mine: new Set(['2']),
    extras: {},
    ...overrides,
  };
}

// happy-dom lays nothing out: give elements a size so the virtualized list has a window.
beforeAll(() => {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
    x: 0, y: 0, top: 0, left: 0, bottom: 400, right: 320, width: 320, height: 400, toJSON: () => ({}),
  } as DOMRect);
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 320 });
});

describe('ChatPanel', () => {
  it('renders markup as text and offers delete only on the reader\'s own messages to a viewer', () => {
    const { container } = render(<ChatPanel chat={chat()} moderates={false} onModerate={vi.fn()} />);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText(/<img src=x onerror="alert\(1\)"> hello/)).toBeTruthy();
    const rows = screen.getAllByTestId('chat-message');
    expect(within(rows[0]!).queryByText('Delete')).toBeNull();
    expect(within(rows[1]!).getByText('Delete')).toBeTruthy();
  });

  it('gives moderators delete, time out and ban on others\' messages', async () => {
    const onModerate = vi.fn();
    const state = chat();
    render(<ChatPanel chat={state} moderates onModerate={onModerate} />);
    const first = screen.getAllByTestId('chat-message')[0]!;
    await userEvent.setup().click(within(first).getByText('Ban'));
    expect(onModerate).toHaveBeenCalledWith('moderation/ban', state.messages[0]);
    await userEvent.setup().click(within(first).getByText('Delete'));
    expect(state.remove).toHaveBeenCalledWith('1');
  });

  it('sends trimmed text and waits out the slow mode', async () => {
    const state = chat();
    const { rerender } = render(<ChatPanel chat={state} moderates={false} onModerate={vi.fn()} />);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('chat-input'), '  hi there  ');
    await user.click(screen.getByTestId('chat-send'));
    expect(state.send).toHaveBeenCalledWith('hi there');
    rerender(<ChatPanel chat={chat({ cooldown: 7, notice: 'Slow mode: one message every 30 s' })} moderates={false} onModerate={vi.fn()} />);
    const button = screen.getByTestId('chat-send') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.textContent).toBe('Wait 7s');
    expect(screen.getByTestId('chat-notice').textContent).toContain('Slow mode');
  });
});
