// PostgreSQL dialect of the named queries. Times cross the wire as int64 microseconds (exact both
// ways: numeric epoch × 10^6 out, epoch + n × 1 µs in); uuid and jsonb columns travel as text.
#include "store/postgres/statements.hpp"

#include <array>

namespace lso::store::postgres {
namespace {

using sql::Query;

#define LSO_MICROS(column) "(extract(epoch FROM " column ") * 1000000)::bigint"
#define LSO_TIME(n) "(timestamptz 'epoch' + $" #n "::bigint * interval '1 microsecond')"

// Result column lists in the order of sql::livestream_col / sql::participant_col.
#define LSO_LIVESTREAM_COLUMNS                                                      \
  "id::text, room_name, title, description, status, created_by, max_participants, " \
  "empty_timeout, metadata::text, " LSO_MICROS("created_at") ", " LSO_MICROS(       \
      "updated_at") ", " LSO_MICROS("started_at") ", " LSO_MICROS("ended_at")
#define LSO_PARTICIPANT_COLUMNS                                                          \
  "id::text, livestream_id::text, user_id, display_name, role, status, metadata::text, " \
  "livekit_participant_sid, livekit_room_sid, " LSO_MICROS("joined_at") ", " LSO_MICROS("left_at")
#define LSO_SELECT_LIVESTREAMS "SELECT " LSO_LIVESTREAM_COLUMNS " FROM livestreams "
#define LSO_SELECT_PARTICIPANTS "SELECT " LSO_PARTICIPANT_COLUMNS " FROM participants "
#define LSO_NEWEST_LIVESTREAMS " ORDER BY created_at DESC, id DESC"
#define LSO_NEWEST_PARTICIPANTS " ORDER BY joined_at DESC, id DESC"

struct Entry {
  Query query;
  std::string_view sql;
};

constexpr Entry kStatements[] = {
    {Query::InsertLivestream,
     "INSERT INTO livestreams (id, room_name, title, description, status, created_by, "
     "max_participants, empty_timeout, metadata, created_at, updated_at, started_at, ended_at) "
     "VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::integer, $8::integer, $9::jsonb, " LSO_TIME(
         10) ", " LSO_TIME(11) ", " LSO_TIME(12) ", " LSO_TIME(13) ")"},
    {Query::FindLivestream, LSO_SELECT_LIVESTREAMS "WHERE id = $1::uuid"},
    {Query::FindActiveLivestreamByRoom,
     LSO_SELECT_LIVESTREAMS "WHERE room_name = $1 AND status IN ('SCHEDULED', 'LIVE')"},
    // NO KEY UPDATE rather than UPDATE: participant inserts (a foreign-key KEY SHARE lock) are not
    // blocked by it, only other lockers; FOR SHARE conflicts with it, not with itself.
    {Query::LockActiveLivestreamByRoom, LSO_SELECT_LIVESTREAMS
     "WHERE room_name = $1 AND status IN ('SCHEDULED', 'LIVE') FOR NO KEY UPDATE"},
    {Query::LockLivestreamShared, LSO_SELECT_LIVESTREAMS "WHERE id = $1::uuid FOR SHARE"},
    {Query::LockLivestreamExclusive,
     LSO_SELECT_LIVESTREAMS "WHERE id = $1::uuid FOR NO KEY UPDATE"},
    {Query::ListLivestreams, LSO_SELECT_LIVESTREAMS LSO_NEWEST_LIVESTREAMS " LIMIT $1 OFFSET $2"},
    {Query::ListLivestreamsByStatus,
     LSO_SELECT_LIVESTREAMS "WHERE status = $1" LSO_NEWEST_LIVESTREAMS " LIMIT $2 OFFSET $3"},
    {Query::ListLivestreamsByCreator,
     LSO_SELECT_LIVESTREAMS "WHERE created_by = $1" LSO_NEWEST_LIVESTREAMS " LIMIT $2 OFFSET $3"},
    {Query::ListLivestreamsByStatusAndCreator, LSO_SELECT_LIVESTREAMS
     "WHERE status = $1 AND created_by = $2" LSO_NEWEST_LIVESTREAMS " LIMIT $3 OFFSET $4"},
    {Query::ListAllLivestreamsWithStatus,
     LSO_SELECT_LIVESTREAMS "WHERE status = $1" LSO_NEWEST_LIVESTREAMS},
    {Query::MarkLivestreamLive,
     "UPDATE livestreams SET status = 'LIVE', started_at = " LSO_TIME(2) ", updated_at = " LSO_TIME(
         2) " WHERE id = $1::uuid AND status = 'SCHEDULED' RETURNING " LSO_LIVESTREAM_COLUMNS},
    {Query::MarkLivestreamError,
     "UPDATE livestreams SET status = 'ERROR', updated_at = " LSO_TIME(
         2) " WHERE id = $1::uuid AND status = 'SCHEDULED' RETURNING " LSO_LIVESTREAM_COLUMNS},
    {Query::MarkLivestreamEnded,
     "UPDATE livestreams SET status = 'ENDED', ended_at = " LSO_TIME(2) ", updated_at = " LSO_TIME(
         2) " WHERE id = $1::uuid AND status <> 'ENDED' RETURNING " LSO_LIVESTREAM_COLUMNS},
    // The row lock serialises concurrent raises, so none is lost.
    {Query::RaisePeakViewers,
     "UPDATE livestreams SET peak_viewers = GREATEST(peak_viewers, $2::bigint) "
     "WHERE id = $1::uuid RETURNING peak_viewers"},
    {Query::PeakViewers, "SELECT peak_viewers FROM livestreams WHERE id = $1::uuid"},

    {Query::InsertParticipant,
     "INSERT INTO participants (id, livestream_id, user_id, display_name, role, status, metadata, "
     "livekit_participant_sid, livekit_room_sid, joined_at, left_at) "
     "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::jsonb, $8, $9, " LSO_TIME(10) ", " LSO_TIME(
         11) ")"},
    // No conflict target: any uniqueness rule makes it a no-op (and never aborts the transaction,
    // so it needs no savepoint).
    {Query::InsertParticipantIfAbsent,
     "INSERT INTO participants (id, livestream_id, user_id, display_name, role, status, metadata, "
     "livekit_participant_sid, livekit_room_sid, joined_at, left_at) "
     "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::jsonb, $8, $9, " LSO_TIME(10) ", " LSO_TIME(
         11) ") ON CONFLICT DO NOTHING"},
    {Query::FindActiveParticipant, LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = $1::uuid AND user_id = $2 AND status = 'JOINED'"},
    {Query::FindParticipantBySid, LSO_SELECT_PARTICIPANTS "WHERE livekit_participant_sid = $1"},
    // Two index lookups in one round trip (a row matching both comes twice).
    {Query::FindParticipantSession, LSO_SELECT_PARTICIPANTS
     "WHERE livekit_participant_sid = $3 UNION ALL " LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = $1::uuid AND user_id = $2 AND status = 'JOINED'"},
    {Query::ListParticipants, LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = $1::uuid" LSO_NEWEST_PARTICIPANTS " LIMIT $2 OFFSET $3"},
    {Query::ListParticipantsByStatus, LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = $1::uuid AND status = $2" LSO_NEWEST_PARTICIPANTS
     " LIMIT $3 OFFSET $4"},
    {Query::ListParticipantsByRole, LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = $1::uuid AND role = $2" LSO_NEWEST_PARTICIPANTS " LIMIT $3 OFFSET $4"},
    {Query::ListParticipantsByStatusAndRole, LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = $1::uuid AND status = $2 AND role = $3" LSO_NEWEST_PARTICIPANTS
     " LIMIT $4 OFFSET $5"},
    {Query::MarkParticipantLeft,
     "UPDATE participants SET status = 'LEFT', left_at = " LSO_TIME(
         3) " WHERE livestream_id = $1::uuid AND user_id = $2 AND status = 'JOINED' "
            "RETURNING " LSO_PARTICIPANT_COLUMNS},
    {Query::MarkParticipantLeftBySid,
     "UPDATE participants SET status = 'LEFT', left_at = " LSO_TIME(
         2) " WHERE livekit_participant_sid = $1 AND status = 'JOINED' "
            "RETURNING " LSO_PARTICIPANT_COLUMNS},
    {Query::MarkAllParticipantsLeft,
     "UPDATE participants SET status = 'LEFT', left_at = " LSO_TIME(
         2) " WHERE livestream_id = $1::uuid AND status = 'JOINED'"},
    {Query::AttachLivekitSession,
     "UPDATE participants SET livekit_participant_sid = $3, livekit_room_sid = $4 "
     "WHERE livestream_id = $1::uuid AND user_id = $2 AND status = 'JOINED' "
     "RETURNING " LSO_PARTICIPANT_COLUMNS},
    {Query::ActiveParticipants,
     "SELECT user_id, display_name, role, " LSO_MICROS("joined_at") " FROM participants "
     "WHERE livestream_id = $1::uuid AND status = 'JOINED' ORDER BY joined_at, id"},
    {Query::DistinctViewers,
     "SELECT count(DISTINCT user_id) FROM participants "
     "WHERE livestream_id = $1::uuid AND role = 'VIEWER'"},

    // A record whose retention has run out no longer counts: the id is recorded afresh.
    {Query::RecordWebhook,
     "INSERT INTO processed_webhooks (id, event, processed_at, expires_at) "
     "VALUES ($1, $2, " LSO_TIME(3) ", " LSO_TIME(
         4) ") ON CONFLICT (id) DO UPDATE SET "
            "event = EXCLUDED.event, processed_at = EXCLUDED.processed_at, "
            "expires_at = EXCLUDED.expires_at "
            "WHERE processed_webhooks.expires_at < EXCLUDED.processed_at"},
    {Query::DeleteExpiredWebhooks,
     "DELETE FROM processed_webhooks WHERE id IN (SELECT id FROM processed_webhooks "
     "WHERE expires_at < " LSO_TIME(1) " LIMIT $2)"},
};

#undef LSO_MICROS
#undef LSO_TIME
#undef LSO_LIVESTREAM_COLUMNS
#undef LSO_PARTICIPANT_COLUMNS
#undef LSO_SELECT_LIVESTREAMS
#undef LSO_SELECT_PARTICIPANTS
#undef LSO_NEWEST_LIVESTREAMS
#undef LSO_NEWEST_PARTICIPANTS

// Indexed by Query; the static_asserts keep the table complete.
constexpr std::array<std::string_view, sql::kQueryCount> make_table() {
  std::array<std::string_view, sql::kQueryCount> table{};
  for (const auto& e : kStatements) {
    table[static_cast<std::size_t>(e.query)] = e.sql;
  }
  return table;
}
constexpr auto kTable = make_table();
static_assert(std::size(kStatements) == sql::kQueryCount, "every query needs PostgreSQL text");
static_assert(
    [] {
      for (auto s : kTable) {
        if (s.empty()) {
          return false;
        }
      }
      return true;
    }(),
    "a query has no PostgreSQL text");

}  // namespace

std::string_view statement_sql(sql::Query query) {
  return kTable[static_cast<std::size_t>(query)];
}

}  // namespace lso::store::postgres
