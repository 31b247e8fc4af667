// The persistence port: everything the domain asks of a database, implemented by
// store/sqlite (embedded mode) and store/postgres (production mode). Pure data in, data out;
// the domain never sees SQL or a driver type.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "domain/chat.hpp"
#include "domain/identity.hpp"
#include "domain/media.hpp"
#include "domain/model.hpp"

namespace lso::domain {

struct LivestreamFilter {
  std::optional<LivestreamStatus> status;
  std::optional<std::string> createdBy;
  // What the reader may find (permissions.hpp): All (admins, open mode), PublicOrOwn (public
  // livestreams and those created by `reader`), PublicOnly (guests and anonymous readers).
  enum class Scope { All, PublicOrOwn, PublicOnly };
  Scope scope = Scope::All;
  std::string reader;  // for PublicOrOwn
  std::int32_t limit = 20;
  std::int32_t offset = 0;
};

struct ParticipantFilter {
  std::string livestreamId;
  std::optional<ParticipantStatus> status;
  std::optional<ParticipantRole> role;
  std::int32_t limit = 20;
  std::int32_t offset = 0;
};

// One active participant as the live state needs it.
struct ActiveParticipant {
  std::string userId;
  std::string displayName;
  ParticipantRole role = ParticipantRole::Viewer;
  TimePoint joinedAt{};
};

// One LiveKit session of a participant (a participant sid).
struct LivekitSession {
  std::string sid;
  std::string livestreamId;
  std::string userId;
  std::string displayName;
  ParticipantRole role = ParticipantRole::Viewer;
  std::optional<std::string> roomSid;
  std::optional<TimePoint> connectedAt;  // nullopt: a tombstone (its leave came first)
  std::optional<TimePoint> disconnectedAt;
  bool connected() const { return connectedAt && !disconnectedAt; }
};

// One bucket of a livestream's viewer series: the min, max and last viewerCount an effect left
// in it (the count it started with is the previous bucket's last; readers fold it in).
struct ViewerBucket {
  std::string livestreamId;
  TimePoint start{};
  std::int32_t widthSeconds = 10;  // 10, or 60 once downsampled
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::int64_t last = 0;
};

// The named queries. Every call runs on the connection the enclosing Store::run checked out,
// inside its transaction when the access is Write. Implementations raise UniqueViolation for
// the uniqueness rules below and AppError(Unavailable) when the database cannot be reached.
class Queries {
 public:
  virtual ~Queries() = default;

