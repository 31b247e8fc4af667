// HTTP client of the orchestrator API: unwraps the {success, data} envelope and turns every
// failure (error envelope, non-JSON answer, network error) into one ApiError type. A 401 also
// tells the listeners (the auth context): the session is over, whatever the call was.
import { waitInWords } from '../format';
import type {
  AnalyticsQuery,
  ChatMessage,
  Member,
  ModerationEntry,
  ApiFailure,
  CreateLivestreamRequest,
  Health,
  Ingest,
  IngestType,
  Invite,
  JoinRequest,
  JoinResponse,
  ListLivestreamsQuery,
  ListParticipantsQuery,
  Livestream,
  LivestreamAnalytics,
  Page,
  Participant,
  Recording,
  StreamState,
} from './types';

export const API_BASE = '/api/v1';

/** Error codes the client adds to the server's (`ValidationError`, `ConflictError`, …). */
export const NETWORK_ERROR = 'NetworkError';
export const INVALID_RESPONSE = 'InvalidResponse';

export class ApiError extends Error {
  /** HTTP status, or 0 when no answer arrived. */
  readonly status: number;
  /** The envelope's `error` field, or NETWORK_ERROR / INVALID_RESPONSE. */
  readonly code: string;
  /** Seconds from a 429's Retry-After header, when given. */
  readonly retryAfter: number | null;
  /** The envelope's machine-readable `code` when it has one (`banned`, `slow_mode`, …). */
  readonly reason: string | null;

