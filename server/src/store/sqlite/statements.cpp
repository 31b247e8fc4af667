// SQLite dialect of the named queries. Each list query has its own statement per filter so that it
// is answered by an index in ORDER BY order (LIMIT/OFFSET stop early, no sort step).
#include "store/sqlite/statements.hpp"

#include "store/sql/statement_table.hpp"

namespace lso::store::sqlite {
namespace {
// SQL text laid out by hand, one clause per line as SQL is read: clang-format would re-flow the
// string pieces across the macro calls.
// clang-format off

using sql::Query;

// Column lists in the order of the sql::*_col namespaces.
#define LSO_LIVESTREAM_INSERT_COLUMNS                                                        \
  "id, room_name, title, description, status, created_by, max_participants, empty_timeout, " \
  "metadata, created_at, updated_at, started_at, ended_at, creator_name, visibility"
#define LSO_LIVESTREAM_COLUMNS \
  LSO_LIVESTREAM_INSERT_COLUMNS ", viewer_count, total_viewers, peak_viewers, peak_at, host_connected"
#define LSO_LIVEKIT_SESSION_COLUMNS \
  "sid, livestream_id, user_id, display_name, role, room_sid, connected_at, disconnected_at"
#define LSO_CONNECTED "connected_at IS NOT NULL AND disconnected_at IS NULL"
#define LSO_SERIES_COLUMNS "width, bucket_start, min_viewers, max_viewers, last_viewers"
#define LSO_PARTICIPANT_COLUMNS                                                                 \
  "id, livestream_id, user_id, display_name, role, status, metadata, livekit_participant_sid, " \
  "livekit_room_sid, joined_at, left_at"
#define LSO_SELECT_LIVESTREAMS "SELECT " LSO_LIVESTREAM_COLUMNS " FROM livestreams "
#define LSO_SELECT_PARTICIPANTS "SELECT " LSO_PARTICIPANT_COLUMNS " FROM participants "
#define LSO_NEWEST_LIVESTREAMS " ORDER BY created_at DESC, id DESC"
#define LSO_NEWEST_PARTICIPANTS " ORDER BY joined_at DESC, id DESC"
// What the reader may see: everything, or public livestreams and their own.
#define LSO_VISIBLE(unrestricted, reader) \
  "(" unrestricted " = 1 OR visibility = 'public' OR created_by = " reader ")"
#define LSO_USER_COLUMNS "id, display_name, password_hash, admin, disabled, created_at, updated_at"
#define LSO_SESSION_COLUMNS \
  "id_hash, user_id, display_name, guest, created_at, expires_at, last_seen_at"
#define LSO_API_KEY_COLUMNS \
  "id, name, prefix, secret_hash, scopes, owner_id, created_at, last_used_at, revoked_at"
#define LSO_AUDIT_COLUMNS "id, at, action, principal, ip, target, outcome, details"
#define LSO_SELECT_USERS "SELECT " LSO_USER_COLUMNS " FROM users "
#define LSO_SELECT_API_KEYS "SELECT " LSO_API_KEY_COLUMNS " FROM api_keys "
#define LSO_SELECT_AUDIT "SELECT " LSO_AUDIT_COLUMNS " FROM audit_log "

#define LSO_CHAT_COLUMNS \
  "id, livestream_id, user_id, display_name, text, created_at, deleted_at, deleted_by, client_id"
#define LSO_MEMBER_COLUMNS                                                                 \
  "livestream_id, user_id, display_name, moderator, chat_timeout_until, banned, hand_raised_at, " \
  "stage, updated_at"
#define LSO_MODERATION_COLUMNS \
  "id, livestream_id, at, actor_id, action, target_user_id, message_id, details"

#define LSO_INGEST_COLUMNS                                                            \
  "livestream_id, ingress_id, input, url, status, error, session_started_at, status_rank, " \
  "created_at, updated_at"
#define LSO_RECORDING_COLUMNS                                                                  \
  "id, livestream_id, egress_id, status, requested_by, started_at, ended_at, duration_ms, "    \
  "size_bytes, file_location, playlist_location, error, livekit_updated_at, created_at, " \
  "updated_at"

constexpr sql::StatementText kStatements[] = {
    {Query::InsertLivestream,
     "INSERT INTO livestreams (" LSO_LIVESTREAM_INSERT_COLUMNS
     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"},
    {Query::FindLivestream, LSO_SELECT_LIVESTREAMS "WHERE id = ?1"},
    // The WHERE repeats the partial index's predicate verbatim so SQLite can use that index.
    {Query::FindActiveLivestreamByRoom,
     LSO_SELECT_LIVESTREAMS "WHERE room_name = ?1 AND status IN ('SCHEDULED', 'LIVE')"},
    // Row locks: a write transaction (BEGIN IMMEDIATE) already holds the database's write lock.
    {Query::LockActiveLivestreamByRoom,
     LSO_SELECT_LIVESTREAMS "WHERE room_name = ?1 AND status IN ('SCHEDULED', 'LIVE')"},
    {Query::LockLivestreamShared, LSO_SELECT_LIVESTREAMS "WHERE id = ?1"},
    {Query::LockLivestreamExclusive, LSO_SELECT_LIVESTREAMS "WHERE id = ?1"},
    // The scope condition only filters the rows the filter's own index yields in order.
    {Query::ListLivestreams, LSO_SELECT_LIVESTREAMS "WHERE " LSO_VISIBLE("?3", "?4")
                                 LSO_NEWEST_LIVESTREAMS " LIMIT ?1 OFFSET ?2"},
    {Query::ListLivestreamsByStatus, LSO_SELECT_LIVESTREAMS
     "WHERE status = ?1 AND " LSO_VISIBLE("?4", "?5") LSO_NEWEST_LIVESTREAMS " LIMIT ?2 OFFSET ?3"},
    {Query::ListLivestreamsByCreator,
     LSO_SELECT_LIVESTREAMS "WHERE created_by = ?1 AND " LSO_VISIBLE("?4", "?5")
         LSO_NEWEST_LIVESTREAMS " LIMIT ?2 OFFSET ?3"},
    {Query::ListLivestreamsByStatusAndCreator,
     LSO_SELECT_LIVESTREAMS "WHERE created_by = ?2 AND status = ?1 AND " LSO_VISIBLE("?5", "?6")
         LSO_NEWEST_LIVESTREAMS " LIMIT ?3 OFFSET ?4"},
    // The public listing of anonymous readers, answered by livestreams_visibility_created.
    {Query::ListPublicLivestreams, LSO_SELECT_LIVESTREAMS
     "WHERE visibility = 'public'" LSO_NEWEST_LIVESTREAMS " LIMIT ?1 OFFSET ?2"},
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
    // All right-hand sides read the row as it was: the peak rises with the new count.
    {Query::AdjustAudience,
     "UPDATE livestreams SET viewer_count = viewer_count + ?2, "
     "total_viewers = total_viewers + ?3, host_connected = host_connected + ?4, "
     "peak_at = CASE WHEN ?6 > peak_viewers THEN ?5 ELSE peak_at END, "
     "peak_viewers = MAX(peak_viewers, ?6) WHERE id = ?1 RETURNING viewer_count"},
    {Query::RecountAudience,
     "UPDATE livestreams SET viewer_count = c.v, total_viewers = c.t, host_connected = c.h, "
     "peak_at = CASE WHEN c.v > peak_viewers THEN ?3 ELSE peak_at END, "
     "peak_viewers = MAX(peak_viewers, c.v) FROM (SELECT "
     "count(DISTINCT CASE WHEN role = 'VIEWER' AND " LSO_CONNECTED " THEN user_id END) AS v, "
     "count(DISTINCT CASE WHEN role = 'VIEWER' AND connected_at IS NOT NULL THEN user_id END) "
     "AS t, "
     "count(CASE WHEN user_id = ?2 AND " LSO_CONNECTED " THEN 1 END) > 0 AS h "
     "FROM participant_sessions WHERE livestream_id = ?1) AS c "
     "WHERE id = ?1 RETURNING viewer_count"},
    {Query::ClearAudience,
     "UPDATE livestreams SET viewer_count = 0, host_connected = 0 WHERE id = ?1 "
     "RETURNING viewer_count"},

    {Query::InsertParticipant, "INSERT INTO participants (" LSO_PARTICIPANT_COLUMNS
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
    {Query::InsertParticipantIfAbsent,
     "INSERT INTO participants (" LSO_PARTICIPANT_COLUMNS
     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING"},
    {Query::FindActiveParticipant,
     LSO_SELECT_PARTICIPANTS "WHERE livestream_id = ?1 AND user_id = ?2 AND status = 'JOINED'"},
    {Query::FindParticipantBySid, LSO_SELECT_PARTICIPANTS "WHERE livekit_participant_sid = ?1"},
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

    {Query::InsertLivekitSession, "INSERT INTO participant_sessions (" LSO_LIVEKIT_SESSION_COLUMNS
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
    {Query::FindLivekitSession,
     "SELECT " LSO_LIVEKIT_SESSION_COLUMNS " FROM participant_sessions WHERE sid = ?1"},
    {Query::DisconnectLivekitSession,
     "UPDATE participant_sessions SET disconnected_at = ?2 WHERE sid = ?1 AND " LSO_CONNECTED},
    // Four index probes in one statement; the seat's sid is '' when it has none, NULL without one.
    {Query::SessionContext,
     "SELECT EXISTS (SELECT 1 FROM participant_sessions WHERE sid = ?3), "
     "EXISTS (SELECT 1 FROM participant_sessions WHERE livestream_id = ?1 AND user_id = ?2 AND "
     "sid <> ?3 AND " LSO_CONNECTED "), "
     "EXISTS (SELECT 1 FROM participant_sessions WHERE livestream_id = ?1 AND user_id = ?2 AND "
     "role = 'VIEWER' AND connected_at IS NOT NULL), "
     "(SELECT coalesce(livekit_participant_sid, '') FROM participants "
     "WHERE livestream_id = ?1 AND user_id = ?2 AND status = 'JOINED')"},
    // The WHERE repeats the partial index's predicate verbatim so SQLite can use that index.
    {Query::OtherConnectedSession,
     "SELECT sid FROM participant_sessions WHERE livestream_id = ?1 AND user_id = ?2 AND "
     "sid <> ?3 AND " LSO_CONNECTED " LIMIT 1"},
    {Query::DisconnectUserSessions,
     "UPDATE participant_sessions SET disconnected_at = ?3 "
     "WHERE livestream_id = ?1 AND user_id = ?2 AND " LSO_CONNECTED},
    {Query::DisconnectAllSessions,
     "UPDATE participant_sessions SET disconnected_at = ?2 "
     "WHERE livestream_id = ?1 AND " LSO_CONNECTED},
    {Query::ConnectedPeople,
     "SELECT user_id, min(display_name), min(role), min(connected_at) FROM participant_sessions "
     "WHERE livestream_id = ?1 AND " LSO_CONNECTED " GROUP BY user_id ORDER BY 4, 1"},
    {Query::ViewerWatchTimes,
     "SELECT coalesce(disconnected_at, ?2) - connected_at FROM participant_sessions "
     "WHERE livestream_id = ?1 AND role = 'VIEWER' AND connected_at IS NOT NULL"},

    {Query::RecordViewerSample,
     "INSERT INTO viewer_series (livestream_id, " LSO_SERIES_COLUMNS
     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (livestream_id, width, bucket_start) DO UPDATE "
     "SET min_viewers = MIN(min_viewers, excluded.min_viewers), "
     "max_viewers = MAX(max_viewers, excluded.max_viewers), last_viewers = excluded.last_viewers"},
    {Query::ViewerSeries,
     "SELECT " LSO_SERIES_COLUMNS " FROM viewer_series WHERE livestream_id = ?1 "
     "AND bucket_start >= ?2 AND bucket_start < ?3 ORDER BY bucket_start, width"},
    {Query::ViewerBucketBefore,
     "SELECT " LSO_SERIES_COLUMNS " FROM viewer_series WHERE livestream_id = ?1 "
     "AND bucket_start < ?2 ORDER BY bucket_start DESC, width DESC LIMIT 1"},
    // A minute's last value is the last of its latest 10 s bucket. (WHERE true: SQLite's upsert
    // needs it after a SELECT to parse ON CONFLICT.)
    {Query::DownsampleViewerSeries,
     "INSERT INTO viewer_series (livestream_id, " LSO_SERIES_COLUMNS ") "
     "SELECT livestream_id, 60, minute, min(min_viewers), max(max_viewers), max(lastv) FROM ("
     "SELECT livestream_id, bucket_start - bucket_start % 60000000 AS minute, min_viewers, "
     "max_viewers, first_value(last_viewers) OVER (PARTITION BY livestream_id, "
     "bucket_start - bucket_start % 60000000 ORDER BY bucket_start DESC) AS lastv "
     "FROM viewer_series WHERE width = 10 AND bucket_start < ?1) WHERE true "
     "GROUP BY livestream_id, minute "
     "ON CONFLICT (livestream_id, width, bucket_start) DO UPDATE "
     "SET min_viewers = MIN(min_viewers, excluded.min_viewers), "
     "max_viewers = MAX(max_viewers, excluded.max_viewers), last_viewers = excluded.last_viewers"},
    {Query::DeleteFineBuckets, "DELETE FROM viewer_series WHERE width = 10 AND bucket_start < ?1"},
    {Query::DeleteOldSessions,
     "DELETE FROM participant_sessions WHERE rowid IN (SELECT s.rowid FROM participant_sessions s "
     "JOIN livestreams l ON l.id = s.livestream_id WHERE l.ended_at < ?1 LIMIT ?2)"},
    {Query::DeleteOldSeries,
     "DELETE FROM viewer_series WHERE (livestream_id, width, bucket_start) IN ("
     "SELECT v.livestream_id, v.width, v.bucket_start FROM viewer_series v "
     "JOIN livestreams l ON l.id = v.livestream_id WHERE l.ended_at < ?1 LIMIT ?2)"},

    // A record whose retention has run out no longer counts: the id is recorded afresh.
    {Query::RecordWebhook,
     "INSERT INTO processed_webhooks (id, event, processed_at, expires_at) "
     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET event = excluded.event, "
     "processed_at = excluded.processed_at, expires_at = excluded.expires_at "
     "WHERE processed_webhooks.expires_at < excluded.processed_at"},
    {Query::DeleteExpiredWebhooks,
     "DELETE FROM processed_webhooks WHERE id IN (SELECT id FROM processed_webhooks "
     "WHERE expires_at < ?1 LIMIT ?2)"},

    {Query::InsertUser,
     "INSERT INTO users (" LSO_USER_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
    {Query::FindUser, LSO_SELECT_USERS "WHERE id = ?1"},
    {Query::CountUsers, "SELECT COUNT(*) FROM users"},
    {Query::ListUsers, LSO_SELECT_USERS "ORDER BY created_at, id LIMIT ?1 OFFSET ?2"},
    {Query::SetUserPassword,
     "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1 "
     "RETURNING " LSO_USER_COLUMNS},
    {Query::SetUserAdmin,
     "UPDATE users SET admin = ?2, updated_at = ?3 WHERE id = ?1 RETURNING " LSO_USER_COLUMNS},
    {Query::SetUserDisabled,
     "UPDATE users SET disabled = ?2, updated_at = ?3 WHERE id = ?1 RETURNING " LSO_USER_COLUMNS},

    {Query::InsertSession,
     "INSERT INTO auth_sessions (" LSO_SESSION_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
    // A guest's id is never an account's, even if an account of that name exists.
    {Query::FindSession,
     "SELECT s.id_hash, s.user_id, s.display_name, s.guest, s.created_at, s.expires_at, "
     "s.last_seen_at, u.admin, u.disabled, u.display_name FROM auth_sessions s "
     "LEFT JOIN users u ON u.id = s.user_id AND s.guest = 0 WHERE s.id_hash = ?1"},
    {Query::TouchSession, "UPDATE auth_sessions SET last_seen_at = ?2 WHERE id_hash = ?1"},
    {Query::DeleteSession, "DELETE FROM auth_sessions WHERE id_hash = ?1"},
    {Query::DeleteUserSessions,
     "DELETE FROM auth_sessions WHERE user_id = ?1 AND id_hash <> ?2 RETURNING id_hash"},
    {Query::DeleteExpiredSessions,
     "DELETE FROM auth_sessions WHERE id_hash IN (SELECT id_hash FROM auth_sessions "
     "WHERE expires_at < ?1 OR last_seen_at < ?2 LIMIT ?3)"},

    {Query::InsertApiKey,
     "INSERT INTO api_keys (" LSO_API_KEY_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
    {Query::FindApiKeyByHash,
     "SELECT k.id, k.name, k.prefix, k.secret_hash, k.scopes, k.owner_id, k.created_at, "
     "k.last_used_at, k.revoked_at, u.display_name, u.admin, u.disabled FROM api_keys k "
     "LEFT JOIN users u ON u.id = k.owner_id WHERE k.secret_hash = ?1"},
    {Query::ListApiKeys, LSO_SELECT_API_KEYS "ORDER BY created_at DESC, id DESC"},
    {Query::RevokeApiKey,
     "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL "
     "RETURNING " LSO_API_KEY_COLUMNS},
    {Query::TouchApiKey, "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1"},

    {Query::InsertAudit,
     "INSERT INTO audit_log (at, action, principal, ip, target, outcome, details) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id"},
    {Query::ListAudit, LSO_SELECT_AUDIT "WHERE id < ?1 ORDER BY id DESC LIMIT ?2"},
    {Query::ListAuditByAction,
     LSO_SELECT_AUDIT "WHERE action = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"},
    {Query::DeleteAuditBefore,
     "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ?1 LIMIT ?2)"},

    {Query::AddInvite,
     "INSERT INTO livestream_invites (livestream_id, user_id, created_at) VALUES (?1, ?2, ?3) "
     "ON CONFLICT DO NOTHING"},
    {Query::RemoveInvite,
     "DELETE FROM livestream_invites WHERE livestream_id = ?1 AND user_id = ?2"},
    {Query::IsInvited,
     "SELECT 1 FROM livestream_invites WHERE livestream_id = ?1 AND user_id = ?2"},
    {Query::ListInvites,
     "SELECT livestream_id, user_id, created_at FROM livestream_invites WHERE livestream_id = ?1 "
     "ORDER BY created_at, user_id"},

    {Query::InsertChatMessage,
     "INSERT INTO chat_messages (" LSO_CHAT_COLUMNS
     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING"},
    {Query::FindChatMessage, "SELECT " LSO_CHAT_COLUMNS " FROM chat_messages WHERE id = ?1"},
    {Query::FindChatMessageByClientId,
     "SELECT " LSO_CHAT_COLUMNS " FROM chat_messages "
     "WHERE livestream_id = ?1 AND user_id = ?2 AND client_id = ?3"},
    {Query::ListChatMessages,
     "SELECT " LSO_CHAT_COLUMNS " FROM chat_messages WHERE livestream_id = ?1 "
     "AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ?2"},
    {Query::ListChatMessagesBefore,
     "SELECT " LSO_CHAT_COLUMNS " FROM chat_messages WHERE livestream_id = ?1 "
     "AND deleted_at IS NULL AND (created_at, id) < (?2, ?3) "
     "ORDER BY created_at DESC, id DESC LIMIT ?4"},
    {Query::ChatActivity,
     "SELECT (SELECT count(*) FROM chat_messages WHERE livestream_id = ?1 AND user_id = ?2 "
     "AND created_at >= ?3), (SELECT max(created_at) FROM chat_messages "
     "WHERE livestream_id = ?1 AND user_id = ?2)"},
    {Query::DeleteChatMessage,
     "UPDATE chat_messages SET deleted_at = ?3, deleted_by = ?2 WHERE id = ?1 "
     "AND deleted_at IS NULL"},
    {Query::ChatSlowMode, "SELECT chat_slow_mode_seconds FROM livestreams WHERE id = ?1"},
    {Query::SetChatSlowMode, "UPDATE livestreams SET chat_slow_mode_seconds = ?2 WHERE id = ?1"},
    {Query::FindMember,
     "SELECT " LSO_MEMBER_COLUMNS " FROM livestream_members WHERE livestream_id = ?1 "
     "AND user_id = ?2"},
    {Query::SaveMember,
     "INSERT INTO livestream_members (" LSO_MEMBER_COLUMNS
     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (livestream_id, user_id) DO UPDATE "
     "SET display_name = excluded.display_name, moderator = excluded.moderator, "
     "chat_timeout_until = excluded.chat_timeout_until, banned = excluded.banned, "
     "hand_raised_at = excluded.hand_raised_at, stage = excluded.stage, "
     "updated_at = excluded.updated_at"},
    {Query::ListMembers,
     "SELECT " LSO_MEMBER_COLUMNS " FROM livestream_members WHERE livestream_id = ?1 "
     "ORDER BY updated_at, user_id"},
    {Query::InsertModeration,
     "INSERT INTO moderation_log (livestream_id, at, actor_id, action, target_user_id, "
     "message_id, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id"},
    {Query::ListModeration,
     "SELECT " LSO_MODERATION_COLUMNS " FROM moderation_log WHERE livestream_id = ?1 "
     "AND id < ?2 ORDER BY id DESC LIMIT ?3"},

    {Query::InsertSecretIfAbsent,
     "INSERT INTO server_secrets (name, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING"},
    {Query::FindSecret, "SELECT value FROM server_secrets WHERE name = ?1"},

    {Query::FindIngest, "SELECT " LSO_INGEST_COLUMNS " FROM ingests WHERE livestream_id = ?1"},
    {Query::LockIngestByIngress,
     "SELECT " LSO_INGEST_COLUMNS " FROM ingests WHERE ingress_id = ?1"},
    {Query::UpsertIngest,
     "INSERT INTO ingests (" LSO_INGEST_COLUMNS
     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (livestream_id) DO UPDATE SET "
     "ingress_id = excluded.ingress_id, input = excluded.input, url = excluded.url, "
     "status = excluded.status, error = excluded.error, "
     "session_started_at = excluded.session_started_at, status_rank = excluded.status_rank, "
     "updated_at = excluded.updated_at"},
    {Query::DeleteIngest, "DELETE FROM ingests WHERE livestream_id = ?1"},
    {Query::ListLiveIngests,
     "SELECT " LSO_INGEST_COLUMNS " FROM ingests WHERE status IN ('buffering', 'publishing')"},
    {Query::InsertRecordingIfAbsent,
     "INSERT INTO recordings (" LSO_RECORDING_COLUMNS
     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
     "ON CONFLICT (egress_id) DO NOTHING"},
    {Query::LockRecordingByEgress,
     "SELECT " LSO_RECORDING_COLUMNS " FROM recordings WHERE egress_id = ?1"},
    {Query::FindRecording, "SELECT " LSO_RECORDING_COLUMNS " FROM recordings WHERE id = ?1"},
    {Query::UpdateRecording,
     "UPDATE recordings SET status = ?4, requested_by = ?5, started_at = ?6, ended_at = ?7, "
     "duration_ms = ?8, size_bytes = ?9, file_location = ?10, playlist_location = ?11, "
     "error = ?12, livekit_updated_at = ?13, updated_at = ?15 "
     "WHERE id = ?1 AND livestream_id = ?2 AND egress_id = ?3"},
    {Query::ListRecordings,
     "SELECT " LSO_RECORDING_COLUMNS " FROM recordings WHERE livestream_id = ?1 "
     "ORDER BY created_at DESC, id DESC"},
    {Query::ListActiveRecordings,
     "SELECT " LSO_RECORDING_COLUMNS " FROM recordings "
     "WHERE status IN ('starting', 'active', 'ending')"},
};

#undef LSO_CHAT_COLUMNS
#undef LSO_MEMBER_COLUMNS
#undef LSO_MODERATION_COLUMNS
#undef LSO_LIVESTREAM_COLUMNS
#undef LSO_LIVESTREAM_INSERT_COLUMNS
#undef LSO_INGEST_COLUMNS
#undef LSO_RECORDING_COLUMNS
#undef LSO_LIVEKIT_SESSION_COLUMNS
#undef LSO_CONNECTED
#undef LSO_SERIES_COLUMNS
#undef LSO_PARTICIPANT_COLUMNS
#undef LSO_SELECT_LIVESTREAMS
#undef LSO_SELECT_PARTICIPANTS
#undef LSO_NEWEST_LIVESTREAMS
#undef LSO_NEWEST_PARTICIPANTS
#undef LSO_VISIBLE
#undef LSO_USER_COLUMNS
#undef LSO_SESSION_COLUMNS
#undef LSO_API_KEY_COLUMNS
#undef LSO_AUDIT_COLUMNS
#undef LSO_SELECT_USERS
#undef LSO_SELECT_API_KEYS
#undef LSO_SELECT_AUDIT

constexpr sql::StatementTable kTable(kStatements);

// clang-format on
}  // namespace

std::string_view statement_sql(sql::Query query) {
  return kTable[query];
}

}  // namespace lso::store::sqlite
