// Calls of the admin API: accounts (/users), API keys (/api-keys) and the audit log (/audit).
// Answers are normalised here so the admin views read one shape.
import { API_BASE, buildQuery, call, callPage, send } from './client';

export const USERS_MAX = 500;

export const API_KEY_SCOPES = ['read', 'write', 'admin', 'act-as'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface UserAccount {
  id: string;
  displayName: string;
  admin: boolean;
  disabled: boolean;
  createdAt?: string;
}

export interface CreateUserRequest {
  username: string;
  password: string;
  displayName?: string;
  admin?: boolean;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** "lso_" and the first characters of the key: enough to recognise it, useless to use it. */
  prefix: string;
  scopes: string[];
  createdAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A new key: `key` is the whole secret, which the server never shows again. */
export interface CreatedApiKey {
  key: string;
  apiKey: ApiKeyInfo;
}

export interface AuditEntry {
  id: number;
  at: string;
  action: string;
  principal: string;
  ip: string;
  target: string;
  outcome: string;
  details: unknown;
}

export interface AuditQuery {
  limit: number;
  before?: number;
  action?: string;
}

type Json = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Scopes arrive as a list or as "read,write". */
function scopesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

export function toApiKeyInfo(raw: Json): ApiKeyInfo {
  return {
    id: String(raw.id ?? ''),
    name: text(raw.name) ?? '',
    prefix: text(raw.prefix) ?? '',
    scopes: scopesOf(raw.scopes),
    createdAt: text(raw.createdAt),
    lastUsedAt: text(raw.lastUsedAt),
    revokedAt: text(raw.revokedAt),
  };
}

function toUser(raw: Json): UserAccount {
  const id = text(raw.id) ?? text(raw.username) ?? '';
  return {
    id,
    displayName: text(raw.displayName) ?? id,
    admin: raw.admin === true,
    disabled: raw.disabled === true,
    ...(text(raw.createdAt) ? { createdAt: text(raw.createdAt) as string } : {}),
  };
}

/** The user record of an answer that is the user itself or wraps it as `user`. */
const unwrapUser = (raw: Json): UserAccount => toUser(typeof raw.user === 'object' && raw.user !== null ? (raw.user as Json) : raw);

export const adminApi = {
  /** The first USERS_MAX accounts (the server's largest page): the admin page shows them in one table. */
  async listUsers(signal?: AbortSignal): Promise<UserAccount[]> {
    return (await callPage<Json>(`${API_BASE}/users${buildQuery({ limit: USERS_MAX })}`, signal)).items.map(toUser);
  },

  async createUser(request: CreateUserRequest): Promise<UserAccount> {
    return unwrapUser(await call<Json>('POST', `${API_BASE}/users`, { body: request }));
  },

  async updateUser(id: string, change: { admin?: boolean; disabled?: boolean }): Promise<UserAccount> {
    return unwrapUser(await call<Json>('PATCH', `${API_BASE}/users/${encodeURIComponent(id)}`, { body: change }));
  },

  async listApiKeys(signal?: AbortSignal): Promise<ApiKeyInfo[]> {
    return (await callPage<Json>(`${API_BASE}/api-keys`, signal)).items.map(toApiKeyInfo);
  },

  /** The answer holds the key once: `{…key record, key}` or `{apiKey: {…}, key}`. */
  async createApiKey(name: string, scopes: string[]): Promise<CreatedApiKey> {
    const data = await call<Json>('POST', `${API_BASE}/api-keys`, { body: { name, scopes } });
    const record = typeof data.apiKey === 'object' && data.apiKey !== null ? (data.apiKey as Json) : data;
    return { key: text(data.key) ?? '', apiKey: toApiKeyInfo(record) };
  },

  async revokeApiKey(id: string): Promise<void> {
    await send('DELETE', `${API_BASE}/api-keys/${encodeURIComponent(id)}`);
  },

  /** Newest first; the next page is `before` the last entry's id. */
  async listAudit(query: AuditQuery, signal?: AbortSignal): Promise<AuditEntry[]> {
    const qs = buildQuery({ limit: query.limit, before: query.before, action: query.action });
    return (await callPage<AuditEntry>(`${API_BASE}/audit${qs}`, signal)).items;
  },
};
