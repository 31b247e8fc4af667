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
  /** People LiveKit confirmed connected as VIEWER right now. */
  viewerCount: number;
  /** Highest viewerCount ever reached; never lowered. */
  peakViewerCount: number;
  /** When peakViewerCount was first reached; null before anyone watched. */
  peakAt: string | null;
  /** Distinct users ever connected as VIEWER. */
  totalViewers: number;
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

/** Someone LiveKit confirmed connected to the livestream's room (participant_joined). */
export interface Person {
  /** null when the reader may not see other users' ids. */
  userId: string | null;
  displayName: string;
  role: ParticipantRole;
  connectedAt: string;
}

/**
 * Live state of one livestream, as pushed over SSE and answered by GET /livestreams/:id/state.
 * Counts and lists hold the people LiveKit confirmed connected, not API joins.
 */
export interface StreamState {
  streamId: string;
  status: LivestreamStatus;
  /** userIds of the connected people; their display names when the reader may not see ids. */
  participants: string[];
  /** The same people in the same order, with their names: what views show. */
  people: Person[];
  viewerCount: number;
  totalViewers: number;
  peakViewerCount: number;
  peakAt: string | null;
  hostConnected: boolean;
  startedAt: string | null;
  endedAt: string | null;
  hostInfo: HostInfo | null;
  /** People on stage (ON: co-hosts who publish) or invited to it; absent from older servers. */
  stage?: StagePerson[];
  /** Raised hands, oldest first. */
  raisedHands?: StagePerson[];
  /** The encoder endpoint's status (no URL, no key); null without one. Older servers leave it out. */
  ingest?: IngestState | null;
  /** The newest recording; null without one. Older servers leave it out. */
  recording?: RecordingState | null;
}

/** Someone on (or invited to) the stage, or with a raised hand. */
export interface StagePerson {
  /** null for readers who may not see user ids. */
  userId: string | null;
  displayName: string;
  status: 'INVITED' | 'ON' | 'RAISED';
  since: string;
}

/** A chat message: plain text, always rendered as text. */
export interface ChatMessage {
  id: string;
  livestreamId: string;
  /** The author; null for readers who may not see user ids. */
  userId: string | null;
  displayName: string;
  text: string;
  createdAt: string;
  clientMessageId: string | null;
}

/** A person's standing in one livestream (moderator, timeout, ban, hand, stage). */
export interface Member {
  userId: string;
  displayName: string;
  moderator: boolean;
  chatTimeoutUntil: string | null;
  banned: boolean;
  handRaisedAt: string | null;
  stage: 'INVITED' | 'ON' | null;
  updatedAt: string;
}

export interface ModerationEntry {
  id: number;
  at: string;
  actorId: string;
  action: string;
  targetUserId: string | null;
  messageId: string | null;
  details: Record<string, unknown> | null;
}

/** RTMP (OBS, ffmpeg, hardware encoders) or WHIP. */
export type IngestType = 'rtmp' | 'whip';
export type IngestStatus = 'inactive' | 'buffering' | 'publishing' | 'error';

export interface IngestState {
  input: IngestType;
  status: IngestStatus;
  /** LiveKit's error text when status is error. */
  error: string | null;
}

/** The encoder endpoint as its creator and admins get it (GET/POST …/ingest). */
export interface Ingest {
  livestreamId: string;
  ingressId: string;
  type: IngestType;
  /** The server URL for the encoder (OBS: Server). */
  url: string;
  /** The stream key: whoever has it publishes as the host. */
  streamKey: string | null;
  status: IngestStatus;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export type RecordingStatus = 'starting' | 'active' | 'ending' | 'complete' | 'failed' | 'aborted' | 'limit_reached';

export interface RecordingState {
  id: string;
  status: RecordingStatus;
  startedAt: string | null;
}

export interface Recording {
  id: string;
  livestreamId: string;
  egressId: string;
  status: RecordingStatus;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  sizeBytes: number | null;
  /** Where the MP4 is: a URL (object storage) or a path on the recorder's storage. */
  fileLocation: string | null;
  /** The HLS playlist, when HLS is recorded. */
  playlistLocation: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Seconds per bucket of the viewer series: 10 s while live, 1 min after downsampling. */
export type AnalyticsResolution = '10s' | '1m';

export interface AnalyticsQuery {
  from?: string;
  to?: string;
  resolution?: AnalyticsResolution;
}

/** Concurrent viewers during one bucket; a bucket without change may be left out of the series. */
export interface ViewerBucket {
  /** Start of the bucket. */
  t: string;
  min: number;
  max: number;
  /** The count at the end of the bucket. */
  last: number;
}

export interface AnalyticsSummary {
  /** null while the livestream has not started. */
  durationSeconds: number | null;
  peakViewerCount: number;
  peakAt: string | null;
  uniqueViewers: number;
  /** LiveKit sessions of viewers (one person may have several). */
  sessions: number;
  totalWatchSeconds: number;
  medianWatchSeconds: number;
  averageViewers: number;
}

/** GET /livestreams/:id/analytics (its creator and admins; everyone in open mode). */
export interface LivestreamAnalytics {
  livestreamId: string;
  status: LivestreamStatus;
  from: string;
  to: string;
  resolutionSeconds: number;
  series: ViewerBucket[];
  summary: AnalyticsSummary;
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
  /** A machine-readable reason (`banned`, `slow_mode`, …) when there is one. */
  code?: string;
  /** Seconds to wait, with chat limits and timeouts. */
  retryAfter?: number;
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
  /** An encoder endpoint from the start. */
  ingest?: IngestType;
  /** Record from the start (stops when the livestream ends). */
  record?: boolean;
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

export interface LivekitHealth {
  status?: string;
  /** The LiveKit double: rooms and webhooks without media. */
  simulated?: boolean;
  message?: string;
}

/** The part of GET /health the client uses; the rest is for operators. */
export interface Health {
  status: string;
  services?: { livekit?: LivekitHealth };
  /** The same section at the top of the report (servers have sent it in either place). */
  livekit?: LivekitHealth;
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
