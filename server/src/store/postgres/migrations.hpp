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

// Audience (docs/architecture.md, "Audience"): one row per LiveKit session, the counters in the
// livestream's row, the viewer series; and the participant event functions rewritten to key every
// effect by session id (they replace migration 2's). Existing data is carried over: every
// participant record with a LiveKit sid becomes a session (connected while it is JOINED) and the
// counters are computed from them.
inline constexpr std::string_view kAudienceSchema = R"sql(
ALTER TABLE livestreams
  ADD COLUMN viewer_count bigint NOT NULL DEFAULT 0,
  ADD COLUMN total_viewers bigint NOT NULL DEFAULT 0,
  ADD COLUMN peak_at timestamptz,
  ADD COLUMN host_connected integer NOT NULL DEFAULT 0;

CREATE TABLE participant_sessions (
  sid             text PRIMARY KEY,
  livestream_id   uuid NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id         text NOT NULL,
  display_name    text NOT NULL,
  role            text NOT NULL CHECK (role IN ('HOST', 'VIEWER')),
  room_sid        text,
  connected_at    timestamptz,
  disconnected_at timestamptz
);

CREATE INDEX participant_sessions_user ON participant_sessions (livestream_id, user_id);
CREATE INDEX participant_sessions_connected ON participant_sessions (livestream_id, user_id)
  WHERE connected_at IS NOT NULL AND disconnected_at IS NULL;

-- bucket_start: microseconds since the epoch (buckets are arithmetic on it).
CREATE TABLE viewer_series (
  livestream_id uuid NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  width         integer NOT NULL,
  bucket_start  bigint NOT NULL,
  min_viewers   bigint NOT NULL,
  max_viewers   bigint NOT NULL,
  last_viewers  bigint NOT NULL,
  PRIMARY KEY (livestream_id, width, bucket_start)
);

CREATE INDEX viewer_series_width_start ON viewer_series (width, bucket_start);

INSERT INTO participant_sessions (sid, livestream_id, user_id, display_name, role, room_sid,
    connected_at, disconnected_at)
  SELECT livekit_participant_sid, livestream_id, user_id, display_name, role, livekit_room_sid,
         joined_at, CASE WHEN status = 'LEFT' THEN coalesce(left_at, joined_at) END
  FROM participants WHERE livekit_participant_sid IS NOT NULL;

UPDATE livestreams l SET viewer_count = c.v, total_viewers = c.t, host_connected = c.h,
    peak_viewers = GREATEST(l.peak_viewers, c.v)
  FROM (SELECT livestream_id,
          count(DISTINCT user_id) FILTER (WHERE role = 'VIEWER' AND connected_at IS NOT NULL
                                            AND disconnected_at IS NULL) AS v,
          count(DISTINCT user_id) FILTER (WHERE role = 'VIEWER' AND connected_at IS NOT NULL) AS t,
          (count(*) FILTER (WHERE role = 'HOST' AND connected_at IS NOT NULL
                              AND disconnected_at IS NULL) > 0)::integer AS h
        FROM participant_sessions GROUP BY livestream_id) AS c
  WHERE l.id = c.livestream_id;

DROP FUNCTION lso_apply_participant_events(jsonb, bigint, bigint);
DROP FUNCTION lso_participant_joins_in_bulk(jsonb, timestamptz, timestamptz);
DROP FUNCTION lso_participant_joined(uuid, text, text, text, text, text, uuid, timestamptz);
DROP FUNCTION lso_participant_left(uuid, text, text, text, text, text, uuid, timestamptz);
DROP FUNCTION lso_insert_webhook_participant(uuid, uuid, text, text, text, text, text, text,
  timestamptz);

-- A user became present (p_sign 1) or absent (-1) in the role: the counters move and the peak
-- rises with them in one statement (Queries::adjust_audience). Returns viewer_count after.
CREATE FUNCTION lso_adjust_audience(p_livestream uuid, p_role text, p_sign integer,
    p_total integer, p_now timestamptz)
RETURNS bigint
LANGUAGE sql AS $fn$
  UPDATE livestreams SET
      viewer_count = viewer_count + CASE WHEN p_role = 'VIEWER' THEN p_sign ELSE 0 END,
      total_viewers = total_viewers + p_total,
      host_connected = host_connected + CASE WHEN p_role = 'HOST' THEN p_sign ELSE 0 END,
      peak_at = CASE WHEN p_role = 'VIEWER' AND viewer_count + p_sign > peak_viewers THEN p_now
                     ELSE peak_at END,
      peak_viewers = GREATEST(peak_viewers,
                              viewer_count + CASE WHEN p_role = 'VIEWER' THEN p_sign ELSE 0 END)
    WHERE id = p_livestream
    RETURNING viewer_count
