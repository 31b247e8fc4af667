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

inline constexpr std::array<sql::Migration, 1> kMigrations{{
    {1, "initial schema", kInitialSchema},
}};

}  // namespace lso::store::sqlite
