// Livestream card: what it shows and which actions each user gets.
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Livestream, StreamState } from '../../src/api/types';
import { LivestreamCard } from '../../src/livestreams/LivestreamCard';
import { jsonResponse, livestream, person, stateWithPeople, streamState } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  fetchMock.mockResolvedValue(jsonResponse({ success: true, data: [], count: 0 }));
  vi.stubGlobal('fetch', fetchMock);
});

interface CardProps {
  livestream?: Livestream;
  state?: StreamState;
  currentUserId?: string | null;
  admin?: boolean;
  identityInBodies?: boolean;
  endLivestream?: () => Promise<Livestream>;
}

function renderCard(props: CardProps) {
  const onChanged = vi.fn();
  render(
    <LivestreamCard
      livestream={props.livestream ?? livestream()}
      state={props.state}
      currentUserId={props.currentUserId === undefined ? 'bob' : props.currentUserId}
      admin={props.admin ?? false}
      identityInBodies={props.identityInBodies ?? true}
      onChanged={onChanged}
      {...(props.endLivestream ? { endLivestream: props.endLivestream } : {})}
    />,
  );
  return { onChanged, card: screen.getByTestId('livestream-card') };
}

describe('LivestreamCard', () => {
  it('shows title, description, status, creator and room', () => {
    const { card } = renderCard({});
    expect(within(card).getByRole('heading', { name: 'Morning show' })).toBeTruthy();
    expect(within(card).getByText('Coffee and news')).toBeTruthy();
    expect(within(card).getByTestId('status-badge').textContent).toBe('LIVE');
    expect(within(card).getByText('alice')).toBeTruthy();
    expect(within(card).getByText('morning-show')).toBeTruthy();
  });

  it('shows the live viewer count and participants by display name from the pushed state', () => {
    renderCard({
      state: stateWithPeople(
        [person({ userId: 'alice', displayName: 'Alice', role: 'HOST' }), person({ userId: 'v1', displayName: 'Victor' })],
        { viewerCount: 6, peakViewerCount: 7, hostInfo: { userId: 'alice', displayName: 'Alice' } },
      ),
    });
    expect(screen.getByTestId('viewer-count').textContent).toMatch(/6\s*viewers watching/);
    const list = screen.getByRole('list', { name: 'Participants' });
    expect(within(list).getByText('Alice')).toBeTruthy();
    expect(within(list).getByText('host')).toBeTruthy();
    expect(within(list).getByText('Victor')).toBeTruthy();
    // Names come with the state: nothing is read.
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('writes large counts with separators', () => {
    renderCard({ state: streamState({ viewerCount: 1204 }) });
    expect(screen.getByTestId('viewer-count').textContent).toMatch(/1,204\s*viewers watching/);
  });

  it('says "1 viewer" in the singular', () => {
    renderCard({ state: streamState({ viewerCount: 1 }) });
    expect(screen.getByTestId('viewer-count').textContent).toMatch(/1\s*viewer watching/);
  });

  it('offers Watch to a viewer, and neither host nor end actions', () => {
    renderCard({ currentUserId: 'bob' });
    const watch = screen.getByRole('link', { name: 'Watch' });
    expect(watch.getAttribute('href')).toBe('/livestreams/7d1f6c2e-0000-4000-8000-000000000001/room?role=viewer');
    expect(screen.queryByRole('link', { name: 'Join as host' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'End stream' })).toBeNull();
  });

  it('offers Join as host and End stream to the creator', () => {
    renderCard({ currentUserId: 'alice' });
    expect(screen.getByRole('link', { name: 'Join as host' }).getAttribute('href')).toMatch(/role=host$/);
    expect(screen.getByRole('button', { name: 'End stream' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Watch' })).toBeNull();
  });

  it('offers nothing to join on an ENDED livestream, and no End stream even to its creator', () => {
    renderCard({ currentUserId: 'alice', livestream: livestream({ status: 'ENDED', endedAt: '2026-01-02T11:00:00.000Z' }) });
    expect(screen.queryByRole('link', { name: /Join as host|Watch/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'End stream' })).toBeNull();
    expect(screen.getByText('Ended')).toBeTruthy();
    expect(screen.queryByTestId('viewer-count')).toBeNull();
    expect(screen.getByRole('link', { name: 'Audience summary' }).getAttribute('href')).toMatch(/\/room\?role=host$/);
  });

  it('sums up an ENDED livestream: duration, peak and viewers in total, in the singular where it applies', () => {
    renderCard({
      livestream: livestream({
        status: 'ENDED',
        startedAt: '2026-01-02T10:00:00.000Z',
        endedAt: '2026-01-02T11:02:05.000Z',
        peakViewerCount: 1,
        peakAt: '2026-01-02T10:30:00.000Z',
        totalViewers: 1,
      }),
    });
    expect(screen.getByTestId('summary-duration').textContent).toBe('1 h 2 min');
    expect(screen.getByTestId('summary-peak').textContent).toBe('1 viewer');
    expect(screen.getByTestId('summary-unique-viewers').textContent).toBe('1 viewer in total');
  });

  it('takes the larger figures from the last pushed state when room_ended came before the record', () => {
    renderCard({
      livestream: livestream({ status: 'ENDED', endedAt: null, peakViewerCount: 2, totalViewers: 2 }),
      state: streamState({ status: 'ENDED', peakViewerCount: 5, totalViewers: 6, endedAt: '2026-01-02T10:10:01.000Z' }),
    });
    expect(screen.getByTestId('summary-peak').textContent).toBe('5 viewers');
    expect(screen.getByTestId('summary-unique-viewers').textContent).toBe('6 viewers in total');
    expect(screen.getByTestId('summary-duration').textContent).toBe('10 min');
  });

  it('lets the creator end a SCHEDULED livestream but not join it', () => {
    renderCard({ currentUserId: 'alice', livestream: livestream({ status: 'SCHEDULED', startedAt: null }) });
    expect(screen.queryByRole('link', { name: 'Join as host' })).toBeNull();
    expect(screen.getByRole('button', { name: 'End stream' })).toBeTruthy();
    expect(screen.getByText('Created')).toBeTruthy();
  });

  it('ends the livestream after confirmation and reports the ended record', async () => {
    const ended = livestream({ status: 'ENDED' });
    const endLivestream = vi.fn().mockResolvedValue(ended);
    const { onChanged } = renderCard({ currentUserId: 'alice', endLivestream });
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'End stream' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'End stream' }));

    expect(endLivestream).toHaveBeenCalledWith('7d1f6c2e-0000-4000-8000-000000000001', 'alice');
    expect(onChanged).toHaveBeenCalledWith(ended);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps the dialog open with the error when ending fails', async () => {
    const endLivestream = vi.fn().mockRejectedValue(new Error('Only the creator can end this livestream'));
    const { onChanged } = renderCard({ currentUserId: 'alice', endLivestream });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'End stream' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'End stream' }));

    expect(await within(screen.getByRole('dialog')).findByText('Only the creator can end this livestream')).toBeTruthy();
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('says nobody is there for a live card with nobody in it', () => {
    renderCard({ state: streamState() });
    expect(screen.getByText('Nobody here yet')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('badges unlisted and private livestreams, not public ones', () => {
    renderCard({ livestream: livestream({ visibility: 'private' }) });
    expect(screen.getByTestId('visibility-badge').textContent).toBe('Private');
    cleanup();
    renderCard({ livestream: livestream({ visibility: 'unlisted' }) });
    expect(screen.getByTestId('visibility-badge').textContent).toBe('Unlisted');
    cleanup();
    renderCard({ livestream: livestream({ visibility: 'public' }) });
    expect(screen.queryByTestId('visibility-badge')).toBeNull();
  });

  it("shows the creator's display name when ids are hidden, and offers a signed-out visitor only Watch", () => {
    renderCard({ currentUserId: null, livestream: livestream({ createdBy: null, creatorName: 'Alice Liddell' }) });
    expect(screen.getByText('Alice Liddell')).toBeTruthy();
    expect(screen.queryByText('(you)')).toBeNull();
    expect(screen.getByRole('link', { name: 'Watch' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'End stream' })).toBeNull();
  });

  it("lets an admin end someone else's livestream, the session naming who asks", async () => {
    const endLivestream = vi.fn().mockResolvedValue(livestream({ status: 'ENDED' }));
    renderCard({ currentUserId: 'root', admin: true, identityInBodies: false, endLivestream });
    expect(screen.getByRole('link', { name: 'Watch' })).toBeTruthy();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'End stream' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'End stream' }));
    expect(endLivestream).toHaveBeenCalledWith('7d1f6c2e-0000-4000-8000-000000000001', undefined);
  });
});