$fn$;

-- audience::connect, statement for statement.
CREATE FUNCTION lso_participant_joined(p_livestream uuid, p_host text, p_user text, p_name text,
    p_sid text, p_room_sid text, p_new_id uuid, p_now timestamptz,
    OUT outcome text, OUT state_of uuid, OUT viewers bigint)
LANGUAGE plpgsql
-- Index probes whatever the statistics say (see lso_participant_joins_in_bulk).
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $fn$
DECLARE
  v_role text := CASE WHEN p_user = p_host THEN 'HOST' ELSE 'VIEWER' END;
  v_present boolean;
  v_total integer := 0;
  v_seat_sid text;
BEGIN
  IF p_livestream IS NULL OR p_user = '' OR p_sid = '' THEN
    outcome := 'unknown';
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM participant_sessions WHERE sid = p_sid) THEN
    outcome := 'no_effect';  -- seen: connected, or its leave came first
    RETURN;
  END IF;
  v_present := EXISTS (SELECT 1 FROM participant_sessions
                       WHERE livestream_id = p_livestream AND user_id = p_user
                         AND connected_at IS NOT NULL AND disconnected_at IS NULL);
  IF NOT v_present AND v_role = 'VIEWER' AND NOT EXISTS (
      SELECT 1 FROM participant_sessions WHERE livestream_id = p_livestream AND user_id = p_user
        AND role = 'VIEWER' AND connected_at IS NOT NULL) THEN
    v_total := 1;
  END IF;
  INSERT INTO participant_sessions (sid, livestream_id, user_id, display_name, role, room_sid,
      connected_at, disconnected_at)
    VALUES (p_sid, p_livestream, p_user, CASE WHEN p_name = '' THEN p_user ELSE p_name END, v_role,
            NULLIF(p_room_sid, ''), p_now, NULL);
  SELECT livekit_participant_sid INTO v_seat_sid FROM participants
    WHERE livestream_id = p_livestream AND user_id = p_user AND status = 'JOINED';
  IF FOUND THEN
    IF v_seat_sid IS NULL THEN
      UPDATE participants SET livekit_participant_sid = p_sid, livekit_room_sid = p_room_sid
        WHERE livestream_id = p_livestream AND user_id = p_user AND status = 'JOINED';
    END IF;
  ELSE
    INSERT INTO participants (id, livestream_id, user_id, display_name, role, status, metadata,
        livekit_participant_sid, livekit_room_sid, joined_at, left_at)
      VALUES (p_new_id, p_livestream, p_user, CASE WHEN p_name = '' THEN p_user ELSE p_name END,
              v_role, 'JOINED', NULL, p_sid, NULLIF(p_room_sid, ''), p_now, NULL)
      ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'participant changed concurrently; retried' USING ERRCODE = 'LS409';
    END IF;
  END IF;
  outcome := 'applied';
  IF NOT v_present THEN
    viewers := lso_adjust_audience(p_livestream, v_role, 1, v_total, p_now);
    state_of := p_livestream;
  END IF;
END
$fn$;

-- audience::disconnect, statement for statement.
CREATE FUNCTION lso_participant_left(p_livestream uuid, p_host text, p_user text, p_name text,
    p_sid text, p_room_sid text, p_new_id uuid, p_now timestamptz,
    OUT outcome text, OUT state_of uuid, OUT viewers bigint)
LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $fn$
DECLARE
  v_role text := CASE WHEN p_user = p_host THEN 'HOST' ELSE 'VIEWER' END;
  v_session participant_sessions%ROWTYPE;
  v_other text;
  v_seat_sid text;
  v_present boolean;
  v_seat boolean;
