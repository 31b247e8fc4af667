// Invite list of a private livestream: read, add by user id, remove.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Invite } from '../../src/api/types';
import { InviteManager } from '../../src/room/InviteManager';

function setup(initial: Invite[]) {
  let invites = [...initial];
  const client = {
    listInvites: vi.fn(async () => invites),
    addInvite: vi.fn(async (_id: string, userId: string) => {
      invites = [...invites, { userId }];
      return { userId };
    }),
    removeInvite: vi.fn(async (_id: string, userId: string) => {
      invites = invites.filter((i) => i.userId !== userId);
    }),
  };
  render(<InviteManager livestreamId="ls1" client={client} />);
  return { client, user: userEvent.setup() };
}

describe('InviteManager', () => {
  it('lists, adds and removes invited people', async () => {
    const { client, user } = setup([{ userId: 'bob', displayName: 'Bob' }]);
    const list = await screen.findByRole('list', { name: 'Invited people' });
    expect(within(list).getByText('bob')).toBeTruthy();

    await user.type(screen.getByLabelText('User ID to invite'), ' carol ');
    await user.click(screen.getByRole('button', { name: 'Invite' }));
    expect(client.addInvite).toHaveBeenCalledWith('ls1', 'carol');
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Invited people' })).getByText('carol')).toBeTruthy());

    await user.click(screen.getByRole('button', { name: 'Remove bob' }));
    expect(client.removeInvite).toHaveBeenCalledWith('ls1', 'bob');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Remove bob' })).toBeNull());
  });

  it('refuses an empty or repeated user id without asking the server', async () => {
    const { client, user } = setup([{ userId: 'bob' }]);
    await screen.findByRole('list', { name: 'Invited people' });
    await user.click(screen.getByRole('button', { name: 'Invite' }));
    expect(screen.getByRole('alert').textContent).toMatch(/Enter the user ID/);
    await user.type(screen.getByLabelText('User ID to invite'), 'bob');
    await user.click(screen.getByRole('button', { name: 'Invite' }));
    expect(screen.getByRole('alert').textContent).toBe('bob is already invited');
    expect(client.addInvite).not.toHaveBeenCalled();
  });
});
