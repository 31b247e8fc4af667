// Admin API keys: the list (prefix, scopes, last use), a new key shown once with a copy button
// and gone once the dialog closes, revoking after confirmation.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { adminApi, type ApiKeyInfo } from '../../src/api/admin';
import { ApiKeysPanel } from '../../src/admin/ApiKeysPanel';
import { jsonResponse } from '../support/fixtures';

const SECRET = 'lso_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function key(overrides: Partial<ApiKeyInfo> = {}): ApiKeyInfo {
  return {
    id: 'k1',
    name: 'ci',
    prefix: 'lso_abcdefgh',
    scopes: ['read', 'write'],
    createdAt: '2026-01-02T10:00:00.000Z',
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

function setup(keys: ApiKeyInfo[] = [key()]) {
  const client = {
    listApiKeys: vi.fn().mockResolvedValue(keys),
    createApiKey: vi.fn().mockResolvedValue({ key: SECRET, apiKey: key({ id: 'k2', name: 'backend', prefix: 'lso_AAAAAAAA', scopes: ['read', 'act-as'] }) }),
    revokeApiKey: vi.fn().mockResolvedValue(undefined),
  };
  render(<ApiKeysPanel client={client} />);
  return { client, user: userEvent.setup() };
}

describe('ApiKeysPanel', () => {
  it('lists keys by prefix with their scopes and last use', async () => {
    setup([key(), key({ id: 'k3', name: 'old', lastUsedAt: '2026-01-03T10:00:00.000Z', revokedAt: '2026-01-04T10:00:00.000Z' })]);
    const table = await screen.findByRole('table', { name: 'API keys' });
    const rows = within(table).getAllByTestId('api-key-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0] as HTMLElement).getByText('lso_abcdefgh…')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).getByRole('list', { name: 'Scopes of ci' }).textContent).toBe('readwrite');
    expect(within(rows[0] as HTMLElement).getByText('never')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText(/revoked/)).toBeTruthy();
    expect(within(rows[1] as HTMLElement).queryByRole('button', { name: /Revoke/ })).toBeNull();
  });

  it('shows a new key once, with a copy button, and forgets it when the dialog closes', async () => {
    // user-event puts a clipboard stub in place of the browser's.
    const { client, user } = setup();
    await screen.findByRole('table', { name: 'API keys' });

    await user.type(screen.getByLabelText('Key name'), 'backend');
    await user.click(screen.getByRole('checkbox', { name: 'act-as' }));
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    expect(client.createApiKey).toHaveBeenCalledWith('backend', ['read', 'act-as']);
    const dialog = await screen.findByRole('dialog', { name: /API key “backend” created/ });
    expect(within(dialog).getByText('Copy the key now: it is shown only this once.')).toBeTruthy();
    expect((within(dialog).getByTestId('new-api-key') as HTMLInputElement).value).toBe(SECRET);
    await user.click(within(dialog).getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(await within(dialog).findByText('Copied to the clipboard.')).toBeTruthy();

    await user.click(within(dialog).getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByDisplayValue(SECRET)).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
    expect(screen.getAllByTestId('api-key-row')).toHaveLength(2);
  });

  it('needs a name and at least one scope', async () => {
    const { client, user } = setup();
    await screen.findByRole('table', { name: 'API keys' });
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(screen.getByText(/Give the key a name/)).toBeTruthy();
    await user.type(screen.getByLabelText('Key name'), 'x');
    await user.click(screen.getByRole('checkbox', { name: 'read' }));
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(screen.getByText('Choose at least one scope')).toBeTruthy();
    expect(client.createApiKey).not.toHaveBeenCalled();
  });

  it('revokes a key only after confirmation', async () => {
    const { client, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Revoke ci' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke “ci”?' });
    expect(client.revokeApiKey).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    expect(client.revokeApiKey).toHaveBeenCalledWith('k1');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByText(/revoked/)).toBeTruthy();
  });
});

describe('adminApi.createApiKey', () => {
  it('reads the key from either answer shape, scopes as a list or a string', async () => {
    const fetchMock = vi.fn<typeof fetch>();
    vi.stubGlobal('fetch', fetchMock);
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ success: true, data: { id: 'k', name: 'a', prefix: 'lso_x', scopes: 'read,admin', key: SECRET } }, 201))
      .mockResolvedValueOnce(jsonResponse({ success: true, data: { apiKey: { id: 'k', name: 'b', prefix: 'lso_y', scopes: ['write'] }, key: SECRET } }, 201));
    await expect(adminApi.createApiKey('a', ['read', 'admin'])).resolves.toMatchObject({ key: SECRET, apiKey: { name: 'a', scopes: ['read', 'admin'] } });
    await expect(adminApi.createApiKey('b', ['write'])).resolves.toMatchObject({ key: SECRET, apiKey: { name: 'b', scopes: ['write'] } });
    expect(JSON.parse(String(fetchMock.mock.calls[0]?.[1]?.body))).toEqual({ name: 'a', scopes: ['read', 'admin'] });
  });
});
