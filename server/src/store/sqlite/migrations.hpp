// The SQLite schema as versioned migrations, applied in order by SqliteStore::migrate().
// Times are INTEGER microseconds since the epoch, metadata JSON text, enums their wire spelling.
#pragma once

#include <array>

#include "store/sql/migration.hpp"

namespace lso::store::sqlite {

inline constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT;
)sql";

// Unique indexes are named after the uniqueness rules of domain::Queries. SQLite reports a
// violation by column list, not index name: unique_rule() in connection.cpp maps it back.
inline constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE livestreams (
  id               TEXT PRIMARY KEY,
  room_name        TEXT NOT NULL,
  title            TEXT NOT NULL,
  description      TEXT,
  status           TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'LIVE', 'ENDED', 'ERROR')),
  created_by       TEXT NOT NULL,
  max_participants INTEGER NOT NULL,
  empty_timeout    INTEGER NOT NULL,
  metadata         TEXT,
  peak_viewers     INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  started_at       INTEGER,
  ended_at         INTEGER
) STRICT;

CREATE UNIQUE INDEX livestreams_active_room ON livestreams (room_name)
  WHERE status IN ('SCHEDULED', 'LIVE');
CREATE INDEX livestreams_created ON livestreams (created_at DESC, id DESC);
CREATE INDEX livestreams_status_created ON livestreams (status, created_at DESC, id DESC);
CREATE INDEX livestreams_creator_created ON livestreams (created_by, created_at DESC, id DESC);

CREATE TABLE participants (
  id                      TEXT PRIMARY KEY,
  livestream_id           TEXT NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id                 TEXT NOT NULL,
  display_name            TEXT NOT NULL,
  role                    TEXT NOT NULL CHECK (role IN ('HOST', 'VIEWER')),
  status                  TEXT NOT NULL CHECK (status IN ('JOINED', 'LEFT')),
  metadata                TEXT,
  livekit_participant_sid TEXT,
  livekit_room_sid        TEXT,
  joined_at               INTEGER NOT NULL,
  left_at                 INTEGER
) STRICT;

CREATE UNIQUE INDEX participants_active_session ON participants (livestream_id, user_id)
  WHERE status = 'JOINED';
CREATE UNIQUE INDEX participants_livekit_sid ON participants (livekit_participant_sid)
  WHERE livekit_participant_sid IS NOT NULL;
CREATE INDEX participants_livestream_joined ON participants (livestream_id, joined_at DESC, id DESC);

CREATE TABLE processed_webhooks (
  id           TEXT PRIMARY KEY,
  event        TEXT NOT NULL,
  processed_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX processed_webhooks_expires ON processed_webhooks (expires_at);
)sql";

// Identity (domain/identity.hpp): who may see a livestream, accounts, their sessions, API keys,
// the audit log, invite lists and the secrets every instance shares. Existing livestreams become
// public with an unknown creator name, as they were visible to everyone before.
inline constexpr std::string_view kIdentitySchema = R"sql(
ALTER TABLE livestreams ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
  CHECK (visibility IN ('public', 'unlisted', 'private'));
ALTER TABLE livestreams ADD COLUMN creator_name TEXT NOT NULL DEFAULT '';
CREATE INDEX livestreams_visibility_created ON livestreams (visibility, created_at DESC, id DESC);

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  admin         INTEGER NOT NULL CHECK (admin IN (0, 1)),
  disabled      INTEGER NOT NULL CHECK (disabled IN (0, 1)),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX users_created ON users (created_at, id);

-- user_id has no foreign key: guest sessions belong to no account.
CREATE TABLE auth_sessions (
  id_hash      TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL,
  display_name TEXT NOT NULL,
  guest        INTEGER NOT NULL CHECK (guest IN (0, 1)),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) STRICT;

CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);
-- The cleanup's idle condition: without it every run would read the whole table.
CREATE INDEX auth_sessions_last_seen ON auth_sessions (last_seen_at);

