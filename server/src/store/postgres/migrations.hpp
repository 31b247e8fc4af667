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

// Webhook participant events applied inside the database, so a batch of them costs one round
// trip instead of three per event while the batch holds its livestream's row lock (the lock
// serializes one livestream's batches; see docs/architecture.md, "Participant events on
// PostgreSQL"). The rules are WebhookProcessor::effects() for participant events, statement for
// statement; the webhook effect tests run them against both backends.
inline constexpr std::string_view kParticipantEventFunctions = R"sql(
-- The record a webhook implies for a session without one (WebhookProcessor's participant_from):
-- adopted (JOINED) or a LEFT tombstone carrying its sid. A uniqueness rule hit means a concurrent
-- writer got there first: the job is retried and then sees it.
CREATE FUNCTION lso_insert_webhook_participant(p_id uuid, p_livestream uuid, p_host text,
    p_user text, p_name text, p_status text, p_sid text, p_room_sid text, p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
-- Index probes whatever the statistics say (see lso_participant_joins_in_bulk).
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $fn$
BEGIN
  INSERT INTO participants (id, livestream_id, user_id, display_name, role, status, metadata,
      livekit_participant_sid, livekit_room_sid, joined_at, left_at)
    VALUES (p_id, p_livestream, p_user, CASE WHEN p_name = '' THEN p_user ELSE p_name END,
      CASE WHEN p_user = p_host THEN 'HOST' ELSE 'VIEWER' END, p_status, NULL,
      NULLIF(p_sid, ''), NULLIF(p_room_sid, ''), p_now,
      CASE WHEN p_status = 'LEFT' THEN p_now END)
    ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'participant changed concurrently; retried' USING ERRCODE = 'LS409';
  END IF;
END
$fn$;
CREATE FUNCTION lso_participant_joined(p_livestream uuid, p_host text, p_user text, p_name text,
    p_sid text, p_room_sid text, p_new_id uuid, p_now timestamptz,
    OUT outcome text, OUT state_of uuid)
LANGUAGE plpgsql
-- Index probes whatever the statistics say (see lso_participant_joins_in_bulk).
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $fn$
DECLARE
  v_active_sid text;
BEGIN
  IF p_livestream IS NULL OR p_user = '' THEN
    outcome := 'unknown';
    RETURN;
  END IF;
  IF p_sid <> '' AND EXISTS (SELECT 1 FROM participants WHERE livekit_participant_sid = p_sid) THEN
    outcome := 'no_effect';  -- seen (joined, or left before)
    RETURN;
  END IF;
  SELECT livekit_participant_sid INTO v_active_sid FROM participants
    WHERE livestream_id = p_livestream AND user_id = p_user AND status = 'JOINED';
  IF FOUND THEN
    IF p_sid = '' OR v_active_sid IS NOT DISTINCT FROM p_sid THEN
      outcome := 'no_effect';
      RETURN;
    END IF;
    UPDATE participants SET livekit_participant_sid = p_sid, livekit_room_sid = p_room_sid
      WHERE livestream_id = p_livestream AND user_id = p_user AND status = 'JOINED';
    outcome := 'applied';
    RETURN;
  END IF;
  PERFORM lso_insert_webhook_participant(p_new_id, p_livestream, p_host, p_user, p_name,
    'JOINED', p_sid, p_room_sid, p_now);
  outcome := 'applied';
  state_of := p_livestream;
END
$fn$;

CREATE FUNCTION lso_participant_left(p_livestream uuid, p_host text, p_user text, p_name text,
    p_sid text, p_room_sid text, p_new_id uuid, p_now timestamptz,
    OUT outcome text, OUT state_of uuid)
LANGUAGE plpgsql
-- Index probes whatever the statistics say (see lso_participant_joins_in_bulk).
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $fn$
DECLARE
  v_active_sid text;
BEGIN
  IF p_sid <> '' THEN
    UPDATE participants SET status = 'LEFT', left_at = p_now
      WHERE livekit_participant_sid = p_sid AND status = 'JOINED'
      RETURNING livestream_id INTO state_of;
    IF FOUND THEN
      outcome := 'applied';
      RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM participants WHERE livekit_participant_sid = p_sid) THEN
      outcome := 'no_effect';  -- already LEFT
      RETURN;
    END IF;
  END IF;
  IF p_livestream IS NULL OR p_user = '' THEN
    outcome := 'unknown';
    RETURN;
  END IF;
  SELECT livekit_participant_sid INTO v_active_sid FROM participants
    WHERE livestream_id = p_livestream AND user_id = p_user AND status = 'JOINED';
  IF FOUND AND (p_sid = '' OR v_active_sid IS NULL) THEN
    -- The join webhook has not attached a sid yet: this leave is for the active session, and
    -- the sid is recorded on it so that the late join finds the session LEFT.
    UPDATE participants SET status = 'LEFT', left_at = p_now,
        livekit_participant_sid = CASE WHEN p_sid = '' THEN livekit_participant_sid ELSE p_sid END,
        livekit_room_sid = CASE WHEN p_sid = '' THEN livekit_room_sid ELSE p_room_sid END
      WHERE livestream_id = p_livestream AND user_id = p_user AND status = 'JOINED';
    outcome := 'applied';
    state_of := p_livestream;
    RETURN;
  END IF;
  IF p_sid = '' THEN
    outcome := 'no_effect';
    RETURN;
  END IF;
  -- A leave before its join (or of an older session): remember the sid as LEFT.
  PERFORM lso_insert_webhook_participant(p_new_id, p_livestream, p_host, p_user, p_name,
    'LEFT', p_sid, p_room_sid, p_now);
  outcome := 'no_effect';
END
$fn$;

-- A run of participant_joined events with distinct webhook ids, distinct (livestream, identity)
-- pairs and distinct sids is order-independent: no event reads what another writes, so each
-- event's outcome depends only on what was stored before the run, and the run can be applied by
-- set-based statements (a busy livestream's joins, a few statements per batch instead of four
-- per event). Outcomes are exactly those of lso_participant_joined; a NULL result means the run
-- does not qualify.
CREATE FUNCTION lso_participant_joins_in_bulk(p_events jsonb, p_now timestamptz,
    p_expires timestamptz, OUT outcomes text[], OUT states uuid[])
LANGUAGE plpgsql
-- Probe the indexes row by row whatever the statistics say: a plan cached while the table was
-- small (a fresh table filled by a burst of joins before autovacuum analysed it) must not become
-- a hash of the whole table, or a loop over it, for every batch. For the same reason nothing
-- here joins the participants table: lookups are per-event subqueries, attaches updates by key.
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $fn$
DECLARE
  v_qualifies boolean;
  v_attach jsonb;
  v_row jsonb;
BEGIN
  SELECT bool_and(e ->> 'event' = 'participant_joined')
         AND count(DISTINCT e ->> 'id') = count(*)
         AND count(DISTINCT (e ->> 'livestream', e ->> 'identity')) = count(*)
         AND count(DISTINCT NULLIF(e ->> 'sid', '')) = count(NULLIF(e ->> 'sid', ''))
    INTO v_qualifies FROM jsonb_array_elements(p_events) AS e;
  IF NOT coalesce(v_qualifies, false) THEN
    RETURN;
  END IF;
  WITH ev AS (
    SELECT x.n, x.id, x.event, NULLIF(x.livestream, '')::uuid AS livestream, x.host, x.identity,
           x.name, x.sid, x.room_sid, x.new_id
    FROM ROWS FROM (jsonb_to_recordset(p_events) AS (id text, event text, livestream text,
           host text, identity text, name text, sid text, "roomSid" text, "newId" uuid))
         WITH ORDINALITY AS x(id, event, livestream, host, identity, name, sid, room_sid, new_id, n)
  ), fresh AS (
    INSERT INTO processed_webhooks AS w (id, event, processed_at, expires_at)
      SELECT ev.id, ev.event, p_now, p_expires FROM ev
      ON CONFLICT (id) DO UPDATE SET event = EXCLUDED.event,
        processed_at = EXCLUDED.processed_at, expires_at = EXCLUDED.expires_at
      WHERE w.expires_at < EXCLUDED.processed_at
      RETURNING w.id
  ), looked_up AS MATERIALIZED (
    -- Scalar subqueries, so each is an index probe per event, never a join over the table;
    -- materialized, so the CASE below does not run them once per mention.
    SELECT ev.*,
           ev.id IN (SELECT f.id FROM fresh f) AS is_fresh,
           ev.sid <> '' AND EXISTS (SELECT 1 FROM participants p
                                    WHERE p.livekit_participant_sid = ev.sid) AS sid_seen,
           (SELECT coalesce(p.livekit_participant_sid, '') FROM participants p
            WHERE p.livestream_id = ev.livestream AND p.user_id = ev.identity
              AND p.status = 'JOINED') AS active_sid  -- NULL: no active session
    FROM ev
  ), classified AS (
    SELECT l.*,
           CASE WHEN NOT l.is_fresh THEN 'duplicate'
                WHEN l.livestream IS NULL OR l.identity = '' THEN 'unknown'
                WHEN l.sid_seen THEN 'no_effect'  -- seen (joined, or left before)
                WHEN l.active_sid IS NOT NULL AND (l.sid = '' OR l.active_sid = l.sid)
                  THEN 'no_effect'
                WHEN l.active_sid IS NOT NULL THEN 'attach'
                ELSE 'insert' END AS action
    FROM looked_up l
  ), inserted AS (
    -- A plain insert: the batch holds its livestreams' locks, which exclude every other writer
    -- of their participants, so a uniqueness conflict here is an error like any other (the
    -- batch is then applied one event at a time, and a conflicting event retried).
    INSERT INTO participants (id, livestream_id, user_id, display_name, role, status, metadata,
        livekit_participant_sid, livekit_room_sid, joined_at, left_at)
      SELECT c.new_id, c.livestream, c.identity,
             CASE WHEN c.name = '' THEN c.identity ELSE c.name END,
             CASE WHEN c.identity = c.host THEN 'HOST' ELSE 'VIEWER' END, 'JOINED', NULL,
             NULLIF(c.sid, ''), NULLIF(c.room_sid, ''), p_now, NULL
      FROM classified c WHERE c.action = 'insert'
  )
  SELECT array_agg(CASE WHEN c.action IN ('attach', 'insert') THEN 'applied' ELSE c.action END
                   ORDER BY c.n),
         array_agg(CASE WHEN c.action = 'insert' THEN c.livestream END ORDER BY c.n),
         coalesce(jsonb_agg(jsonb_build_array(c.livestream, c.identity, c.sid, c.room_sid))
                    FILTER (WHERE c.action = 'attach'), '[]')
    INTO outcomes, states, v_attach
    FROM classified c;
  -- Sessions to attach to an active record (an API join without its LiveKit sid yet): rare, and
  -- each an update by key, so no plan can join the whole participants table for them.
  FOR v_row IN SELECT value FROM jsonb_array_elements(v_attach) LOOP
    UPDATE participants SET livekit_participant_sid = v_row ->> 2, livekit_room_sid = v_row ->> 3
      WHERE livestream_id = (v_row ->> 0)::uuid AND user_id = v_row ->> 1 AND status = 'JOINED';
  END LOOP;
END
$fn$;

-- p_events: a JSON array of {id, event, livestream, host, identity, name, sid, roomSid, newId}
-- (livestream "" when no active livestream is known); one row per event, in order.
CREATE FUNCTION lso_apply_participant_events(p_events jsonb, p_now bigint, p_expires bigint)
RETURNS TABLE (outcome text, state_of uuid)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_now timestamptz := timestamptz 'epoch' + p_now * interval '1 microsecond';
  v_expires timestamptz := timestamptz 'epoch' + p_expires * interval '1 microsecond';
  v_bulk record;
  e jsonb;
BEGIN
  SELECT * INTO v_bulk FROM lso_participant_joins_in_bulk(p_events, v_now, v_expires);
  IF v_bulk.outcomes IS NOT NULL THEN
    RETURN QUERY SELECT * FROM unnest(v_bulk.outcomes, v_bulk.states);
    RETURN;
  END IF;
  FOR e IN SELECT x.value FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(value, n)
           ORDER BY x.n LOOP
    INSERT INTO processed_webhooks AS w (id, event, processed_at, expires_at)
      VALUES (e ->> 'id', e ->> 'event', v_now, v_expires)
      ON CONFLICT (id) DO UPDATE SET event = EXCLUDED.event,
        processed_at = EXCLUDED.processed_at, expires_at = EXCLUDED.expires_at
      WHERE w.expires_at < EXCLUDED.processed_at;
    IF NOT FOUND THEN
      outcome := 'duplicate';
      state_of := NULL;
    ELSIF e ->> 'event' = 'participant_joined' THEN
      SELECT * INTO outcome, state_of FROM lso_participant_joined(
        NULLIF(e ->> 'livestream', '')::uuid, e ->> 'host', e ->> 'identity', e ->> 'name',
        e ->> 'sid', e ->> 'roomSid', (e ->> 'newId')::uuid, v_now);
    ELSE
      SELECT * INTO outcome, state_of FROM lso_participant_left(
        NULLIF(e ->> 'livestream', '')::uuid, e ->> 'host', e ->> 'identity', e ->> 'name',
        e ->> 'sid', e ->> 'roomSid', (e ->> 'newId')::uuid, v_now);
    END IF;
    RETURN NEXT;
  END LOOP;
END
$fn$;
)sql";