BEGIN
  IF p_sid = '' THEN
    IF p_livestream IS NULL OR p_user = '' THEN
      outcome := 'unknown';
      RETURN;
    END IF;
    -- Nothing to key it by: every session of the identity ends.
    v_present := EXISTS (SELECT 1 FROM participant_sessions
                         WHERE livestream_id = p_livestream AND user_id = p_user
                           AND connected_at IS NOT NULL AND disconnected_at IS NULL);
    UPDATE participants SET status = 'LEFT', left_at = p_now
      WHERE livestream_id = p_livestream AND user_id = p_user AND status = 'JOINED';
    v_seat := FOUND;
    UPDATE participant_sessions SET disconnected_at = p_now
      WHERE livestream_id = p_livestream AND user_id = p_user
        AND connected_at IS NOT NULL AND disconnected_at IS NULL;
    IF v_present THEN
      viewers := lso_adjust_audience(p_livestream, v_role, -1, 0, p_now);
    END IF;
    IF v_present OR v_seat THEN
      outcome := 'applied';
      state_of := p_livestream;
    ELSE
      outcome := 'no_effect';
    END IF;
    RETURN;
  END IF;
  SELECT * INTO v_session FROM participant_sessions WHERE sid = p_sid;
  IF FOUND THEN
    IF v_session.connected_at IS NULL OR v_session.disconnected_at IS NOT NULL THEN
      outcome := 'no_effect';  -- left already, or a tombstone
      RETURN;
    END IF;
    UPDATE participant_sessions SET disconnected_at = p_now WHERE sid = p_sid;
    SELECT sid INTO v_other FROM participant_sessions
      WHERE livestream_id = v_session.livestream_id AND user_id = v_session.user_id
        AND sid <> p_sid AND connected_at IS NOT NULL AND disconnected_at IS NULL
      LIMIT 1;
    IF v_other IS NULL THEN
      viewers := lso_adjust_audience(v_session.livestream_id, v_session.role, -1, 0, p_now);
      state_of := v_session.livestream_id;
    END IF;
    -- The seat follows the user's sessions: to another connected one, or LEFT with the last.
    SELECT livekit_participant_sid INTO v_seat_sid FROM participants
      WHERE livestream_id = v_session.livestream_id AND user_id = v_session.user_id
        AND status = 'JOINED';
    IF FOUND THEN
      IF v_other IS NOT NULL AND v_seat_sid = p_sid THEN
        UPDATE participants SET livekit_participant_sid = v_other,
            livekit_room_sid = coalesce(v_session.room_sid, '')
          WHERE livestream_id = v_session.livestream_id AND user_id = v_session.user_id
            AND status = 'JOINED';
      ELSIF v_other IS NULL AND v_seat_sid IS NOT NULL THEN
        UPDATE participants SET status = 'LEFT', left_at = p_now
          WHERE livestream_id = v_session.livestream_id AND user_id = v_session.user_id
            AND status = 'JOINED';
      END IF;
    END IF;
    outcome := 'applied';
    RETURN;
  END IF;
  IF p_livestream IS NULL OR p_user = '' THEN
    outcome := 'unknown';
    RETURN;
  END IF;
  -- A leave before its join: the tombstone makes the late join a no-op.
  INSERT INTO participant_sessions (sid, livestream_id, user_id, display_name, role, room_sid,
      connected_at, disconnected_at)
    VALUES (p_sid, p_livestream, p_user, CASE WHEN p_name = '' THEN p_user ELSE p_name END, v_role,
            NULLIF(p_room_sid, ''), NULL, p_now);
  -- A seat whose join has not attached a sid yet takes this leave as its session's end.
  SELECT livekit_participant_sid INTO v_seat_sid FROM participants
    WHERE livestream_id = p_livestream AND user_id = p_user AND status = 'JOINED';
  IF FOUND AND v_seat_sid IS NULL THEN
    UPDATE participants SET status = 'LEFT', left_at = p_now, livekit_participant_sid = p_sid,
        livekit_room_sid = p_room_sid
      WHERE livestream_id = p_livestream AND user_id = p_user AND status = 'JOINED';
    outcome := 'applied';
    RETURN;
  END IF;
  outcome := 'no_effect';
END
$fn$;

-- A run of participant_joined events with distinct webhook ids, distinct (livestream, identity)
-- pairs and distinct, non-empty sids is order-independent: no event reads what another writes, so
-- each event's outcome depends only on what was stored before the run, and the run can be applied
-- by set-based statements (a busy livestream's joins, a few statements per batch instead of
-- several per event). Outcomes, rows and counters are exactly those of lso_participant_joined,
-- event after event (the counts only rise in such a run, so the peak is the last count); a NULL
-- result means the run does not qualify.
CREATE FUNCTION lso_participant_joins_in_bulk(p_events jsonb, p_now timestamptz,
    p_expires timestamptz, OUT outcomes text[], OUT states uuid[], OUT counts bigint[])