  // --- livestreams ---
  // Inserts the record as given (id and timestamps chosen by the caller).
  // Rule "livestreams_active_room": at most one SCHEDULED or LIVE livestream per roomName.
  virtual void insert_livestream(const Livestream& livestream) = 0;
  virtual std::optional<Livestream> find_livestream(std::string_view id) = 0;
  // The SCHEDULED or LIVE livestream of a LiveKit room name, if any.
  virtual std::optional<Livestream> find_active_livestream_by_room(std::string_view roomName) = 0;
  // Row locks held until the transaction ends (on SQLite a write transaction already excludes
  // every other writer, so these are plain reads there). Lock order is livestream row first,
  // then its participants, everywhere, so lockers queue instead of deadlocking.
  // Exclusive: effects that must see every other effect on the livestream's participants
  // (webhooks, ending, reconciliation) run one at a time per livestream.
  virtual std::optional<Livestream> lock_active_livestream_by_room(std::string_view roomName) = 0;
  // Shared: API joins run side by side, but never across an exclusive locker (a join racing the
  // end of the livestream would leave a JOINED participant in an ENDED livestream).
  virtual std::optional<Livestream> lock_livestream_shared(std::string_view id) = 0;
  virtual std::optional<Livestream> lock_livestream_exclusive(std::string_view id) = 0;
  // Newest first (createdAt DESC, then id DESC for a stable order).
  virtual std::vector<Livestream> list_livestreams(const LivestreamFilter& filter) = 0;
  virtual std::vector<Livestream> list_livestreams_with_status(LivestreamStatus status) = 0;
  // SCHEDULED → LIVE with startedAt; nullopt when the livestream is not SCHEDULED.
  virtual std::optional<Livestream> mark_livestream_live(std::string_view id,
                                                         TimePoint startedAt) = 0;
  // SCHEDULED → ERROR; nullopt when the livestream is not SCHEDULED.
  virtual std::optional<Livestream> mark_livestream_error(std::string_view id, TimePoint now) = 0;
  // Any status but ENDED → ENDED with endedAt; nullopt when already ENDED or unknown.
  virtual std::optional<Livestream> mark_livestream_ended(std::string_view id,
                                                          TimePoint endedAt) = 0;
  // The audience counters (Livestream::viewerCount …) change only through these, in the
  // transaction of the effect that changes them. adjust: adds the deltas and, in the same
  // statement, raises peakViewers to `peakCandidate` when that is higher (peakAt = at). recount:
  // sets viewerCount, totalViewers and hostConnected from the sessions (reconciliation's repair),
  // raising the peak to the new count the same way. Both return the new viewerCount (0 for an
  // unknown id).
  struct AudienceDelta {
    std::int64_t viewers = 0;
    std::int64_t totalViewers = 0;
    std::int64_t hostConnected = 0;
    bool empty() const { return viewers == 0 && totalViewers == 0 && hostConnected == 0; }
  };
  virtual std::int64_t adjust_audience(std::string_view livestreamId, const AudienceDelta& delta,
                                       std::int64_t peakCandidate, TimePoint at) = 0;
  virtual std::int64_t recount_audience(std::string_view livestreamId, std::string_view hostUserId,
                                        TimePoint at) = 0;
  // viewerCount and hostConnected → 0 (the livestream ended; its sessions were disconnected).
  virtual void clear_audience(std::string_view livestreamId) = 0;

  // --- participants ---
  // Rule "participants_active_session": at most one JOINED participant per (livestreamId, userId).
  // Rule "participants_livekit_sid": livekitParticipantSid unique when set.
  virtual void insert_participant(const Participant& participant) = 0;
  // The same, but a uniqueness rule makes it a no-op (false) instead of an error: for writers
  // that decide what to do themselves, without a savepoint per insert.
  virtual bool insert_participant_if_absent(const Participant& participant) = 0;
  virtual std::optional<Participant> find_active_participant(std::string_view livestreamId,
                                                             std::string_view userId) = 0;
  virtual std::optional<Participant> find_participant_by_sid(
      std::string_view livekitParticipantSid) = 0;
  // Newest first (joinedAt DESC, then id DESC).
  virtual std::vector<Participant> list_participants(const ParticipantFilter& filter) = 0;
  // JOINED → LEFT for the user's active session; nullopt when none is active.
  virtual std::optional<Participant> mark_participant_left(std::string_view livestreamId,
                                                           std::string_view userId,
                                                           TimePoint leftAt) = 0;
  // Every JOINED participant of the livestream → LEFT; returns how many changed.
  virtual std::int64_t mark_all_participants_left(std::string_view livestreamId,
                                                  TimePoint leftAt) = 0;
  // The active sessions of these users → LEFT; returns how many changed. (A backend where each
  // statement is a round trip does it in one.)
  virtual std::int64_t mark_participants_left(std::string_view livestreamId,
                                              std::span<const std::string> userIds,
                                              TimePoint leftAt) = 0;
  // Attaches LiveKit's session ids to the user's active participant record; nullopt when the user
  // has no active session in that livestream.
  virtual std::optional<Participant> attach_livekit_session(std::string_view livestreamId,
                                                            std::string_view userId,
                                                            std::string_view livekitParticipantSid,
                                                            std::string_view livekitRoomSid) = 0;
  // JOINED participants (seats), oldest first.
  virtual std::vector<ActiveParticipant> active_participants(std::string_view livestreamId) = 0;