// Reconciliation marks the users LiveKit no longer lists LEFT, a few hundred per call: one round
// trip, each user an index probe. (A set-based UPDATE … WHERE user_id IN (the list) was planned,
// on the statistics of a table that had just grown, as a scan of the whole room per call.)
inline constexpr std::string_view kMarkParticipantsLeftFunction = R"sql(
CREATE FUNCTION lso_mark_participants_left(p_livestream uuid, p_users jsonb, p_now bigint)
RETURNS bigint
LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $fn$
DECLARE
  v_now timestamptz := timestamptz 'epoch' + p_now * interval '1 microsecond';
  v_user text;
  v_left bigint := 0;
BEGIN
  FOR v_user IN SELECT jsonb_array_elements_text(p_users) LOOP
    UPDATE participants SET status = 'LEFT', left_at = v_now
      WHERE livestream_id = p_livestream AND user_id = v_user AND status = 'JOINED';
    IF FOUND THEN
      v_left := v_left + 1;
    END IF;
  END LOOP;
  RETURN v_left;
END
$fn$;
)sql";

// Identity (domain/identity.hpp): who may see a livestream, accounts, their sessions, API keys,
// the audit log, invite lists and the secrets every instance shares. Existing livestreams become
// public with an unknown creator name, as they were visible to everyone before. (A column with a
// constant default rewrites no rows; the CHECK costs one scan of the table.)
inline constexpr std::string_view kIdentitySchema = R"sql(
ALTER TABLE livestreams
  ADD COLUMN visibility text NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'unlisted', 'private')),
  ADD COLUMN creator_name text NOT NULL DEFAULT '';
