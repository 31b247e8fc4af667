// The seam between the query logic both SQL backends share (SqlQueries) and a database driver:
// run one named statement with positional parameters and read rows of text, integer or NULL cells.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace lso::store::sql {

// Every statement the store runs. Each backend supplies the SQL text of each one (its own
// dialect), with the parameters in the order given here ($1/?1 first) and result columns in the
// order of the *_col namespaces below. Times travel as int64 microseconds since the epoch in both
// directions, whatever the column type; booleans as integers 0/1.
enum class Query : std::size_t {
  // livestreams
  InsertLivestream,            // the 15 livestream columns in column order
  FindLivestream,              // id
  FindActiveLivestreamByRoom,  // room_name
  LockActiveLivestreamByRoom,  // room_name (row lock: exclusive)
  LockLivestreamShared,        // id (row lock: shared)
  LockLivestreamExclusive,     // id (row lock: exclusive)
  // The list statements end with the reader's scope: unrestricted (1: every livestream; 0: the
  // public ones and, when reader is not NULL, those created_by reader), reader.
  ListLivestreams,                    // limit, offset, unrestricted, reader
  ListLivestreamsByStatus,            // status, limit, offset, unrestricted, reader
  ListLivestreamsByCreator,           // created_by, limit, offset, unrestricted, reader
  ListLivestreamsByStatusAndCreator,  // status, created_by, limit, offset, unrestricted, reader
  ListPublicLivestreams,              // limit, offset (visibility 'public' only)
  ListAllLivestreamsWithStatus,       // status
  MarkLivestreamLive,                 // id, started_at  (also updated_at)
  MarkLivestreamError,                // id, now         (updated_at)
  MarkLivestreamEnded,                // id, ended_at    (also updated_at)
  // audience counters → one row: viewer_count
  AdjustAudience,   // id, viewers delta, total delta, host delta, at, peak candidate
  RecountAudience,  // id, host user_id, at
  ClearAudience,    // id
  // participants
  InsertParticipant,                // the 11 participant columns in column order
  InsertParticipantIfAbsent,        // as InsertParticipant → rows changed (0: a uniqueness rule)
  FindActiveParticipant,            // livestream_id, user_id
  FindParticipantBySid,             // livekit_participant_sid
  ListParticipants,                 // livestream_id, limit, offset
  ListParticipantsByStatus,         // livestream_id, status, limit, offset
  ListParticipantsByRole,           // livestream_id, role, limit, offset
  ListParticipantsByStatusAndRole,  // livestream_id, status, role, limit, offset
  MarkParticipantLeft,              // livestream_id, user_id, left_at
  MarkAllParticipantsLeft,          // livestream_id, left_at → rows changed
  AttachLivekitSession,             // livestream_id, user_id, participant_sid, room_sid
  ActiveParticipants,               // livestream_id → user_id, display_name, role
  // LiveKit sessions (result rows in livekit_session_col order)
  InsertLivekitSession,      // the 8 session columns in column order
  FindLivekitSession,        // sid
  SessionContext,            // livestream_id, user_id, sid → known, present, was_viewer, seat sid
  DisconnectLivekitSession,  // sid, at → rows changed
  OtherConnectedSession,     // livestream_id, user_id, except_sid → one row: sid (or none)
  DisconnectUserSessions,    // livestream_id, user_id, at → rows changed
  DisconnectAllSessions,     // livestream_id, at → rows changed
  ConnectedPeople,           // livestream_id → user_id, display_name, role, connected_at
  ViewerWatchTimes,          // livestream_id, until → one row per session: microseconds
  // viewer series (result rows: width, bucket_start, min, max, last)
  RecordViewerSample,      // livestream_id, width, bucket_start, min, max, last
  ViewerSeries,            // livestream_id, from, to (oldest first)
  ViewerBucketBefore,      // livestream_id, t
  DownsampleViewerSeries,  // before (merges 10 s buckets into 1 min ones)
  DeleteFineBuckets,       // before → rows changed
  DeleteOldSessions,       // ended_before, limit → rows changed
  DeleteOldSeries,         // ended_before, limit → rows changed
  // processed webhooks
  RecordWebhook,          // id, event, processed_at, expires_at → rows changed (0/1)
  DeleteExpiredWebhooks,  // now, limit → rows changed
  // users (result rows in user_col order)
  InsertUser,       // the 7 user columns in column order
  FindUser,         // id
  CountUsers,       // → one row: count
  ListUsers,        // limit, offset (oldest first)
  SetUserPassword,  // id, password_hash, now (updated_at)
  SetUserAdmin,     // id, admin (0/1), now (updated_at)
  SetUserDisabled,  // id, disabled (0/1), now (updated_at)
  // sessions
  InsertSession,          // the 7 session columns in column order
  FindSession,            // id_hash → session_col + session_lookup_col (user's NULL when none)
  TouchSession,           // id_hash, last_seen_at → rows changed
  DeleteSession,          // id_hash → rows changed
  DeleteUserSessions,     // user_id, keep_id_hash → one row per deleted session: id_hash
  DeleteExpiredSessions,  // now, idle_before, limit → rows changed
  // API keys
  InsertApiKey,      // the 9 api key columns in column order
  FindApiKeyByHash,  // secret_hash → api_key_col + api_key_owner_col (owner's NULL when none)
  ListApiKeys,       // (newest first)
  RevokeApiKey,      // id, now → the key when it was not revoked yet
  TouchApiKey,       // id, last_used_at → rows changed
  // audit log (result rows in audit_col order)
  InsertAudit,        // at, action, principal, ip, target, outcome, details → one row: id
  ListAudit,          // before_id, limit (newest first)
  ListAuditByAction,  // action, before_id, limit (newest first)
  DeleteAuditBefore,  // before, limit → rows changed
  // invites (result rows in invite_col order)
  AddInvite,     // livestream_id, user_id, created_at → rows changed (0: already invited)
  RemoveInvite,  // livestream_id, user_id → rows changed
  IsInvited,     // livestream_id, user_id → one row when invited
  ListInvites,   // livestream_id (oldest first)
  // chat, moderation, stage (result rows in chat_col / member_col / moderation_col order)
  InsertChatMessage,  // the 9 chat columns in column order → rows changed (0: clientId known)
  FindChatMessage,    // id
  FindChatMessageByClientId,  // livestream_id, user_id, client_id
  ListChatMessages,           // livestream_id, limit (newest first, deleted left out)
  ListChatMessagesBefore,     // livestream_id, created_at, id, limit (older than that message)
  ChatActivity,               // livestream_id, user_id, since → one row: count, max(created_at)
  DeleteChatMessage,          // id, by, at → rows changed
  ChatSlowMode,               // livestream_id → one row: seconds
  SetChatSlowMode,            // livestream_id, seconds → rows changed
  FindMember,                 // livestream_id, user_id
  SaveMember,                 // the 9 member columns in column order (upsert)
  ListMembers,                // livestream_id (oldest change first)
  InsertModeration,  // livestream_id, at, actor_id, action, target, message_id, details → id
  ListModeration,    // livestream_id, before_id, limit (newest first)
  // server secrets
  InsertSecretIfAbsent,  // name, value → rows changed (0: one is stored already)
  FindSecret,            // name → one row: value
  // ingest and recordings (result rows in ingest_col / recording_col order)
  FindIngest,               // livestream_id
  LockIngestByIngress,      // ingress_id (row lock)
  UpsertIngest,             // the 10 ingest columns in column order
  DeleteIngest,             // livestream_id → rows changed
  ListLiveIngests,          // (status buffering or publishing)
  InsertRecordingIfAbsent,  // the 15 recording columns → rows changed (0: egress id known)
  LockRecordingByEgress,    // egress_id (row lock)
  FindRecording,            // id
  UpdateRecording,          // the 15 recording columns (matched by id)
  ListRecordings,           // livestream_id (newest first)
  ListActiveRecordings,     // (starting, active, ending)
  Count_
};
inline constexpr std::size_t kQueryCount = static_cast<std::size_t>(Query::Count_);