-- owner_id has no foreign key: the owner may be a host-app (JWT) admin without an account.
CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  secret_hash  TEXT NOT NULL,
  scopes       INTEGER NOT NULL,
  owner_id     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;

CREATE UNIQUE INDEX api_keys_secret ON api_keys (secret_hash);

-- AUTOINCREMENT: ids never go back, even when the newest entries were deleted, so paging by id
-- stays newest first.
CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at        INTEGER NOT NULL,
  action    TEXT NOT NULL,
  principal TEXT NOT NULL,
  ip        TEXT NOT NULL,
  target    TEXT NOT NULL,
  outcome   TEXT NOT NULL,
  details   TEXT
) STRICT;

CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE livestream_invites (
  livestream_id TEXT NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id       TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (livestream_id, user_id)
) STRICT;

CREATE TABLE server_secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
)sql";

// Audience (docs/architecture.md, "Audience"): one row per LiveKit session, the counters in the
// livestream's row, the viewer series. Existing data is carried over: every participant record
// with a LiveKit sid becomes a session (connected while it is JOINED) and the counters are
// computed from them.
inline constexpr std::string_view kAudienceSchema = R"sql(
ALTER TABLE livestreams ADD COLUMN viewer_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE livestreams ADD COLUMN total_viewers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE livestreams ADD COLUMN peak_at INTEGER;
ALTER TABLE livestreams ADD COLUMN host_connected INTEGER NOT NULL DEFAULT 0;

CREATE TABLE participant_sessions (
  sid             TEXT PRIMARY KEY,
  livestream_id   TEXT NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id         TEXT NOT NULL,
  display_name    TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('HOST', 'VIEWER')),
  room_sid        TEXT,
  connected_at    INTEGER,
  disconnected_at INTEGER
) STRICT;

CREATE INDEX participant_sessions_user ON participant_sessions (livestream_id, user_id);
CREATE INDEX participant_sessions_connected ON participant_sessions (livestream_id, user_id)
  WHERE connected_at IS NOT NULL AND disconnected_at IS NULL;

CREATE TABLE viewer_series (
  livestream_id TEXT NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  width         INTEGER NOT NULL,
  bucket_start  INTEGER NOT NULL,
  min_viewers   INTEGER NOT NULL,
  max_viewers   INTEGER NOT NULL,
  last_viewers  INTEGER NOT NULL,
  PRIMARY KEY (livestream_id, width, bucket_start)
) STRICT, WITHOUT ROWID;

CREATE INDEX viewer_series_width_start ON viewer_series (width, bucket_start);

INSERT INTO participant_sessions (sid, livestream_id, user_id, display_name, role, room_sid,
    connected_at, disconnected_at)
  SELECT livekit_participant_sid, livestream_id, user_id, display_name, role, livekit_room_sid,
         joined_at, CASE WHEN status = 'LEFT' THEN coalesce(left_at, joined_at) END
  FROM participants WHERE livekit_participant_sid IS NOT NULL;

UPDATE livestreams SET
  viewer_count = (SELECT count(DISTINCT s.user_id) FROM participant_sessions s
                  WHERE s.livestream_id = livestreams.id AND s.role = 'VIEWER'
                    AND s.connected_at IS NOT NULL AND s.disconnected_at IS NULL),
  total_viewers = (SELECT count(DISTINCT s.user_id) FROM participant_sessions s
                   WHERE s.livestream_id = livestreams.id AND s.role = 'VIEWER'
                     AND s.connected_at IS NOT NULL),
  host_connected = EXISTS (SELECT 1 FROM participant_sessions s
                           WHERE s.livestream_id = livestreams.id AND s.role = 'HOST'
                             AND s.connected_at IS NOT NULL AND s.disconnected_at IS NULL);
UPDATE livestreams SET peak_viewers = viewer_count WHERE viewer_count > peak_viewers;
)sql";

