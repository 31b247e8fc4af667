// Create dialog: client-side validation blocks bad input, the server's message is shown inline.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/client';
import { CreateLivestreamDialog } from '../../src/livestreams/CreateLivestreamDialog';
import { livestream } from '../support/fixtures';

function setup(create = vi.fn().mockResolvedValue(livestream())) {
  const onCreated = vi.fn();
  const onClose = vi.fn();
  render(<CreateLivestreamDialog open createdBy="alice" onClose={onClose} onCreated={onCreated} create={create} />);
  return { create, onCreated, onClose, user: userEvent.setup() };
}

describe('CreateLivestreamDialog', () => {
  it('shows field errors and sends nothing when required fields are empty', async () => {
    const { create, user } = setup();
    await user.click(screen.getByRole('button', { name: 'Create livestream' }));

    expect(screen.getByText('Room name is required')).toBeTruthy();
    expect(screen.getByText('Title is required')).toBeTruthy();
    expect(screen.getByLabelText('Room name').getAttribute('aria-invalid')).toBe('true');
    expect(create).not.toHaveBeenCalled();
  });

  it('rejects an out-of-range number before sending', async () => {
    const { create, user } = setup();
    await user.type(screen.getByLabelText('Room name'), 'room');
    await user.type(screen.getByLabelText('Title'), 'Show');
    const max = screen.getByLabelText('Max participants');
    await user.clear(max);
    await user.type(max, '10001');
    await user.click(screen.getByRole('button', { name: 'Create livestream' }));

    expect(screen.getByText('Enter a whole number from 1 to 10000')).toBeTruthy();
    expect(create).not.toHaveBeenCalled();
  });

  it('previews the sanitised room name', async () => {
    const { user } = setup();
    await user.type(screen.getByLabelText('Room name'), 'Friday Night Live!');
    expect(screen.getByTestId('room-name-preview').textContent).toBe('friday-night-live');
  });

  it('sends a valid form with the current user as creator and reports the new livestream', async () => {
    const { create, onCreated, onClose, user } = setup();
    await user.type(screen.getByLabelText('Room name'), 'Friday Night');
    await user.type(screen.getByLabelText('Title'), 'Friday show');
    await user.type(screen.getByLabelText(/Description/), 'Music');
    await user.click(screen.getByRole('button', { name: 'Create livestream' }));

    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(1));
    expect(create).toHaveBeenCalledWith({
      roomName: 'Friday Night',
      title: 'Friday show',
      description: 'Music',
      createdBy: 'alice',
      maxParticipants: 100,
      emptyTimeout: 86400,
      visibility: 'public',
    });
    expect(onClose).toHaveBeenCalled();
  });

  it("shows the server's message inline and stays open when the server refuses", async () => {
    const create = vi.fn().mockRejectedValue(new ApiError("Room 'x' already has an active livestream", 409, 'ConflictError'));
    const { onCreated, onClose, user } = setup(create);
    await user.type(screen.getByLabelText('Room name'), 'x');
    await user.type(screen.getByLabelText('Title'), 'Show');
    await user.click(screen.getByRole('button', { name: 'Create livestream' }));

    expect(await screen.findByText("Room 'x' already has an active livestream")).toBeTruthy();
    expect(onCreated).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('closes on Escape', async () => {
    const { onClose, user } = setup();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });

  it('explains each visibility and sends the chosen one', async () => {
    const { create, user } = setup();
    expect(screen.getByRole('radio', { name: 'Public' })).toHaveProperty('checked', true);
    expect(screen.getByText(/signed-out visitors can watch as guests/)).toBeTruthy();
    expect(screen.getByText(/signed-in people with the link can watch/)).toBeTruthy();
    expect(screen.getByText(/Only you, admins and the people you invite/)).toBeTruthy();

    await user.click(screen.getByRole('radio', { name: 'Private' }));
    await user.type(screen.getByLabelText('Room name'), 'secret');
    await user.type(screen.getByLabelText('Title'), 'Secret show');
    await user.click(screen.getByRole('button', { name: 'Create livestream' }));

    await waitFor(() => expect(create).toHaveBeenCalledTimes(1));
    expect(create.mock.calls[0]?.[0]).toMatchObject({ visibility: 'private', createdBy: 'alice' });
  });

  it('leaves the creator out of the request when signed in, and names the user by display name', async () => {
    const create = vi.fn().mockResolvedValue(livestream());
    render(<CreateLivestreamDialog open creatorName="Alice Liddell" onClose={vi.fn()} onCreated={vi.fn()} create={create} />);
    const user = userEvent.setup();
    expect(screen.getByText('Alice Liddell')).toBeTruthy();
    await user.type(screen.getByLabelText('Room name'), 'room');
    await user.type(screen.getByLabelText('Title'), 'Show');
    await user.click(screen.getByRole('radio', { name: 'Unlisted' }));
    await user.click(screen.getByRole('button', { name: 'Create livestream' }));

    await waitFor(() => expect(create).toHaveBeenCalledTimes(1));
    expect(create.mock.calls[0]?.[0]).not.toHaveProperty('createdBy');
    expect(create.mock.calls[0]?.[0]).toMatchObject({ visibility: 'unlisted' });
  });
});
