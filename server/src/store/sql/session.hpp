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
// order of livestream_col / participant_col below. Times travel as int64 microseconds
// since the epoch in both directions, whatever the column type.
enum class Query : std::size_t {
  // livestreams
  InsertLivestream,                   // the 13 livestream columns in column order
  FindLivestream,                     // id
  FindActiveLivestreamByRoom,         // room_name
  LockActiveLivestreamByRoom,         // room_name (row lock: exclusive)
  LockLivestreamShared,               // id (row lock: shared)
  LockLivestreamExclusive,            // id (row lock: exclusive)
  ListLivestreams,                    // limit, offset
  ListLivestreamsByStatus,            // status, limit, offset
  ListLivestreamsByCreator,           // created_by, limit, offset
  ListLivestreamsByStatusAndCreator,  // status, created_by, limit, offset
  ListAllLivestreamsWithStatus,       // status
  MarkLivestreamLive,                 // id, started_at  (also updated_at)
  MarkLivestreamError,                // id, now         (updated_at)
  MarkLivestreamEnded,                // id, ended_at    (also updated_at)
  RaisePeakViewers,                   // id, viewers     → one row: peak_viewers
  PeakViewers,                        // id              → one row: peak_viewers
  // participants
  InsertParticipant,                // the 11 participant columns in column order
  InsertParticipantIfAbsent,        // as InsertParticipant → rows changed (0: a uniqueness rule)
  FindActiveParticipant,            // livestream_id, user_id
  FindParticipantBySid,             // livekit_participant_sid
  FindParticipantSession,           // livestream_id, user_id, livekit_participant_sid
  ListParticipants,                 // livestream_id, limit, offset
  ListParticipantsByStatus,         // livestream_id, status, limit, offset
  ListParticipantsByRole,           // livestream_id, role, limit, offset
  ListParticipantsByStatusAndRole,  // livestream_id, status, role, limit, offset
  MarkParticipantLeft,              // livestream_id, user_id, left_at
  MarkParticipantLeftBySid,         // livekit_participant_sid, left_at
  MarkAllParticipantsLeft,          // livestream_id, left_at → rows changed
  AttachLivekitSession,             // livestream_id, user_id, participant_sid, room_sid
  ActiveParticipants,               // livestream_id → user_id, display_name, role
  DistinctViewers,                  // livestream_id → one row: count
  // processed webhooks
  RecordWebhook,          // id, event, processed_at, expires_at → rows changed (0/1)
  DeleteExpiredWebhooks,  // now, limit → rows changed
  Count_
};
inline constexpr std::size_t kQueryCount = static_cast<std::size_t>(Query::Count_);

// Result column order of every statement returning livestream / participant rows.
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