// Result column order of every statement returning livestream / participant / identity rows.
namespace livestream_col {
enum : int {
  Id,
  RoomName,
  Title,
  Description,
  Status,
  CreatedBy,
  MaxParticipants,
  EmptyTimeout,
  Metadata,
  CreatedAt,
  UpdatedAt,
  StartedAt,
  EndedAt,
  // Added by a later migration, so they come after the original columns.
  CreatorName,
  Visibility,
  // The audience counters (a later migration still).
  ViewerCount,
  TotalViewers,
  PeakViewers,
  PeakAt,
  HostConnected,
  Count_
};
}
namespace participant_col {
enum : int {
  Id,
  LivestreamId,
  UserId,
  DisplayName,
  Role,
  Status,
  Metadata,
  LivekitParticipantSid,
  LivekitRoomSid,
  JoinedAt,
  LeftAt,
  Count_
};
}
namespace livekit_session_col {
enum : int {
  Sid,
  LivestreamId,
  UserId,
  DisplayName,
  Role,
  RoomSid,
  ConnectedAt,
  DisconnectedAt,
  Count_
};
}
namespace user_col {
enum : int { Id, DisplayName, PasswordHash, Admin, Disabled, CreatedAt, UpdatedAt, Count_ };
}
namespace session_col {
enum : int { IdHash, UserId, DisplayName, Guest, CreatedAt, ExpiresAt, LastSeenAt, Count_ };
}
// FindSession: the session columns, then its account's (all NULL for a session without one).
namespace session_lookup_col {
enum : int { UserAdmin = session_col::Count_, UserDisabled, UserDisplayName, Count_ };
}
namespace api_key_col {
enum : int {
  Id,
  Name,
  Prefix,
  SecretHash,
  Scopes,
  OwnerId,
  CreatedAt,
  LastUsedAt,
  RevokedAt,
  Count_
};
}
// FindApiKeyByHash: the key columns, then its owner's account (all NULL without one).
namespace api_key_owner_col {
enum : int { DisplayName = api_key_col::Count_, Admin, Disabled, Count_ };
}
namespace audit_col {
enum : int { Id, At, Action, Principal, Ip, Target, Outcome, Details, Count_ };
}
namespace ingest_col {
enum : int {
  LivestreamId,
  IngressId,
  Input,
  Url,
  Status,
  Error,
  SessionStartedAt,
  Rank,
  CreatedAt,
  UpdatedAt,
  Count_
};
}
namespace recording_col {
enum : int {
  Id,
  LivestreamId,
  EgressId,
  Status,
  RequestedBy,
  StartedAt,
  EndedAt,
  DurationMs,
  SizeBytes,
  FileLocation,
  PlaylistLocation,
  Error,
  LivekitUpdatedAt,
  CreatedAt,
  UpdatedAt,
  Count_
};
}
namespace invite_col {
enum : int { LivestreamId, UserId, CreatedAt, Count_ };
}

