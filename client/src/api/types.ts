// Shapes of the orchestrator's HTTP API and SSE payloads (the contract in the project spec, §4 and §7).

export const LIVESTREAM_STATUSES = ['SCHEDULED', 'LIVE', 'ENDED', 'ERROR'] as const;
export type LivestreamStatus = (typeof LIVESTREAM_STATUSES)[number];

export type ParticipantRole = 'HOST' | 'VIEWER';
export type ParticipantStatus = 'JOINED' | 'LEFT';

export interface Livestream {
  id: string;
  roomName: string;
  title: string;
  description: string | null;
  status: LivestreamStatus;
  createdBy: string;
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
  userId: string;
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
  userId: string;
  displayName: string;
}

/** Live state of one livestream, as pushed over SSE and answered by GET /livestreams/:id/state. */
export interface StreamState {
  streamId: string;
  status: LivestreamStatus;
  /** userIds of the active (JOINED) participants. */
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
  createdBy: string;
  maxParticipants: number;
  emptyTimeout: number;
  metadata?: Record<string, unknown>;
}

export interface JoinRequest {
  userId: string;
  displayName: string;
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
