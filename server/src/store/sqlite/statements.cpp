// SQLite dialect of the named queries. Each list query has its own statement per filter so that it
// is answered by an index in ORDER BY order (LIMIT/OFFSET stop early, no sort step).
#include "store/sqlite/statements.hpp"

#include <array>

namespace lso::store::sqlite {
namespace {

using sql::Query;

// Column lists in the order of sql::livestream_col / sql::participant_col.
#define LSO_LIVESTREAM_COLUMNS                                                               \
  "id, room_name, title, description, status, created_by, max_participants, empty_timeout, " \
  "metadata, created_at, updated_at, started_at, ended_at"
#define LSO_PARTICIPANT_COLUMNS                                                                 \
  "id, livestream_id, user_id, display_name, role, status, metadata, livekit_participant_sid, " \
  "livekit_room_sid, joined_at, left_at"
#define LSO_SELECT_LIVESTREAMS "SELECT " LSO_LIVESTREAM_COLUMNS " FROM livestreams "
#define LSO_SELECT_PARTICIPANTS "SELECT " LSO_PARTICIPANT_COLUMNS " FROM participants "
#define LSO_NEWEST_LIVESTREAMS " ORDER BY created_at DESC, id DESC"
#define LSO_NEWEST_PARTICIPANTS " ORDER BY joined_at DESC, id DESC"

struct Entry {
  Query query;
  std::string_view sql;
};

constexpr Entry kStatements[] = {
    {Query::InsertLivestream, "INSERT INTO livestreams (" LSO_LIVESTREAM_COLUMNS
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"},
    {Query::FindLivestream, LSO_SELECT_LIVESTREAMS "WHERE id = ?1"},
    // The WHERE repeats the partial index's predicate verbatim so SQLite can use that index.
    {Query::FindActiveLivestreamByRoom,
     LSO_SELECT_LIVESTREAMS "WHERE room_name = ?1 AND status IN ('SCHEDULED', 'LIVE')"},
    // Row locks: a write transaction (BEGIN IMMEDIATE) already holds the database's write lock.
    {Query::LockActiveLivestreamByRoom,
     LSO_SELECT_LIVESTREAMS "WHERE room_name = ?1 AND status IN ('SCHEDULED', 'LIVE')"},
    {Query::LockLivestreamShared, LSO_SELECT_LIVESTREAMS "WHERE id = ?1"},
    {Query::LockLivestreamExclusive, LSO_SELECT_LIVESTREAMS "WHERE id = ?1"},
    {Query::ListLivestreams, LSO_SELECT_LIVESTREAMS LSO_NEWEST_LIVESTREAMS " LIMIT ?1 OFFSET ?2"},
    {Query::ListLivestreamsByStatus,
     LSO_SELECT_LIVESTREAMS "WHERE status = ?1" LSO_NEWEST_LIVESTREAMS " LIMIT ?2 OFFSET ?3"},
    {Query::ListLivestreamsByCreator,
     LSO_SELECT_LIVESTREAMS "WHERE created_by = ?1" LSO_NEWEST_LIVESTREAMS " LIMIT ?2 OFFSET ?3"},
    {Query::ListLivestreamsByStatusAndCreator, LSO_SELECT_LIVESTREAMS
     "WHERE created_by = ?2 AND status = ?1" LSO_NEWEST_LIVESTREAMS " LIMIT ?3 OFFSET ?4"},
    {Query::ListAllLivestreamsWithStatus,
     LSO_SELECT_LIVESTREAMS "WHERE status = ?1" LSO_NEWEST_LIVESTREAMS},
    {Query::MarkLivestreamLive,
     "UPDATE livestreams SET status = 'LIVE', started_at = ?2, updated_at = ?2 "
     "WHERE id = ?1 AND status = 'SCHEDULED' RETURNING " LSO_LIVESTREAM_COLUMNS},
    {Query::MarkLivestreamError,
     "UPDATE livestreams SET status = 'ERROR', updated_at = ?2 "
     "WHERE id = ?1 AND status = 'SCHEDULED' RETURNING " LSO_LIVESTREAM_COLUMNS},
    {Query::MarkLivestreamEnded,
     "UPDATE livestreams SET status = 'ENDED', ended_at = ?2, updated_at = ?2 "
     "WHERE id = ?1 AND status <> 'ENDED' RETURNING " LSO_LIVESTREAM_COLUMNS},
    {Query::RaisePeakViewers,
     "UPDATE livestreams SET peak_viewers = MAX(peak_viewers, ?2) WHERE id = ?1 "
     "RETURNING peak_viewers"},
    {Query::PeakViewers, "SELECT peak_viewers FROM livestreams WHERE id = ?1"},

    {Query::InsertParticipant, "INSERT INTO participants (" LSO_PARTICIPANT_COLUMNS
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
    {Query::InsertParticipantIfAbsent,
     "INSERT INTO participants (" LSO_PARTICIPANT_COLUMNS
     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING"},
    {Query::FindActiveParticipant,
     LSO_SELECT_PARTICIPANTS "WHERE livestream_id = ?1 AND user_id = ?2 AND status = 'JOINED'"},
    {Query::FindParticipantBySid, LSO_SELECT_PARTICIPANTS "WHERE livekit_participant_sid = ?1"},
    {Query::FindParticipantSession,
     LSO_SELECT_PARTICIPANTS "WHERE livekit_participant_sid = ?3 UNION ALL " LSO_SELECT_PARTICIPANTS
                             "WHERE livestream_id = ?1 AND user_id = ?2 AND status = 'JOINED'"},
    {Query::ListParticipants, LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = ?1" LSO_NEWEST_PARTICIPANTS " LIMIT ?2 OFFSET ?3"},
    {Query::ListParticipantsByStatus, LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = ?1 AND status = ?2" LSO_NEWEST_PARTICIPANTS " LIMIT ?3 OFFSET ?4"},
    {Query::ListParticipantsByRole, LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = ?1 AND role = ?2" LSO_NEWEST_PARTICIPANTS " LIMIT ?3 OFFSET ?4"},
    {Query::ListParticipantsByStatusAndRole, LSO_SELECT_PARTICIPANTS
     "WHERE livestream_id = ?1 AND status = ?2 AND role = ?3" LSO_NEWEST_PARTICIPANTS
     " LIMIT ?4 OFFSET ?5"},
    {Query::MarkParticipantLeft,
     "UPDATE participants SET status = 'LEFT', left_at = ?3 "
     "WHERE livestream_id = ?1 AND user_id = ?2 AND status = 'JOINED' "
     "RETURNING " LSO_PARTICIPANT_COLUMNS},
    {Query::MarkParticipantLeftBySid,
     "UPDATE participants SET status = 'LEFT', left_at = ?2 "
     "WHERE livekit_participant_sid = ?1 AND status = 'JOINED' RETURNING " LSO_PARTICIPANT_COLUMNS},
    {Query::MarkAllParticipantsLeft,
     "UPDATE participants SET status = 'LEFT', left_at = ?2 "
     "WHERE livestream_id = ?1 AND status = 'JOINED'"},
    {Query::AttachLivekitSession,
     "UPDATE participants SET livekit_participant_sid = ?3, livekit_room_sid = ?4 "
     "WHERE livestream_id = ?1 AND user_id = ?2 AND status = 'JOINED' "
     "RETURNING " LSO_PARTICIPANT_COLUMNS},
    {Query::ActiveParticipants,
     "SELECT user_id, display_name, role, joined_at FROM participants "
     "WHERE livestream_id = ?1 AND status = 'JOINED' ORDER BY joined_at, id"},
    {Query::DistinctViewers,
     "SELECT COUNT(DISTINCT user_id) FROM participants "
     "WHERE livestream_id = ?1 AND role = 'VIEWER'"},

    // A record whose retention has run out no longer counts: the id is recorded afresh.
    {Query::RecordWebhook,
     "INSERT INTO processed_webhooks (id, event, processed_at, expires_at) "
     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET event = excluded.event, "
     "processed_at = excluded.processed_at, expires_at = excluded.expires_at "
     "WHERE processed_webhooks.expires_at < excluded.processed_at"},
    {Query::DeleteExpiredWebhooks,
     "DELETE FROM processed_webhooks WHERE id IN (SELECT id FROM processed_webhooks "
     "WHERE expires_at < ?1 LIMIT ?2)"},
};

#undef LSO_LIVESTREAM_COLUMNS
#undef LSO_PARTICIPANT_COLUMNS
#undef LSO_SELECT_LIVESTREAMS
#undef LSO_SELECT_PARTICIPANTS
#undef LSO_NEWEST_LIVESTREAMS
#undef LSO_NEWEST_PARTICIPANTS

// Indexed by Query; the static_assert and the constexpr check keep the table complete and ordered.
constexpr std::array<std::string_view, sql::kQueryCount> make_table() {
  std::array<std::string_view, sql::kQueryCount> table{};
  for (const auto& e : kStatements) {
    table[static_cast<std::size_t>(e.query)] = e.sql;
  }
  return table;
}
constexpr auto kTable = make_table();
static_assert(std::size(kStatements) == sql::kQueryCount, "every query needs SQLite text");
static_assert(
    [] {
      for (auto s : kTable) {
        if (s.empty()) {
          return false;
        }
      }
      return true;
    }(),
    "a query has no SQLite text");

}  // namespace

std::string_view statement_sql(sql::Query query) {
  return kTable[static_cast<std::size_t>(query)];
}

}  // namespace lso::store::sqlite