namespace chat_col {
enum : int {
  Id,
  LivestreamId,
  UserId,
  DisplayName,
  Text,
  CreatedAt,
  DeletedAt,
  DeletedBy,
  ClientId,
  Count_
};
}
namespace member_col {
enum : int {
  LivestreamId,
  UserId,
  DisplayName,
  Moderator,
  ChatTimeoutUntil,
  Banned,
  HandRaisedAt,
  Stage,
  UpdatedAt,
  Count_
};
}
namespace moderation_col {
enum : int { Id, LivestreamId, At, ActorId, Action, TargetUserId, MessageId, Details, Count_ };
}

// A positional parameter: SQL NULL, text or integer. Text views must outlive the exec call.
using Param = std::variant<std::nullptr_t, std::string_view, std::int64_t>;

// One result row, valid only inside the row callback.
class Row {
 public:
  virtual bool is_null(int column) const = 0;
  virtual std::string_view text(int column) const = 0;
  virtual std::int64_t int64(int column) const = 0;

 protected:
  ~Row() = default;
};

class Session {
 public:
  using RowFn = std::function<void(const Row&)>;

  virtual ~Session() = default;
  // Runs one statement, calling on_row for each result row. Returns the number of rows it
  // returned, or for a statement returning none, the number of rows it changed. Raises
  // domain::UniqueViolation / AppError exactly as the Queries contract says.
  virtual std::int64_t exec(Query query, std::initializer_list<Param> params,
                            const RowFn& on_row = {}) = 0;
};

}  // namespace lso::store::sql