LANGUAGE plpgsql
-- Probe the indexes row by row whatever the statistics say: a plan cached while the tables were
-- small (fresh tables filled by a burst of joins before autovacuum analysed them) must not become
-- a hash of a whole table, or a loop over it, for every batch. For the same reason nothing here
-- joins the participants or sessions tables: lookups are per-event subqueries, attaches and
-- counters are updates by key.
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $fn$
DECLARE
  v_qualifies boolean;
  v_attach jsonb;
  v_deltas jsonb;
  v_row jsonb;
BEGIN
  SELECT bool_and(e ->> 'event' = 'participant_joined' AND coalesce(e ->> 'sid', '') <> '')
         AND count(DISTINCT e ->> 'id') = count(*)
         AND count(DISTINCT (e ->> 'livestream', e ->> 'identity')) = count(*)
         AND count(DISTINCT e ->> 'sid') = count(*)
    INTO v_qualifies FROM jsonb_array_elements(p_events) AS e;
  IF NOT coalesce(v_qualifies, false) THEN
    RETURN;
  END IF;
  WITH ev AS (
    SELECT x.n, x.id, x.event, NULLIF(x.livestream, '')::uuid AS livestream, x.host, x.identity,
           x.name, x.sid, x.room_sid, x.new_id,
           CASE WHEN x.identity = x.host THEN 'HOST' ELSE 'VIEWER' END AS role
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
    -- Scalar subqueries, so each is an index probe per event, never a join over a table;
    -- materialized, so the CASE below does not run them once per mention.
    -- Scalar subqueries with LIMIT, not EXISTS: the planner may turn an EXISTS into a hashed
    -- subplan that reads the whole table once per batch (it did, on tables not yet analysed).
    SELECT ev.*,
           ev.id IN (SELECT f.id FROM fresh f) AS is_fresh,
           coalesce((SELECT true FROM participant_sessions s WHERE s.sid = ev.sid LIMIT 1), false)
             AS sid_seen,
           coalesce((SELECT true FROM participant_sessions s
                     WHERE s.livestream_id = ev.livestream AND s.user_id = ev.identity
                       AND s.connected_at IS NOT NULL AND s.disconnected_at IS NULL LIMIT 1),
                    false) AS present,
           coalesce((SELECT true FROM participant_sessions s
                     WHERE s.livestream_id = ev.livestream AND s.user_id = ev.identity
                       AND s.role = 'VIEWER' AND s.connected_at IS NOT NULL LIMIT 1),
                    false) AS was_viewer,
           (SELECT coalesce(p.livekit_participant_sid, '') FROM participants p
            WHERE p.livestream_id = ev.livestream AND p.user_id = ev.identity
              AND p.status = 'JOINED') AS seat_sid  -- NULL: no seat
    FROM ev
  ), classified AS (
    SELECT l.*,
           CASE WHEN NOT l.is_fresh THEN 'duplicate'
                WHEN l.livestream IS NULL OR l.identity = '' THEN 'unknown'
                WHEN l.sid_seen THEN 'no_effect'
                ELSE 'connect' END AS action
    FROM looked_up l
  ), counted AS (
    SELECT c.*,
           c.action = 'connect' AND NOT c.present AS arrives,
           (SELECT lv.viewer_count FROM livestreams lv WHERE lv.id = c.livestream)
             + sum(CASE WHEN c.action = 'connect' AND NOT c.present AND c.role = 'VIEWER'
                        THEN 1 ELSE 0 END) OVER (PARTITION BY c.livestream ORDER BY c.n)
             AS viewers_after
    FROM classified c
  ), sessions AS (
    INSERT INTO participant_sessions (sid, livestream_id, user_id, display_name, role, room_sid,
        connected_at, disconnected_at)
      SELECT c.sid, c.livestream, c.identity,
             CASE WHEN c.name = '' THEN c.identity ELSE c.name END, c.role,
             NULLIF(c.room_sid, ''), p_now, NULL
      FROM classified c WHERE c.action = 'connect'
  ), seats AS (
    -- A plain insert: the batch holds its livestreams' locks, which exclude every other writer
    -- of their participants, so a uniqueness conflict here is an error like any other (the
    -- batch is then applied one event at a time, and a conflicting event retried).
    INSERT INTO participants (id, livestream_id, user_id, display_name, role, status, metadata,
        livekit_participant_sid, livekit_room_sid, joined_at, left_at)
      SELECT c.new_id, c.livestream, c.identity,
             CASE WHEN c.name = '' THEN c.identity ELSE c.name END, c.role, 'JOINED', NULL,
             c.sid, NULLIF(c.room_sid, ''), p_now, NULL
      FROM classified c WHERE c.action = 'connect' AND c.seat_sid IS NULL
  )
  SELECT array_agg(CASE WHEN c.action = 'connect' THEN 'applied' ELSE c.action END ORDER BY c.n),
         array_agg(CASE WHEN c.arrives THEN c.livestream END ORDER BY c.n),
         array_agg(CASE WHEN c.arrives THEN c.viewers_after END ORDER BY c.n),
         coalesce(jsonb_agg(jsonb_build_array(c.livestream, c.identity, c.sid, c.room_sid))
                    FILTER (WHERE c.action = 'connect' AND c.seat_sid = ''), '[]'),
         (SELECT coalesce(jsonb_agg(jsonb_build_array(g.livestream, g.v, g.t, g.h)), '[]')
          FROM (SELECT k.livestream,
                       count(*) FILTER (WHERE k.arrives AND k.role = 'VIEWER') AS v,
                       count(*) FILTER (WHERE k.arrives AND k.role = 'VIEWER'
                                          AND NOT k.was_viewer) AS t,
                       count(*) FILTER (WHERE k.arrives AND k.role = 'HOST') AS h
                FROM counted k WHERE k.arrives GROUP BY k.livestream) AS g)
    INTO outcomes, states, counts, v_attach, v_deltas
    FROM counted c;
  -- Sessions to attach to a seat without one (an API join): rare, each an update by key.
  FOR v_row IN SELECT value FROM jsonb_array_elements(v_attach) LOOP
    UPDATE participants SET livekit_participant_sid = v_row ->> 2, livekit_room_sid = v_row ->> 3
      WHERE livestream_id = (v_row ->> 0)::uuid AND user_id = v_row ->> 1 AND status = 'JOINED';
  END LOOP;
  -- The counters, one update per livestream (the counts only rise: the peak is the last count).
  FOR v_row IN SELECT value FROM jsonb_array_elements(v_deltas) LOOP
    UPDATE livestreams SET
        viewer_count = viewer_count + (v_row ->> 1)::bigint,
        total_viewers = total_viewers + (v_row ->> 2)::bigint,
        host_connected = host_connected + (v_row ->> 3)::integer,
        peak_at = CASE WHEN viewer_count + (v_row ->> 1)::bigint > peak_viewers THEN p_now
                       ELSE peak_at END,
        peak_viewers = GREATEST(peak_viewers, viewer_count + (v_row ->> 1)::bigint)
      WHERE id = (v_row ->> 0)::uuid;
  END LOOP;