  constructor(message: string, status: number, code: string, retryAfter: number | null = null, reason: string | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.reason = reason;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** "Too many attempts. Try again in 2 minutes." from a 429's Retry-After (seconds). */
export function tooManyAttemptsMessage(retryAfter: number | null): string {
  return retryAfter === null ? 'Too many attempts. Try again later.' : `Too many attempts. Try again in ${waitInWords(retryAfter)}.`;
}

/** A message fit to show a user, whatever was thrown. */
export function errorMessage(error: unknown): string {
  // With Retry-After the wait is told in words; without, the server's own message stands.
  if (error instanceof ApiError && error.status === 429 && error.retryAfter !== null) return tooManyAttemptsMessage(error.retryAfter);
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong';
}

type QueryValue = string | number | undefined | null;

/** `?a=1&b=x` from the defined values, in the given order; '' when nothing is defined. */
export function buildQuery(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Lets a request outlive the page (leave on tab close). */
  keepalive?: boolean;
  /** The caller reads a 401 itself (sign-in, "who am I"): the listeners are not told. */
  handles401?: boolean;
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called on every 401 answer (signed out, session expired or revoked); returns the unsubscribe. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

function isFailureEnvelope(value: unknown): value is ApiFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { success?: unknown }).success === false &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function statusText(status: number): string {
  if (status === 429) return 'Too many requests; please wait a moment and try again';
  if (status === 502 || status === 503 || status === 504) return 'The server is unavailable right now';
  return `The server answered ${status}`;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends one request and returns the parsed body of a 2xx answer, or throws ApiError. */
export async function send(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;
  if (options.keepalive) init.keepalive = true;

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('Cannot reach the server; check your connection', 0, NETWORK_ERROR);
  }

  const body = await readJson(response);
  if (!response.ok) {
    if (response.status === 401 && !options.handles401) for (const listener of [...unauthorizedListeners]) listener();
    const retryHeader = response.headers.get('Retry-After');
    const retryAfter = retryHeader !== null && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
    if (isFailureEnvelope(body)) {
      const reason = typeof body.code === 'string' ? body.code : null;
      throw new ApiError(body.message, response.status, body.error || INVALID_RESPONSE, retryAfter, reason);
    }
    throw new ApiError(statusText(response.status), response.status, INVALID_RESPONSE, retryAfter);
  }
  return body;
}

/** Unwraps a success envelope; anything else is an INVALID_RESPONSE ApiError. */
function unwrap<T>(body: unknown, status = 200): { data: T; count: number | undefined } {
  if (typeof body === 'object' && body !== null && (body as { success?: unknown }).success === true) {
    const envelope = body as { data: T; count?: unknown };
    return { data: envelope.data, count: typeof envelope.count === 'number' ? envelope.count : undefined };
  }
  if (isFailureEnvelope(body)) throw new ApiError(body.message, body.statusCode || status, body.error);
  throw new ApiError('The server sent an unexpected answer', status, INVALID_RESPONSE);
}

export async function call<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
  return unwrap<T>(await send(method, path, options)).data;
}

export async function callPage<T>(path: string, signal?: AbortSignal): Promise<Page<T>> {
  const { data, count } = unwrap<T[]>(await send('GET', path, signal ? { signal } : {}));
  if (!Array.isArray(data)) throw new ApiError('The server sent an unexpected answer', 200, INVALID_RESPONSE);
  return { items: data, count: count ?? data.length };
}

const livestreamPath = (id: string) => `${API_BASE}/livestreams/${encodeURIComponent(id)}`;

export const api = {
  listLivestreams(query: ListLivestreamsQuery, signal?: AbortSignal): Promise<Page<Livestream>> {
    const qs = buildQuery({
      status: query.status,
      createdBy: query.createdBy,
      limit: query.limit,
      offset: query.offset,
    });
    return callPage<Livestream>(`${API_BASE}/livestreams${qs}`, signal);
  },

  getLivestream(id: string, signal?: AbortSignal): Promise<Livestream> {
    return call<Livestream>('GET', livestreamPath(id), signal ? { signal } : {});
  },

  createLivestream(request: CreateLivestreamRequest): Promise<Livestream> {
    return call<Livestream>('POST', `${API_BASE}/livestreams`, { body: request });
  },

  /**
   * Ends the livestream (the API calls it DELETE); its creator and admins may. The requesting
   * user is named in open mode only; signed in, the server takes it from the session.
   */
  endLivestream(id: string, requestingUserId?: string): Promise<Livestream> {
    return call<Livestream>('DELETE', livestreamPath(id), requestingUserId === undefined ? {} : { body: { requestingUserId } });
  },

  joinLivestream(id: string, request: JoinRequest): Promise<JoinResponse> {
    return call<JoinResponse>('POST', `${livestreamPath(id)}/join`, { body: request });
  },

  /** Leaves; `userId` is named in open mode only (signed in, the server knows who leaves). */
  async leaveLivestream(id: string, userId: string | undefined, options: { keepalive?: boolean } = {}): Promise<void> {
    const body = userId === undefined ? {} : { userId };
    await send('POST', `${livestreamPath(id)}/leave`, { body, keepalive: options.keepalive ?? false });
  },

  listParticipants(id: string, query: ListParticipantsQuery, signal?: AbortSignal): Promise<Page<Participant>> {
    const qs = buildQuery({ status: query.status, role: query.role, limit: query.limit, offset: query.offset });
    return callPage<Participant>(`${livestreamPath(id)}/participants${qs}`, signal);
  },

  getState(id: string): Promise<StreamState> {
    return call<StreamState>('GET', `${livestreamPath(id)}/state`);
  },

  /**
   * Concurrent viewers over time and the audience summary (its creator and admins; everyone in
   * open mode). Without a query: the whole livestream at the resolution the server picks.
   */
  getAnalytics(id: string, query: AnalyticsQuery = {}, signal?: AbortSignal): Promise<LivestreamAnalytics> {
    const qs = buildQuery({ from: query.from, to: query.to, resolution: query.resolution });
    return call<LivestreamAnalytics>('GET', `${livestreamPath(id)}/analytics${qs}`, signal ? { signal } : {});
  },

  /** A private livestream's invite list (its creator and admins). */
  async listInvites(id: string, signal?: AbortSignal): Promise<Invite[]> {
    const page = await callPage<Invite | string>(`${livestreamPath(id)}/invites`, signal);
    // Tolerates a bare list of user ids.
    return page.items.map((item) => (typeof item === 'string' ? { userId: item } : item));
  },

  addInvite(id: string, userId: string): Promise<unknown> {
    return call<unknown>('POST', `${livestreamPath(id)}/invites`, { body: { userId } });
  },

  async removeInvite(id: string, userId: string): Promise<void> {
    await send('DELETE', `${livestreamPath(id)}/invites/${encodeURIComponent(userId)}`);
  },

  // --- chat, moderation and the stage; `requestingUserId` only in open mode ---

  postChat(id: string, body: { text: string; clientMessageId: string; userId?: string; displayName?: string }): Promise<ChatMessage> {
    return call<ChatMessage>('POST', `${livestreamPath(id)}/chat`, { body });
  },

  listChat(id: string, before?: string, signal?: AbortSignal): Promise<Page<ChatMessage>> {
    return callPage<ChatMessage>(`${livestreamPath(id)}/chat${buildQuery({ before, limit: 100 })}`, signal);
  },

  async deleteChat(id: string, messageId: string, requestingUserId?: string): Promise<void> {
    await send('DELETE', `${livestreamPath(id)}/chat/${encodeURIComponent(messageId)}`, {
      body: requestingUserId === undefined ? {} : { requestingUserId },
    });
  },

  /** One of the moderation and stage actions (`moderation/ban`, `stage/invite`, `hand`, …). */
  moderate(id: string, action: string, body: Record<string, unknown>, requestingUserId?: string): Promise<Member> {
    return call<Member>('POST', `${livestreamPath(id)}/${action}`, {
      body: requestingUserId === undefined ? body : { ...body, requestingUserId },
    });
  },

  /** The reader's own standing (moderator, ban, hand, stage) in a livestream. */
  standing(id: string, requestingUserId?: string, signal?: AbortSignal): Promise<Member> {
    return call<Member>('GET', `${livestreamPath(id)}/standing${buildQuery({ requestingUserId })}`, signal ? { signal } : {});
  },

  moderationLog(id: string, requestingUserId?: string, signal?: AbortSignal): Promise<Page<ModerationEntry>> {
    return callPage<ModerationEntry>(`${livestreamPath(id)}/moderation/log${buildQuery({ requestingUserId })}`, signal);
  },

  /** Creates the encoder endpoint (creator, admins): server URL and stream key. */
  createIngest(id: string, type: IngestType = 'rtmp'): Promise<Ingest> {
    return call<Ingest>('POST', `${livestreamPath(id)}/ingest`, { body: { type } });
  },

  /** The encoder endpoint with its key (creator, admins); 404 when there is none. */
  getIngest(id: string, signal?: AbortSignal): Promise<Ingest> {
    return call<Ingest>('GET', `${livestreamPath(id)}/ingest`, signal ? { signal } : {});
  },

  /** A new stream key; the old one stops working. */
  resetIngest(id: string): Promise<Ingest> {
    return call<Ingest>('POST', `${livestreamPath(id)}/ingest/reset`, { body: {} });
  },

  startRecording(id: string): Promise<Recording> {
    return call<Recording>('POST', `${livestreamPath(id)}/recordings`, { body: {} });
  },

  stopRecording(id: string, recordingId: string): Promise<Recording> {
    return call<Recording>('POST', `${livestreamPath(id)}/recordings/${encodeURIComponent(recordingId)}/stop`, { body: {} });
  },

  async listRecordings(id: string, signal?: AbortSignal): Promise<Recording[]> {
    return (await callPage<Recording>(`${livestreamPath(id)}/recordings?limit=100`, signal)).items;
  },

  /** GET /health answers 503 with the same body when a component is down; both are read. */
  async getHealth(): Promise<Health> {
    let response: Response;
    try {
      response = await fetch('/health', { headers: { Accept: 'application/json' } });
    } catch {
      throw new ApiError('Cannot reach the server; check your connection', 0, NETWORK_ERROR);
    }
    const body = await readJson(response);
    if (typeof body !== 'object' || body === null) {
      throw new ApiError(statusText(response.status), response.status, INVALID_RESPONSE);
    }
    // The report is the envelope's `data`, on a 503 (error envelope) as on a 200; a server from
    // before the envelope answered the bare report.
    const envelope = body as { data?: unknown };
    const health = typeof envelope.data === 'object' && envelope.data !== null ? envelope.data : body;
    return health as Health;
  },
};

export const SSE_GLOBAL_URL = `${API_BASE}/events`;
export const sseLivestreamUrl = (id: string) => `${livestreamPath(id)}/events`;
