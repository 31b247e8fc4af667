// Shapes of the orchestrator's HTTP API and SSE payloads (the contract in the project spec, §4 and §7).

export const LIVESTREAM_STATUSES = ['SCHEDULED', 'LIVE', 'ENDED', 'ERROR'] as const;
export type LivestreamStatus = (typeof LIVESTREAM_STATUSES)[number];

export const VISIBILITIES = ['public', 'unlisted', 'private'] as const;
/** public: listed, guests may watch; unlisted: reachable by its link only; private: creator, invitees, admins. */
export type Visibility = (typeof VISIBILITIES)[number];

export type ParticipantRole = 'HOST' | 'VIEWER';
export type ParticipantStatus = 'JOINED' | 'LEFT';

export interface Livestream {
  id: string;
  roomName: string;
  title: string;
  description: string | null;
  status: LivestreamStatus;
  /** null when the reader may not see other users' ids (it is set for the creator and admins). */
  createdBy: string | null;
  /** The creator's display name (servers without identity leave it out). */
  creatorName?: string | null;
  /** Servers without identity leave it out: public. */
  visibility?: Visibility;
  maxParticipants: number;
  emptyTimeout: number;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface Participant {
  id: string;
  livestreamId: string;
  /** null when the reader may not see other users' ids. */
  userId: string | null;
  displayName: string;
  role: ParticipantRole;
  status: ParticipantStatus;
  metadata: Record<string, unknown> | null;
  livekitParticipantSid: string | null;
  livekitRoomSid: string | null;
  joinedAt: string;
  leftAt: string | null;
}

export interface HostInfo {
  /** null when the reader may not see other users' ids. */
  userId: string | null;
  displayName: string;
}

/** Live state of one livestream, as pushed over SSE and answered by GET /livestreams/:id/state. */
export interface StreamState {
  streamId: string;
  status: LivestreamStatus;
  /** userIds of the active (JOINED) participants; their display names when the reader may not see ids. */
  participants: string[];
  viewerCount: number;
  totalViewers: number;
  peakViewerCount: number;
  startedAt: string | null;
  hostInfo: HostInfo | null;
}

export interface ApiSuccess<T> {
  success: true;
  data: T;
  count?: number;
}

export interface ApiFailure {
  success: false;
  error: string;
  message: string;
  statusCode: number;
}

export interface CreateLivestreamRequest {
  roomName: string;
  title: string;
  description?: string;
  /** Open mode only; signed in, the server takes the creator from the session. */
  createdBy?: string;
  maxParticipants: number;
  emptyTimeout: number;
  visibility?: Visibility;
  metadata?: Record<string, unknown>;
}

export interface JoinRequest {
  /** Open mode only (userId, displayName); signed in, the server takes them from the session. */
  userId?: string;
  displayName?: string;
  role: ParticipantRole;
}

export interface JoinResponse {
  token: string;
  url: string;
  participant: Participant;
}

export interface ListLivestreamsQuery {
  status?: LivestreamStatus;
  createdBy?: string;
  limit?: number;
  offset?: number;
}

export interface ListParticipantsQuery {
  status?: ParticipantStatus;
  role?: ParticipantRole;
  limit?: number;
  offset?: number;
}

export interface Page<T> {
  items: T[];
  /** Items in this page, as the server counted them. */
  count: number;
}

/** The part of GET /health the client uses; the rest is for operators. */
export interface Health {
  status: string;
  livekit?: {
    status?: string;
    simulated?: boolean;
    message?: string;
  };
}

/** How the server knows who is asking (GET /auth/config). */
export type AuthMode = 'accounts' | 'open' | 'tokens';

export interface AuthConfig {
  authMode: AuthMode;
  /** Built-in accounts (sign-in with username and password) exist. */
  accounts: boolean;
  signup: 'open' | 'closed';
  /** Signed-out visitors may watch public livestreams as guests. */
  guests: boolean;
}

export type UserKind = 'user' | 'guest' | 'apiKey';
export type AuthVia = 'session' | 'jwt' | 'apiKey' | 'open';

/** The signed-in principal (GET /auth/me → data.user). */
export interface CurrentUser {
  id: string;
  displayName: string;
  admin: boolean;
  kind: UserKind;
  via: AuthVia;
}

/** One entry of a private livestream's invite list. */
export interface Invite {
  userId: string;
  displayName?: string | null;
  createdAt?: string;
}