END
$fn$;

-- p_events: a JSON array of {id, event, livestream, host, identity, name, sid, roomSid, newId}
-- (livestream "" when no active livestream is known); one row per event, in order, with the
-- livestream whose state changed and its viewer_count after the event.
CREATE FUNCTION lso_apply_participant_events(p_events jsonb, p_now bigint, p_expires bigint)
RETURNS TABLE (outcome text, state_of uuid, viewers bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_now timestamptz := timestamptz 'epoch' + p_now * interval '1 microsecond';
  v_expires timestamptz := timestamptz 'epoch' + p_expires * interval '1 microsecond';
  v_bulk record;
  e jsonb;
BEGIN
  SELECT * INTO v_bulk FROM lso_participant_joins_in_bulk(p_events, v_now, v_expires);
  IF v_bulk.outcomes IS NOT NULL THEN
    RETURN QUERY SELECT * FROM unnest(v_bulk.outcomes, v_bulk.states, v_bulk.counts);
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
      viewers := NULL;
    ELSIF e ->> 'event' = 'participant_joined' THEN
      SELECT * INTO outcome, state_of, viewers FROM lso_participant_joined(
        NULLIF(e ->> 'livestream', '')::uuid, e ->> 'host', e ->> 'identity', e ->> 'name',
        e ->> 'sid', e ->> 'roomSid', (e ->> 'newId')::uuid, v_now);
    ELSE
      SELECT * INTO outcome, state_of, viewers FROM lso_participant_left(
        NULLIF(e ->> 'livestream', '')::uuid, e ->> 'host', e ->> 'identity', e ->> 'name',
        e ->> 'sid', e ->> 'roomSid', (e ->> 'newId')::uuid, v_now);
    END IF;
    RETURN NEXT;
  END LOOP;
END
$fn$;
)sql";