// Chat, moderation and the stage. Messages are kept after the livestream ends (replay); deleted
// ones keep their row (the moderation log points at them) but leave history.
inline constexpr std::string_view kChatSchema = R"sql(
ALTER TABLE livestreams ADD COLUMN chat_slow_mode_seconds INTEGER NOT NULL DEFAULT 0;

CREATE TABLE chat_messages (
  id            TEXT PRIMARY KEY,
  livestream_id TEXT NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id       TEXT NOT NULL,
  display_name  TEXT NOT NULL,
  text          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  deleted_at    INTEGER,
  deleted_by    TEXT,
  client_id     TEXT
) STRICT;

CREATE INDEX chat_messages_history ON chat_messages (livestream_id, created_at, id);
CREATE INDEX chat_messages_author ON chat_messages (livestream_id, user_id, created_at);
CREATE UNIQUE INDEX chat_messages_client_id ON chat_messages (livestream_id, user_id, client_id)
  WHERE client_id IS NOT NULL;

CREATE TABLE livestream_members (
  livestream_id      TEXT NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id            TEXT NOT NULL,
  display_name       TEXT NOT NULL,
  moderator          INTEGER NOT NULL DEFAULT 0,
  chat_timeout_until INTEGER,
  banned             INTEGER NOT NULL DEFAULT 0,
  hand_raised_at     INTEGER,
  stage              TEXT CHECK (stage IN ('INVITED', 'ON')),
  updated_at         INTEGER NOT NULL,
  PRIMARY KEY (livestream_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE moderation_log (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  livestream_id  TEXT NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  at             INTEGER NOT NULL,
  actor_id       TEXT NOT NULL,
  action         TEXT NOT NULL,
  target_user_id TEXT,
  message_id     TEXT,
  details        TEXT
) STRICT;

CREATE INDEX moderation_log_livestream ON moderation_log (livestream_id, id);
)sql";

// Ingest (LiveKit Ingress) and recordings (LiveKit Egress), docs/architecture.md "Ingest and
// recordings". The stream key is not stored.
inline constexpr std::string_view kIngestRecordingsSchema = R"sql(
CREATE TABLE ingests (
  livestream_id      TEXT PRIMARY KEY REFERENCES livestreams (id) ON DELETE CASCADE,
  ingress_id         TEXT NOT NULL UNIQUE,
  input              TEXT NOT NULL CHECK (input IN ('rtmp', 'whip')),
  url                TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('inactive', 'buffering', 'publishing', 'error')),
  error              TEXT,
  session_started_at INTEGER NOT NULL DEFAULT 0,
  status_rank        INTEGER NOT NULL DEFAULT 0,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX ingests_live ON ingests (status) WHERE status IN ('buffering', 'publishing');

CREATE TABLE recordings (
  id                 TEXT PRIMARY KEY,
  livestream_id      TEXT NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  egress_id          TEXT NOT NULL UNIQUE,
  status             TEXT NOT NULL CHECK (status IN ('starting', 'active', 'ending', 'complete',
                                                     'failed', 'aborted', 'limit_reached')),
  requested_by       TEXT,
  started_at         INTEGER,
  ended_at           INTEGER,
  duration_ms        INTEGER,
  size_bytes         INTEGER,
  file_location      TEXT,
  playlist_location  TEXT,
  error              TEXT,
  livekit_updated_at INTEGER NOT NULL DEFAULT 0,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX recordings_livestream ON recordings (livestream_id, created_at);
CREATE INDEX recordings_active ON recordings (status)
  WHERE status IN ('starting', 'active', 'ending');
)sql";

inline constexpr std::array<sql::Migration, 5> kMigrations{{
    {1, "initial schema", kInitialSchema},
    {2, "identity", kIdentitySchema},
    {3, "audience", kAudienceSchema},
    {4, "ingest and recordings", kIngestRecordingsSchema},
    {5, "chat and moderation", kChatSchema},
}};

}  // namespace lso::store::sqlite
