// The PostgreSQL schema as versioned migrations, applied in order by PostgresStore::migrate()
// under an advisory lock so that several instances starting together apply each one once.
#pragma once

#include <array>
#include <cstdint>

#include "store/sql/migration.hpp"

namespace lso::store::postgres {

// pg_advisory_lock key serialising migrators: the bytes of "LSOMIGRA".
inline constexpr std::int64_t kMigrationLockKey = 5499826763309994561;

inline constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
)sql";

// Unique indexes are named after the uniqueness rules of domain::Queries: a 23505 error carries
// the index name, which becomes UniqueViolation::constraint() unchanged.
inline constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE livestreams (
  id               uuid PRIMARY KEY,
  room_name        text NOT NULL,
  title            text NOT NULL,
  description      text,
  status           text NOT NULL CHECK (status IN ('SCHEDULED', 'LIVE', 'ENDED', 'ERROR')),
  created_by       text NOT NULL,
  max_participants integer NOT NULL,
  empty_timeout    integer NOT NULL,
  metadata         jsonb,
  peak_viewers     bigint NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  started_at       timestamptz,
  ended_at         timestamptz
);

CREATE UNIQUE INDEX livestreams_active_room ON livestreams (room_name)
  WHERE status IN ('SCHEDULED', 'LIVE');
CREATE INDEX livestreams_created ON livestreams (created_at DESC, id DESC);
CREATE INDEX livestreams_status_created ON livestreams (status, created_at DESC, id DESC);
CREATE INDEX livestreams_creator_created ON livestreams (created_by, created_at DESC, id DESC);

CREATE TABLE participants (
  id                      uuid PRIMARY KEY,
  livestream_id           uuid NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id                 text NOT NULL,
  display_name            text NOT NULL,
  role                    text NOT NULL CHECK (role IN ('HOST', 'VIEWER')),
  status                  text NOT NULL CHECK (status IN ('JOINED', 'LEFT')),
  metadata                jsonb,
  livekit_participant_sid text,
  livekit_room_sid        text,
  joined_at               timestamptz NOT NULL,
  left_at                 timestamptz
);

CREATE UNIQUE INDEX participants_active_session ON participants (livestream_id, user_id)
  WHERE status = 'JOINED';
CREATE UNIQUE INDEX participants_livekit_sid ON participants (livekit_participant_sid)
  WHERE livekit_participant_sid IS NOT NULL;
CREATE INDEX participants_livestream_joined ON participants (livestream_id, joined_at DESC, id DESC);

CREATE TABLE processed_webhooks (
  id           text PRIMARY KEY,
  event        text NOT NULL,
  processed_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);

CREATE INDEX processed_webhooks_expires ON processed_webhooks (expires_at);
)sql";

inline constexpr std::array<sql::Migration, 1> kMigrations{{
    {1, "initial schema", kInitialSchema},
}};

}  // namespace lso::store::postgres