// Chat, moderation and the stage (see the SQLite migration of the same name).
inline constexpr std::string_view kChatSchema = R"sql(
ALTER TABLE livestreams ADD COLUMN chat_slow_mode_seconds integer NOT NULL DEFAULT 0;

CREATE TABLE chat_messages (
  id            uuid PRIMARY KEY,
  livestream_id uuid NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id       text NOT NULL,
  display_name  text NOT NULL,
  text          text NOT NULL,
  created_at    timestamptz NOT NULL,
  deleted_at    timestamptz,
  deleted_by    text,
  client_id     text
);

CREATE INDEX chat_messages_history ON chat_messages (livestream_id, created_at, id);
CREATE INDEX chat_messages_author ON chat_messages (livestream_id, user_id, created_at);
CREATE UNIQUE INDEX chat_messages_client_id ON chat_messages (livestream_id, user_id, client_id)
  WHERE client_id IS NOT NULL;

CREATE TABLE livestream_members (
  livestream_id      uuid NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  user_id            text NOT NULL,
  display_name       text NOT NULL,
  moderator          boolean NOT NULL DEFAULT false,
  chat_timeout_until timestamptz,
  banned             boolean NOT NULL DEFAULT false,
  hand_raised_at     timestamptz,
  stage              text CHECK (stage IN ('INVITED', 'ON')),
  updated_at         timestamptz NOT NULL,
  PRIMARY KEY (livestream_id, user_id)
);

CREATE TABLE moderation_log (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  livestream_id  uuid NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  at             timestamptz NOT NULL,
  actor_id       text NOT NULL,
  action         text NOT NULL,
  target_user_id text,
  message_id     text,
  details        jsonb
);

CREATE INDEX moderation_log_livestream ON moderation_log (livestream_id, id);
)sql";

// Ingest (LiveKit Ingress) and recordings (LiveKit Egress), docs/architecture.md "Ingest and
// recordings". The stream key is not stored.
inline constexpr std::string_view kIngestRecordingsSchema = R"sql(
CREATE TABLE ingests (
  livestream_id      uuid PRIMARY KEY REFERENCES livestreams (id) ON DELETE CASCADE,
  ingress_id         text NOT NULL,
  input              text NOT NULL CHECK (input IN ('rtmp', 'whip')),
  url                text NOT NULL,
  status             text NOT NULL CHECK (status IN ('inactive', 'buffering', 'publishing', 'error')),
  error              text,
  session_started_at bigint NOT NULL DEFAULT 0,
  status_rank        integer NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
CREATE UNIQUE INDEX ingests_ingress ON ingests (ingress_id);
CREATE INDEX ingests_live ON ingests (status) WHERE status IN ('buffering', 'publishing');

CREATE TABLE recordings (
  id                 uuid PRIMARY KEY,
  livestream_id      uuid NOT NULL REFERENCES livestreams (id) ON DELETE CASCADE,
  egress_id          text NOT NULL,
  status             text NOT NULL CHECK (status IN ('starting', 'active', 'ending', 'complete',
                                                     'failed', 'aborted', 'limit_reached')),
  requested_by       text,
  started_at         timestamptz,
  ended_at           timestamptz,
  duration_ms        bigint,
  size_bytes         bigint,
  file_location      text,
  playlist_location  text,
  error              text,
  livekit_updated_at bigint NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
CREATE UNIQUE INDEX recordings_egress ON recordings (egress_id);
CREATE INDEX recordings_livestream ON recordings (livestream_id, created_at);
CREATE INDEX recordings_active ON recordings (status)
  WHERE status IN ('starting', 'active', 'ending');
)sql";

inline constexpr std::array<sql::Migration, 7> kMigrations{{
    {1, "initial schema", kInitialSchema},
    {2, "participant event functions", kParticipantEventFunctions},
    {3, "mark participants left function", kMarkParticipantsLeftFunction},
    {4, "identity", kIdentitySchema},
    {5, "audience", kAudienceSchema},
    {6, "ingest and recordings", kIngestRecordingsSchema},
    {7, "chat and moderation", kChatSchema},
}};

}  // namespace lso::store::postgres