  // --- LiveKit sessions (docs/architecture.md, "Audience") ---
  // Rule "participant_sessions_pkey": one row per LiveKit participant sid.
  virtual void insert_livekit_session(const LivekitSession& session) = 0;
  virtual std::optional<LivekitSession> find_livekit_session(std::string_view sid) = 0;
  // Connected → disconnected at `at`; false when the session was not connected.
  virtual bool disconnect_livekit_session(std::string_view sid, TimePoint at) = 0;
  // What a session's connect reads, in one query: whether the sid is known (connected, left, or a
  // tombstone), whether the user has another connected session (is present), whether they ever
  // connected as VIEWER, and their seat (nullopt: none; "": one without a sid yet).
  struct SessionContext {
    bool sidKnown = false;
    bool present = false;
    bool wasViewer = false;
    std::optional<std::string> seat;
  };
  virtual SessionContext session_context(std::string_view livestreamId, std::string_view userId,
                                         std::string_view sid) = 0;
  // A connected session of the user in the livestream other than `exceptSid`, if any.
  virtual std::optional<std::string> other_connected_session(std::string_view livestreamId,
                                                             std::string_view userId,
                                                             std::string_view exceptSid) = 0;
  // Disconnects every connected session of these users; returns how many sessions changed.
  virtual std::int64_t disconnect_user_sessions(std::string_view livestreamId,
                                                std::span<const std::string> userIds,
                                                TimePoint at) = 0;
  virtual std::int64_t disconnect_all_sessions(std::string_view livestreamId, TimePoint at) = 0;
  // The people with a connected session, by their earliest one.
  virtual std::vector<ConnectedPerson> connected_people(std::string_view livestreamId) = 0;
  // How long each VIEWER session that connected was connected, in microseconds (a session still
  // connected counts up to `until`).
  virtual std::vector<std::int64_t> viewer_watch_times(std::string_view livestreamId,
                                                       TimePoint until) = 0;

  // --- the viewer series ---
  // Merges a sample into its bucket: min and max widen, last is replaced.
  virtual void record_viewer_sample(const ViewerBucket& sample) = 0;
  // Buckets (of any width) starting in [from, to), oldest first.
  virtual std::vector<ViewerBucket> viewer_series(std::string_view livestreamId, TimePoint from,
                                                  TimePoint to) = 0;
  // The newest bucket starting before `t` (the value the series carries into `t`).
  virtual std::optional<ViewerBucket> viewer_bucket_before(std::string_view livestreamId,
                                                           TimePoint t) = 0;
  // Merges the 10 s buckets starting before `before` (a whole minute) into 1 min buckets;
  // returns how many 10 s buckets were merged.
  virtual std::int64_t downsample_viewer_series(TimePoint before) = 0;
  // Deletes up to `limit` sessions and buckets of livestreams that ended before `endedBefore`;
  // returns how many rows.
  virtual std::int64_t delete_audience_history(TimePoint endedBefore, std::int64_t limit) = 0;

  // --- processed webhooks (dedup: each webhook id applied once) ---
  // Records a webhook id; false when it was already recorded (a duplicate delivery).
  virtual bool record_webhook(std::string_view webhookId, std::string_view event,
                              TimePoint processedAt, TimePoint expiresAt) = 0;
  // Deletes up to `limit` records whose expiresAt is before `now`; returns how many.
  virtual std::int64_t delete_expired_webhooks(TimePoint now, std::int64_t limit) = 0;

  // --- identity (identity.hpp) ---
  // Rule "users_pkey": one account per id.
  virtual void insert_user(const User& user) = 0;
  virtual std::optional<User> find_user(std::string_view id) = 0;
  virtual std::int64_t count_users() = 0;
  // Oldest first.
  virtual std::vector<User> list_users(std::int32_t limit, std::int32_t offset) = 0;
  // Each returns the updated account, nullopt when there is none with that id.
  virtual std::optional<User> set_user_password(std::string_view id, std::string_view passwordHash,
                                                TimePoint now) = 0;
  virtual std::optional<User> set_user_admin(std::string_view id, bool admin, TimePoint now) = 0;
  virtual std::optional<User> set_user_disabled(std::string_view id, bool disabled,
                                                TimePoint now) = 0;

