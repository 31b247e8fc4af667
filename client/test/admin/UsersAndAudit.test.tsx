// Admin users and audit log: make admin / disable (with confirmation), create a user, and the
// audit log's newest-first pages ("Load more" asks for entries before the last id) and filter.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AuditEntry, UserAccount } from '../../src/api/admin';
import { AUDIT_PAGE, AuditPanel } from '../../src/admin/AuditPanel';
import { UsersPanel } from '../../src/admin/UsersPanel';

const account = (id: string, overrides: Partial<UserAccount> = {}): UserAccount => ({ id, displayName: id.toUpperCase(), admin: false, disabled: false, ...overrides });

describe('UsersPanel', () => {
  function setup() {
    const client = {
      listUsers: vi.fn().mockResolvedValue([account('alice', { admin: true }), account('bob')]),
      updateUser: vi.fn(async (id: string, change: { admin?: boolean; disabled?: boolean }) => ({ ...account(id), ...change })),
      createUser: vi.fn(async (request: { username: string; displayName?: string; admin?: boolean }) =>
        account(request.username, { displayName: request.displayName ?? request.username, admin: request.admin ?? false }),
      ),
    };
    render(<UsersPanel currentUserId="alice" client={client} />);
    return { client, user: userEvent.setup() };
  }

  it('makes a user admin, and disables one only after confirmation; never offers it for yourself', async () => {
    const { client, user } = setup();
    await screen.findByRole('table', { name: 'Users' });
    expect(screen.queryByRole('button', { name: 'Disable alice' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Make bob admin' }));
    expect(client.updateUser).toHaveBeenCalledWith('bob', { admin: true });
    expect(await screen.findByRole('button', { name: 'Remove admin from bob' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Disable bob' }));
    const dialog = screen.getByRole('dialog', { name: 'Disable bob?' });
    await user.click(within(dialog).getByRole('button', { name: 'Disable' }));
    expect(client.updateUser).toHaveBeenLastCalledWith('bob', { disabled: true });
    expect(await screen.findByRole('button', { name: 'Enable bob' })).toBeTruthy();
  });

  it('creates a user after checking the fields', async () => {
    const { client, user } = setup();
    await screen.findByRole('table', { name: 'Users' });
    const form = screen.getByRole('form', { name: 'Create a user' });
    await user.type(within(form).getByLabelText('Username'), 'Carol');
    await user.type(within(form).getByLabelText('Password'), 'short');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(within(form).getByText('Password must have at least 8 characters')).toBeTruthy();
    expect(client.createUser).not.toHaveBeenCalled();

    await user.type(within(form).getByLabelText('Password'), ' enough');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(client.createUser).toHaveBeenCalledWith({ username: 'carol', password: 'short enough', admin: false }));
    await waitFor(() => expect(screen.getAllByTestId('user-row')).toHaveLength(3));
  });
});

describe('AuditPanel', () => {
  const entry = (id: number, action = 'auth.login'): AuditEntry => ({
    id,
    at: '2026-01-02T10:00:00.000Z',
    action,
    principal: 'user:alice',
    ip: '127.0.0.1',
    target: '',
    outcome: 'ok',
    details: null,
  });

  it('shows entries newest first and loads the next page before the last id', async () => {
    const first = Array.from({ length: AUDIT_PAGE }, (_, i) => entry(1000 - i));
    const listAudit = vi.fn().mockResolvedValueOnce(first).mockResolvedValueOnce([entry(10), entry(9)]);
    render(<AuditPanel client={{ listAudit }} />);
    expect(await screen.findAllByTestId('audit-row')).toHaveLength(AUDIT_PAGE);
    expect(listAudit).toHaveBeenLastCalledWith({ limit: AUDIT_PAGE });

    await userEvent.setup().click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(AUDIT_PAGE + 2));
    expect(listAudit).toHaveBeenLastCalledWith({ limit: AUDIT_PAGE, before: 1000 - AUDIT_PAGE + 1 });
    // A short page is the last one.
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('filters by action', async () => {
    const listAudit = vi.fn().mockResolvedValueOnce([entry(2), entry(1)]).mockResolvedValueOnce([entry(3, 'apikey.create')]);
    render(<AuditPanel client={{ listAudit }} />);
    await screen.findAllByTestId('audit-row');
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Action'), 'apikey.create');
    await user.click(screen.getByRole('button', { name: 'Filter' }));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(1));
    expect(listAudit).toHaveBeenLastCalledWith({ limit: AUDIT_PAGE, action: 'apikey.create' });
    expect(screen.getByText('apikey.create')).toBeTruthy();
  });
});