CREATE INDEX livestreams_visibility_created ON livestreams (visibility, created_at DESC, id DESC);

-- Ids are login names (free text), not uuids.
CREATE TABLE users (
  id            text PRIMARY KEY,
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  admin         boolean NOT NULL,
  disabled      boolean NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);

CREATE INDEX users_created ON users (created_at, id);

-- user_id has no foreign key: guest sessions belong to no account.
CREATE TABLE auth_sessions (
  id_hash      text PRIMARY KEY,
  user_id      text NOT NULL,
  display_name text NOT NULL,
  guest        boolean NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL
);

CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);
-- The cleanup's idle condition: without it every run would read the whole table.
CREATE INDEX auth_sessions_last_seen ON auth_sessions (last_seen_at);

-- owner_id has no foreign key: the owner may be a host-app (JWT) admin without an account.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  prefix       text NOT NULL,
  secret_hash  text NOT NULL,
  scopes       integer NOT NULL,
  owner_id     text NOT NULL,
  created_at   timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at   timestamptz
);

CREATE UNIQUE INDEX api_keys_secret ON api_keys (secret_hash);

CREATE TABLE audit_log (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at        timestamptz NOT NULL,
  action    text NOT NULL,
  principal text NOT NULL,
  ip        text NOT NULL,
  target    text NOT NULL,
  outcome   text NOT NULL,
  details   jsonb
);

CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE livestream_invites (
  livestream_id uuid NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id       text NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (livestream_id, user_id)
);

CREATE TABLE server_secrets (
  name  text PRIMARY KEY,
  value text NOT NULL
);
)sql";

inline constexpr std::array<sql::Migration, 4> kMigrations{{
    {1, "initial schema", kInitialSchema},
    {2, "participant event functions", kParticipantEventFunctions},
    {3, "mark participants left function", kMarkParticipantsLeftFunction},
    {4, "identity", kIdentitySchema},
}};

}  // namespace lso::store::postgres