  virtual void insert_session(const AuthSession& session) = 0;
  // The session and its account (guests have none), whatever its expiry: the caller decides.
  virtual std::optional<SessionLookup> find_session(std::string_view idHash) = 0;
  virtual void touch_session(std::string_view idHash, TimePoint lastSeenAt) = 0;
  // Returns whether a session was deleted.
  virtual bool delete_session(std::string_view idHash) = 0;
  // Every session of the user, except `keepIdHash` (may be empty); returns the deleted hashes.
  virtual std::vector<std::string> delete_user_sessions(std::string_view userId,
                                                        std::string_view keepIdHash) = 0;
  // Deletes up to `limit` sessions past their expiry, or idle since before `idleBefore`.
  virtual std::int64_t delete_expired_sessions(TimePoint now, TimePoint idleBefore,
                                               std::int64_t limit) = 0;

  // Rule "api_keys_secret": secret hashes are unique.
  virtual void insert_api_key(const ApiKey& key) = 0;
  // Revoked keys too (the caller refuses them).
  virtual std::optional<ApiKeyLookup> find_api_key_by_hash(std::string_view secretHash) = 0;
  // Newest first, revoked ones included.
  virtual std::vector<ApiKey> list_api_keys() = 0;
  // Sets revokedAt; nullopt when unknown or already revoked.
  virtual std::optional<ApiKey> revoke_api_key(std::string_view id, TimePoint now) = 0;
  virtual void touch_api_key(std::string_view id, TimePoint lastUsedAt) = 0;

  // Returns the entry's id.
  virtual std::int64_t insert_audit(const AuditEntry& entry) = 0;
  // Newest first.
  virtual std::vector<AuditEntry> list_audit(const AuditFilter& filter) = 0;
  // Deletes up to `limit` entries older than `before`; returns how many.
  virtual std::int64_t delete_audit_before(TimePoint before, std::int64_t limit) = 0;

  // Private livestreams' invite lists. add: false when already invited; remove: false when not.
  virtual bool add_invite(const Invite& invite) = 0;
  virtual bool remove_invite(std::string_view livestreamId, std::string_view userId) = 0;
  virtual bool is_invited(std::string_view livestreamId, std::string_view userId) = 0;
  // Oldest first.
  virtual std::vector<Invite> list_invites(std::string_view livestreamId) = 0;

  // --- chat, moderation and the stage (chat.hpp) ---
  // Rule "chat_messages_client_id": one message per (livestream, author, clientId) when set;
  // insert_chat_message answers false instead of raising it (a retry of a stored message).
  virtual bool insert_chat_message(const ChatMessage& message) = 0;
  virtual std::optional<ChatMessage> find_chat_message(std::string_view id) = 0;
  virtual std::optional<ChatMessage> find_chat_message_by_client_id(std::string_view livestreamId,
                                                                    std::string_view userId,
                                                                    std::string_view clientId) = 0;
  // Messages not deleted, newest first, at most `limit`; with `before`, only those older than
  // that message (createdAt, then id).
  virtual std::vector<ChatMessage> list_chat_messages(std::string_view livestreamId,
                                                      const ChatMessage* before,
                                                      std::int32_t limit) = 0;
  // How many messages (deleted ones too) the user posted at or after `since`, and when their
  // latest message ever was.
  struct ChatActivity {
    std::int64_t recent = 0;
    std::optional<TimePoint> last;
  };
  virtual ChatActivity chat_activity(std::string_view livestreamId, std::string_view userId,
                                     TimePoint since) = 0;
  // Marks a message deleted; false when unknown or already deleted.
  virtual bool delete_chat_message(std::string_view id, std::string_view by, TimePoint at) = 0;
  virtual std::int32_t chat_slow_mode(std::string_view livestreamId) = 0;
  virtual void set_chat_slow_mode(std::string_view livestreamId, std::int32_t seconds) = 0;
  virtual std::optional<Member> find_member(std::string_view livestreamId,
                                            std::string_view userId) = 0;
  // Inserts or replaces the row of (livestreamId, userId).
  virtual void save_member(const Member& member) = 0;
  // Members with any role or state set (moderators, bans, timeouts, hands, stage), oldest change
  // first.
  virtual std::vector<Member> list_members(std::string_view livestreamId) = 0;
  // Returns the entry's id.
  virtual std::int64_t insert_moderation(const ModerationEntry& entry) = 0;
  // Newest first; `beforeId` 0: from the newest.
  virtual std::vector<ModerationEntry> list_moderation(std::string_view livestreamId,
                                                       std::int64_t beforeId,
                                                       std::int32_t limit) = 0;

