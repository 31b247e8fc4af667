// PostgreSQL dialect of the named queries. Times cross the wire as int64 microseconds (exact both
// ways: numeric epoch × 10^6 out, epoch + n × 1 µs in); uuid and jsonb columns travel as text.
#include "store/postgres/statements.hpp"

#include "store/sql/statement_table.hpp"

namespace lso::store::postgres {
namespace {
// SQL text laid out by hand, one clause per line as SQL is read: clang-format would re-flow the
// string pieces across the macro calls.
// clang-format off

using sql::Query;

#define LSO_MICROS(column) "(extract(epoch FROM " column ") * 1000000)::bigint"
#define LSO_TIME(n) "(timestamptz 'epoch' + $" #n "::bigint * interval '1 microsecond')"

// Result column lists in the order of the sql::*_col namespaces; booleans leave as 0/1.
#define LSO_LIVESTREAM_COLUMNS                                                             \
  "id::text, room_name, title, description, status, created_by, max_participants, "        \
  "empty_timeout, metadata::text, " LSO_MICROS("created_at") ", " LSO_MICROS("updated_at") \
  ", " LSO_MICROS("started_at") ", " LSO_MICROS("ended_at") ", creator_name, visibility, " \
  "viewer_count, total_viewers, peak_viewers, " LSO_MICROS("peak_at") ", host_connected"
#define LSO_LIVEKIT_SESSION_COLUMNS                                                        \
  "sid, livestream_id::text, user_id, display_name, role, room_sid, " LSO_MICROS( \
      "connected_at") ", " LSO_MICROS("disconnected_at")
#define LSO_CONNECTED "connected_at IS NOT NULL AND disconnected_at IS NULL"
#define LSO_SERIES_COLUMNS "width, bucket_start, min_viewers, max_viewers, last_viewers"
#define LSO_PARTICIPANT_COLUMNS                                                          \
  "id::text, livestream_id::text, user_id, display_name, role, status, metadata::text, " \
  "livekit_participant_sid, livekit_room_sid, " LSO_MICROS("joined_at") ", " LSO_MICROS("left_at")
#define LSO_SELECT_LIVESTREAMS "SELECT " LSO_LIVESTREAM_COLUMNS " FROM livestreams "
#define LSO_SELECT_PARTICIPANTS "SELECT " LSO_PARTICIPANT_COLUMNS " FROM participants "
#define LSO_NEWEST_LIVESTREAMS " ORDER BY created_at DESC, id DESC"
#define LSO_NEWEST_PARTICIPANTS " ORDER BY joined_at DESC, id DESC"
// What the reader may see: everything, or public livestreams and their own.
#define LSO_VISIBLE(unrestricted, reader) \
  "($" #unrestricted "::bigint = 1 OR visibility = 'public' OR created_by = $" #reader "::text)"
#define LSO_USER_COLUMNS                                                             \
  "id, display_name, password_hash, admin::integer, disabled::integer, " LSO_MICROS( \
      "created_at") ", " LSO_MICROS("updated_at")
#define LSO_SESSION_COLUMNS(s)                                                    \
  s "id_hash, " s "user_id, " s "display_name, " s "guest::integer, " LSO_MICROS( \
      s "created_at") ", " LSO_MICROS(s "expires_at") ", " LSO_MICROS(s "last_seen_at")
#define LSO_API_KEY_COLUMNS(k)                                                                     \
  k "id::text, " k "name, " k "prefix, " k "secret_hash, " k "scopes, " k "owner_id, " LSO_MICROS( \
      k "created_at") ", " LSO_MICROS(k "last_used_at") ", " LSO_MICROS(k "revoked_at")
#define LSO_AUDIT_COLUMNS \
  "id, " LSO_MICROS("at") ", action, principal, ip, target, outcome, details::text"
#define LSO_SELECT_USERS "SELECT " LSO_USER_COLUMNS " FROM users "
#define LSO_SELECT_AUDIT "SELECT " LSO_AUDIT_COLUMNS " FROM audit_log "

#define LSO_CHAT_COLUMNS                                                                 \
  "id::text, livestream_id::text, user_id, display_name, text, " LSO_MICROS("created_at") \
  ", " LSO_MICROS("deleted_at") ", deleted_by, client_id"
#define LSO_MEMBER_COLUMNS                                                                   \
  "livestream_id::text, user_id, display_name, moderator::integer, " LSO_MICROS(           \
      "chat_timeout_until") ", banned::integer, " LSO_MICROS("hand_raised_at") ", stage, " \
      LSO_MICROS("updated_at")
#define LSO_MODERATION_COLUMNS                                                           \
  "id, livestream_id::text, " LSO_MICROS("at") ", actor_id, action, target_user_id, " \
  "message_id, details::text"

#define LSO_INGEST_COLUMNS                                                                  \
  "livestream_id::text, ingress_id, input, url, status, error, session_started_at, "       \
  "status_rank, " LSO_MICROS("created_at") ", " LSO_MICROS("updated_at")
#define LSO_RECORDING_COLUMNS                                                                   \
  "id::text, livestream_id::text, egress_id, status, requested_by, " LSO_MICROS("started_at") \
  ", " LSO_MICROS("ended_at") ", duration_ms, size_bytes, file_location, playlist_location, " \
  "error, livekit_updated_at, " LSO_MICROS("created_at") ", " LSO_MICROS("updated_at")

constexpr sql::StatementText kStatements[] = {
    {Query::InsertLivestream,
     "INSERT INTO livestreams (id, room_name, title, description, status, created_by, "
     "max_participants, empty_timeout, metadata, created_at, updated_at, started_at, ended_at, "
     "creator_name, visibility) "
     "VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::integer, $8::integer, $9::jsonb, " LSO_TIME(
         10) ", " LSO_TIME(11) ", " LSO_TIME(12) ", " LSO_TIME(13) ", $14, $15)"},
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
    // The scope condition only filters the rows the filter's own index yields in order.
    {Query::ListLivestreams, LSO_SELECT_LIVESTREAMS "WHERE " LSO_VISIBLE(3, 4)
                                 LSO_NEWEST_LIVESTREAMS " LIMIT $1 OFFSET $2"},
    {Query::ListLivestreamsByStatus, LSO_SELECT_LIVESTREAMS
     "WHERE status = $1 AND " LSO_VISIBLE(4, 5) LSO_NEWEST_LIVESTREAMS " LIMIT $2 OFFSET $3"},
    {Query::ListLivestreamsByCreator, LSO_SELECT_LIVESTREAMS
     "WHERE created_by = $1 AND " LSO_VISIBLE(4, 5) LSO_NEWEST_LIVESTREAMS " LIMIT $2 OFFSET $3"},
    {Query::ListLivestreamsByStatusAndCreator,
     LSO_SELECT_LIVESTREAMS "WHERE status = $1 AND created_by = $2 AND " LSO_VISIBLE(5, 6)
         LSO_NEWEST_LIVESTREAMS " LIMIT $3 OFFSET $4"},
    // The public listing of anonymous readers, answered by livestreams_visibility_created.
    {Query::ListPublicLivestreams, LSO_SELECT_LIVESTREAMS
     "WHERE visibility = 'public'" LSO_NEWEST_LIVESTREAMS " LIMIT $1 OFFSET $2"},
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
    // All right-hand sides read the row as it was: the peak rises with the new count. The row
    // lock (taken by every writer of the audience first) serialises them, so none is lost.
    {Query::AdjustAudience,
     "UPDATE livestreams SET viewer_count = viewer_count + $2::bigint, "
     "total_viewers = total_viewers + $3::bigint, host_connected = host_connected + $4::bigint, "
     "peak_at = CASE WHEN $6::bigint > peak_viewers THEN " LSO_TIME(
         5) " ELSE peak_at END, "
            "peak_viewers = GREATEST(peak_viewers, $6::bigint) WHERE id = $1::uuid "
            "RETURNING viewer_count"},
    {Query::RecountAudience,
     "UPDATE livestreams SET viewer_count = c.v, total_viewers = c.t, host_connected = c.h, "
     "peak_at = CASE WHEN c.v > peak_viewers THEN " LSO_TIME(
         3) " ELSE peak_at END, "
            "peak_viewers = GREATEST(peak_viewers, c.v) FROM (SELECT "
            "count(DISTINCT user_id) FILTER (WHERE role = 'VIEWER' AND " LSO_CONNECTED ") AS v, "
            "count(DISTINCT user_id) FILTER (WHERE role = 'VIEWER' AND connected_at IS NOT NULL) "
            "AS t, "
            "(count(*) FILTER (WHERE user_id = $2 AND " LSO_CONNECTED ") > 0)::integer AS h "
            "FROM participant_sessions WHERE livestream_id = $1::uuid) AS c "
            "WHERE id = $1::uuid RETURNING viewer_count"},
    {Query::ClearAudience,
     "UPDATE livestreams SET viewer_count = 0, host_connected = 0 WHERE id = $1::uuid "
     "RETURNING viewer_count"},

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

    {Query::InsertLivekitSession,
     "INSERT INTO participant_sessions (sid, livestream_id, user_id, display_name, role, room_sid, "
     "connected_at, disconnected_at) VALUES ($1, $2::uuid, $3, $4, $5, $6, " LSO_TIME(
         7) ", " LSO_TIME(8) ")"},
    {Query::FindLivekitSession,
     "SELECT " LSO_LIVEKIT_SESSION_COLUMNS " FROM participant_sessions WHERE sid = $1"},
    {Query::SessionContext,
     "SELECT (EXISTS (SELECT 1 FROM participant_sessions WHERE sid = $3))::integer, "
     "(EXISTS (SELECT 1 FROM participant_sessions WHERE livestream_id = $1::uuid AND "
     "user_id = $2 AND sid <> $3 AND " LSO_CONNECTED "))::integer, "
     "(EXISTS (SELECT 1 FROM participant_sessions WHERE livestream_id = $1::uuid AND "
     "user_id = $2 AND role = 'VIEWER' AND connected_at IS NOT NULL))::integer, "
     "(SELECT coalesce(livekit_participant_sid, '') FROM participants "
     "WHERE livestream_id = $1::uuid AND user_id = $2 AND status = 'JOINED')"},
    {Query::DisconnectLivekitSession,
     "UPDATE participant_sessions SET disconnected_at = " LSO_TIME(
         2) " WHERE sid = $1 AND " LSO_CONNECTED},
    {Query::OtherConnectedSession,
     "SELECT sid FROM participant_sessions WHERE livestream_id = $1::uuid AND user_id = $2 AND "
     "sid <> $3 AND " LSO_CONNECTED " LIMIT 1"},
    {Query::DisconnectUserSessions,
     "UPDATE participant_sessions SET disconnected_at = " LSO_TIME(
         3) " WHERE livestream_id = $1::uuid AND user_id = $2 AND " LSO_CONNECTED},
    {Query::DisconnectAllSessions,
     "UPDATE participant_sessions SET disconnected_at = " LSO_TIME(
         2) " WHERE livestream_id = $1::uuid AND " LSO_CONNECTED},
    {Query::ConnectedPeople,
     "SELECT user_id, min(display_name), min(role), " LSO_MICROS(
         "min(connected_at)") " FROM participant_sessions WHERE livestream_id = $1::uuid AND " LSO_CONNECTED
                              " GROUP BY user_id ORDER BY min(connected_at), user_id"},
    {Query::ViewerWatchTimes,
     "SELECT " LSO_MICROS("coalesce(disconnected_at, " LSO_TIME(2) ")") " - " LSO_MICROS(
         "connected_at") " FROM participant_sessions "
                         "WHERE livestream_id = $1::uuid AND role = 'VIEWER' AND "
                         "connected_at IS NOT NULL"},

    {Query::RecordViewerSample,
     "INSERT INTO viewer_series AS v (livestream_id, " LSO_SERIES_COLUMNS
     ") VALUES ($1::uuid, $2::integer, $3::bigint, $4::bigint, $5::bigint, $6::bigint) "
     "ON CONFLICT (livestream_id, width, bucket_start) DO UPDATE "
     "SET min_viewers = LEAST(v.min_viewers, EXCLUDED.min_viewers), "
     "max_viewers = GREATEST(v.max_viewers, EXCLUDED.max_viewers), "
     "last_viewers = EXCLUDED.last_viewers"},
    {Query::ViewerSeries,
     "SELECT " LSO_SERIES_COLUMNS " FROM viewer_series WHERE livestream_id = $1::uuid "
     "AND bucket_start >= $2::bigint AND bucket_start < $3::bigint ORDER BY bucket_start, width"},
    {Query::ViewerBucketBefore,
     "SELECT " LSO_SERIES_COLUMNS " FROM viewer_series WHERE livestream_id = $1::uuid "
     "AND bucket_start < $2::bigint ORDER BY bucket_start DESC, width DESC LIMIT 1"},
    // A minute's last value is the last of its latest 10 s bucket.
    {Query::DownsampleViewerSeries,
     "INSERT INTO viewer_series AS v (livestream_id, " LSO_SERIES_COLUMNS ") "
     "SELECT livestream_id, 60, minute, min(min_viewers), max(max_viewers), max(lastv) FROM ("
     "SELECT livestream_id, bucket_start - bucket_start % 60000000 AS minute, min_viewers, "
     "max_viewers, first_value(last_viewers) OVER (PARTITION BY livestream_id, "
     "bucket_start - bucket_start % 60000000 ORDER BY bucket_start DESC) AS lastv "
     "FROM viewer_series WHERE width = 10 AND bucket_start < $1::bigint) AS f "
     "GROUP BY livestream_id, minute "
     "ON CONFLICT (livestream_id, width, bucket_start) DO UPDATE "
     "SET min_viewers = LEAST(v.min_viewers, EXCLUDED.min_viewers), "
     "max_viewers = GREATEST(v.max_viewers, EXCLUDED.max_viewers), "
     "last_viewers = EXCLUDED.last_viewers"},
    {Query::DeleteFineBuckets,
     "DELETE FROM viewer_series WHERE width = 10 AND bucket_start < $1::bigint"},
    {Query::DeleteOldSessions,
     "DELETE FROM participant_sessions WHERE sid IN (SELECT s.sid FROM participant_sessions s "
     "JOIN livestreams l ON l.id = s.livestream_id WHERE l.ended_at < " LSO_TIME(
         1) " LIMIT $2::bigint)"},
    {Query::DeleteOldSeries,
     "DELETE FROM viewer_series WHERE (livestream_id, width, bucket_start) IN ("
     "SELECT v.livestream_id, v.width, v.bucket_start FROM viewer_series v "
     "JOIN livestreams l ON l.id = v.livestream_id WHERE l.ended_at < " LSO_TIME(
         1) " LIMIT $2::bigint)"},

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

    {Query::InsertUser,
     "INSERT INTO users (id, display_name, password_hash, admin, disabled, created_at, updated_at) "
     "VALUES ($1, $2, $3, $4::integer <> 0, $5::integer <> 0, " LSO_TIME(6) ", " LSO_TIME(7) ")"},
    {Query::FindUser, LSO_SELECT_USERS "WHERE id = $1"},
    {Query::CountUsers, "SELECT count(*) FROM users"},
    {Query::ListUsers, LSO_SELECT_USERS "ORDER BY created_at, id LIMIT $1 OFFSET $2"},
    {Query::SetUserPassword, "UPDATE users SET password_hash = $2, updated_at = " LSO_TIME(
                                 3) " WHERE id = $1 RETURNING " LSO_USER_COLUMNS},
    {Query::SetUserAdmin, "UPDATE users SET admin = $2::integer <> 0, updated_at = " LSO_TIME(
                              3) " WHERE id = $1 RETURNING " LSO_USER_COLUMNS},
    {Query::SetUserDisabled, "UPDATE users SET disabled = $2::integer <> 0, updated_at = " LSO_TIME(
                                 3) " WHERE id = $1 RETURNING " LSO_USER_COLUMNS},

    {Query::InsertSession,
     "INSERT INTO auth_sessions (id_hash, user_id, display_name, guest, created_at, expires_at, "
     "last_seen_at) VALUES ($1, $2, $3, $4::integer <> 0, " LSO_TIME(5) ", " LSO_TIME(
         6) ", " LSO_TIME(7) ")"},
    // A guest's id is never an account's, even if an account of that name exists.
    {Query::FindSession,
     "SELECT " LSO_SESSION_COLUMNS("s.") ", u.admin::integer, u.disabled::integer, u.display_name "
     "FROM auth_sessions s LEFT JOIN users u ON u.id = s.user_id AND NOT s.guest "
     "WHERE s.id_hash = $1"},
    {Query::TouchSession,
     "UPDATE auth_sessions SET last_seen_at = " LSO_TIME(2) " WHERE id_hash = $1"},
    {Query::DeleteSession, "DELETE FROM auth_sessions WHERE id_hash = $1"},
    {Query::DeleteUserSessions,
     "DELETE FROM auth_sessions WHERE user_id = $1 AND id_hash <> $2 RETURNING id_hash"},
    {Query::DeleteExpiredSessions,
     "DELETE FROM auth_sessions WHERE id_hash IN (SELECT id_hash FROM auth_sessions "
     "WHERE expires_at < " LSO_TIME(1) " OR last_seen_at < " LSO_TIME(2) " LIMIT $3)"},

    {Query::InsertApiKey,
     "INSERT INTO api_keys (id, name, prefix, secret_hash, scopes, owner_id, created_at, "
     "last_used_at, revoked_at) VALUES ($1::uuid, $2, $3, $4, $5::integer, $6, " LSO_TIME(
         7) ", " LSO_TIME(8) ", " LSO_TIME(9) ")"},
    {Query::FindApiKeyByHash,
     "SELECT " LSO_API_KEY_COLUMNS("k.") ", u.display_name, u.admin::integer, u.disabled::integer "
     "FROM api_keys k LEFT JOIN users u ON u.id = k.owner_id WHERE k.secret_hash = $1"},
    {Query::ListApiKeys,
     "SELECT " LSO_API_KEY_COLUMNS("") " FROM api_keys ORDER BY created_at DESC, id DESC"},
    {Query::RevokeApiKey,
     "UPDATE api_keys SET revoked_at = " LSO_TIME(
         2) " WHERE id = $1::uuid AND revoked_at IS NULL RETURNING " LSO_API_KEY_COLUMNS("")},
    {Query::TouchApiKey, "UPDATE api_keys SET last_used_at = " LSO_TIME(2) " WHERE id = $1::uuid"},

    {Query::InsertAudit,
     "INSERT INTO audit_log (at, action, principal, ip, target, outcome, details) "
     "VALUES (" LSO_TIME(1) ", $2, $3, $4, $5, $6, $7::jsonb) RETURNING id"},
    {Query::ListAudit, LSO_SELECT_AUDIT "WHERE id < $1::bigint ORDER BY id DESC LIMIT $2"},
    {Query::ListAuditByAction,
     LSO_SELECT_AUDIT "WHERE action = $1 AND id < $2::bigint ORDER BY id DESC LIMIT $3"},
    {Query::DeleteAuditBefore,
     "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < " LSO_TIME(
         1) " LIMIT $2)"},

    {Query::AddInvite,
     "INSERT INTO livestream_invites (livestream_id, user_id, created_at) "
     "VALUES ($1::uuid, $2, " LSO_TIME(3) ") ON CONFLICT DO NOTHING"},
    {Query::RemoveInvite,
     "DELETE FROM livestream_invites WHERE livestream_id = $1::uuid AND user_id = $2"},
    {Query::IsInvited,
     "SELECT 1 FROM livestream_invites WHERE livestream_id = $1::uuid AND user_id = $2"},
    {Query::ListInvites,
     "SELECT livestream_id::text, user_id, " LSO_MICROS("created_at") " FROM livestream_invites "
     "WHERE livestream_id = $1::uuid ORDER BY created_at, user_id"},

    {Query::InsertChatMessage,
     "INSERT INTO chat_messages (id, livestream_id, user_id, display_name, text, created_at, "
     "deleted_at, deleted_by, client_id) VALUES ($1::uuid, $2::uuid, $3, $4, $5, " LSO_TIME(
         6) ", " LSO_TIME(7) ", $8, $9) ON CONFLICT DO NOTHING"},
    {Query::FindChatMessage,
     "SELECT " LSO_CHAT_COLUMNS " FROM chat_messages WHERE id = $1::uuid"},
    {Query::FindChatMessageByClientId,
     "SELECT " LSO_CHAT_COLUMNS " FROM chat_messages "
     "WHERE livestream_id = $1::uuid AND user_id = $2 AND client_id = $3"},
    {Query::ListChatMessages,
     "SELECT " LSO_CHAT_COLUMNS " FROM chat_messages WHERE livestream_id = $1::uuid "
     "AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2"},
    {Query::ListChatMessagesBefore,
     "SELECT " LSO_CHAT_COLUMNS " FROM chat_messages WHERE livestream_id = $1::uuid "
     "AND deleted_at IS NULL AND (created_at, id) < (" LSO_TIME(2) ", $3::uuid) "
     "ORDER BY created_at DESC, id DESC LIMIT $4"},
    {Query::ChatActivity,
     "SELECT (SELECT count(*) FROM chat_messages WHERE livestream_id = $1::uuid AND user_id = $2 "
     "AND created_at >= " LSO_TIME(3) "), " LSO_MICROS("(SELECT max(created_at) FROM chat_messages "
     "WHERE livestream_id = $1::uuid AND user_id = $2)")},
    {Query::DeleteChatMessage,
     "UPDATE chat_messages SET deleted_at = " LSO_TIME(3) ", deleted_by = $2 WHERE id = $1::uuid "
     "AND deleted_at IS NULL"},
    {Query::ChatSlowMode,
     "SELECT chat_slow_mode_seconds FROM livestreams WHERE id = $1::uuid"},
    {Query::SetChatSlowMode,
     "UPDATE livestreams SET chat_slow_mode_seconds = $2::integer WHERE id = $1::uuid"},
    {Query::FindMember,
     "SELECT " LSO_MEMBER_COLUMNS " FROM livestream_members WHERE livestream_id = $1::uuid "
     "AND user_id = $2"},
    {Query::SaveMember,
     "INSERT INTO livestream_members (livestream_id, user_id, display_name, moderator, "
     "chat_timeout_until, banned, hand_raised_at, stage, updated_at) VALUES ($1::uuid, $2, $3, "
     "$4::integer <> 0, " LSO_TIME(5) ", $6::integer <> 0, " LSO_TIME(7) ", $8, " LSO_TIME(
         9) ") ON CONFLICT (livestream_id, user_id) DO UPDATE "
     "SET display_name = EXCLUDED.display_name, moderator = EXCLUDED.moderator, "
     "chat_timeout_until = EXCLUDED.chat_timeout_until, banned = EXCLUDED.banned, "
     "hand_raised_at = EXCLUDED.hand_raised_at, stage = EXCLUDED.stage, "
     "updated_at = EXCLUDED.updated_at"},
    {Query::ListMembers,
     "SELECT " LSO_MEMBER_COLUMNS " FROM livestream_members WHERE livestream_id = $1::uuid "
     "ORDER BY updated_at, user_id"},
    {Query::InsertModeration,
     "INSERT INTO moderation_log (livestream_id, at, actor_id, action, target_user_id, "
     "message_id, details) VALUES ($1::uuid, " LSO_TIME(2) ", $3, $4, $5, $6, $7::jsonb) "
     "RETURNING id"},
    {Query::ListModeration,
     "SELECT " LSO_MODERATION_COLUMNS " FROM moderation_log WHERE livestream_id = $1::uuid "
     "AND id < $2::bigint ORDER BY id DESC LIMIT $3"},

    // A racing instance's uncommitted insert makes this one wait for its commit, then do nothing.
    {Query::InsertSecretIfAbsent,
     "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING"},
    {Query::FindSecret, "SELECT value FROM server_secrets WHERE name = $1"},

    {Query::FindIngest,
     "SELECT " LSO_INGEST_COLUMNS " FROM ingests WHERE livestream_id = $1::uuid"},
    {Query::LockIngestByIngress,
     "SELECT " LSO_INGEST_COLUMNS " FROM ingests WHERE ingress_id = $1 FOR UPDATE"},
    {Query::UpsertIngest,
     "INSERT INTO ingests (livestream_id, ingress_id, input, url, status, error, "
     "session_started_at, status_rank, created_at, updated_at) VALUES ($1::uuid, $2, $3, $4, $5, "
     "$6, $7::bigint, $8::integer, " LSO_TIME(9) ", " LSO_TIME(10) ") "
     "ON CONFLICT (livestream_id) DO UPDATE SET "
     "ingress_id = excluded.ingress_id, input = excluded.input, url = excluded.url, "
     "status = excluded.status, error = excluded.error, "
     "session_started_at = excluded.session_started_at, status_rank = excluded.status_rank, "
     "updated_at = excluded.updated_at"},
    {Query::DeleteIngest, "DELETE FROM ingests WHERE livestream_id = $1::uuid"},
    {Query::ListLiveIngests,
     "SELECT " LSO_INGEST_COLUMNS " FROM ingests WHERE status IN ('buffering', 'publishing')"},
    {Query::InsertRecordingIfAbsent,
     "INSERT INTO recordings (id, livestream_id, egress_id, status, requested_by, started_at, "
     "ended_at, duration_ms, size_bytes, file_location, playlist_location, error, "
     "livekit_updated_at, created_at, updated_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5, "
     LSO_TIME(6) ", " LSO_TIME(7) ", $8::bigint, $9::bigint, $10, $11, $12, $13::bigint, "
     LSO_TIME(14) ", " LSO_TIME(15) ") ON CONFLICT (egress_id) DO NOTHING"},
    {Query::LockRecordingByEgress,
     "SELECT " LSO_RECORDING_COLUMNS " FROM recordings WHERE egress_id = $1 FOR UPDATE"},
    {Query::FindRecording,
     "SELECT " LSO_RECORDING_COLUMNS " FROM recordings WHERE id = $1::uuid"},
    {Query::UpdateRecording,
     "UPDATE recordings SET status = $4, requested_by = $5, started_at = " LSO_TIME(6) ", "
     "ended_at = " LSO_TIME(7) ", duration_ms = $8::bigint, size_bytes = $9::bigint, "
     "file_location = $10, playlist_location = $11, error = $12, "
     "livekit_updated_at = $13::bigint, updated_at = " LSO_TIME(15) " "
     "WHERE id = $1::uuid AND livestream_id = $2::uuid AND egress_id = $3 "
     "AND $14::bigint IS NOT NULL"},
    {Query::ListRecordings,
     "SELECT " LSO_RECORDING_COLUMNS " FROM recordings WHERE livestream_id = $1::uuid "
     "ORDER BY created_at DESC, id DESC"},
    {Query::ListActiveRecordings,
     "SELECT " LSO_RECORDING_COLUMNS " FROM recordings "
     "WHERE status IN ('starting', 'active', 'ending')"},
};

#undef LSO_INGEST_COLUMNS
#undef LSO_RECORDING_COLUMNS
#undef LSO_MICROS
#undef LSO_TIME
#undef LSO_CHAT_COLUMNS
#undef LSO_MEMBER_COLUMNS
#undef LSO_MODERATION_COLUMNS
#undef LSO_LIVESTREAM_COLUMNS
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
#undef LSO_SELECT_AUDIT

constexpr sql::StatementTable kTable(kStatements);

// clang-format on
}  // namespace

std::string_view statement_sql(sql::Query query) {
  return kTable[query];
}

}  // namespace lso::store::postgres