  // --- ingest and recordings (media.hpp) ---
  // Rule: one ingest per livestream, ingress ids unique.
  virtual std::optional<Ingest> find_ingest(std::string_view livestreamId) = 0;
  // The ingest of an ingress, its row locked until the transaction ends.
  virtual std::optional<Ingest> lock_ingest_by_ingress(std::string_view ingressId) = 0;
  // Inserts, or replaces the livestream's ingest (a reset points it at a new ingress).
  virtual void upsert_ingest(const Ingest& ingest) = 0;
  virtual bool delete_ingest(std::string_view livestreamId) = 0;
  // Ingests shown buffering or publishing (reconciliation).
  virtual std::vector<Ingest> list_live_ingests() = 0;
  // Rule "recordings_egress": one recording per egress id; false when there is one already.
  virtual bool insert_recording_if_absent(const Recording& recording) = 0;
  virtual std::optional<Recording> lock_recording_by_egress(std::string_view egressId) = 0;
  virtual std::optional<Recording> find_recording(std::string_view id) = 0;
  // Writes every field but the ids and createdAt.
  virtual void update_recording(const Recording& recording) = 0;
  // Newest first.
  virtual std::vector<Recording> list_recordings(std::string_view livestreamId) = 0;
  // Starting, active or ending recordings of every livestream (reconciliation).
  virtual std::vector<Recording> list_active_recordings() = 0;

  // A named secret shared by every instance (e.g. the key that signs SSE tickets): the stored
  // value, or `candidate` stored now when there is none (the first instance to ask wins).
  virtual std::string get_or_create_secret(std::string_view name, std::string_view candidate) = 0;
};

class Store {
 public:
  enum class Access { Read, Write };

  virtual ~Store() = default;

  virtual std::string_view backend() const = 0;  // "sqlite" | "postgresql"
  // True when write transactions run one at a time (SQLite): more concurrent writers only queue.
  virtual bool writes_one_at_a_time() const { return false; }
  // Applies pending versioned migrations; idempotent and safe to run from several instances.
  virtual void migrate() = 0;
  // Throws AppError(Unavailable) when the database does not answer.
  virtual void ping() = 0;
  // Runs fn on a pooled connection. Read: every statement of fn sees one snapshot (values read
  // together agree with each other); fn must not write. Write: one transaction, committed when fn
  // returns, rolled back when it throws; retried (fn called again) on serialization failures or
  // deadlocks, so fn must do nothing but database work. Blocking: call from a worker thread, never
  // an I/O thread.
  virtual void run(Access access, const std::function<void(Queries&)>& fn) = 0;

  template <class F>
  auto read(F&& f) {
    return call(Access::Read, std::forward<F>(f));
  }
  template <class F>
  auto write(F&& f) {
    return call(Access::Write, std::forward<F>(f));
  }

 private:
  template <class F>
  auto call(Access access, F&& f) {
    using R = std::invoke_result_t<F&, Queries&>;
    if constexpr (std::is_void_v<R>) {
      run(access, [&](Queries& q) { f(q); });
    } else {
      std::optional<R> result;
      run(access, [&](Queries& q) { result.emplace(f(q)); });
      return std::move(*result);
    }
  }
};

}  // namespace lso::domain
