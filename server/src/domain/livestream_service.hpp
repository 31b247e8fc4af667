// The livestream use cases of the API: create, list, get, end, join, leave, participants, state.
// Synchronous and blocking (database, LiveKit): the API runs it on the blocking pool.
#pragma once

#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/errors.hpp"
#include "domain/events.hpp"
#include "domain/livekit.hpp"
#include "domain/model.hpp"
#include "domain/permissions.hpp"
#include "domain/principal.hpp"
#include "domain/store.hpp"
#include "util/group_commit.hpp"

namespace lso::domain {

struct CreateLivestreamInput {
  std::string roomName;
  std::string title;
  std::optional<std::string> description;
  std::optional<std::string> createdBy;  // required in open mode; else the actor's own id
  Visibility visibility = Visibility::Public;
  std::int64_t maxParticipants = 100;
  std::int64_t emptyTimeout = 86400;
  boost::json::value metadata;  // null or object
};

struct JoinInput {
  std::optional<std::string> userId;       // required in open mode; else the actor's own id
  std::optional<std::string> displayName;  // default: the signed-in user's display name
  ParticipantRole role = ParticipantRole::Viewer;
  boost::json::value metadata;  // null or object
};

// What a reader gets, and whether it may see other users' ids in it (the API's views).
template <class T>
struct Viewed {
  T value;
  bool userIds = false;
};

struct JoinResult {
  std::string token;
  std::string url;
  Participant participant;
};

class LivestreamService {
 public:
  // `audit` may be null (tools and tests that keep no audit log).
  LivestreamService(Store& store, RoomService& rooms, const TokenIssuer& tokens,
                    const TimeSource& time, LivestreamEvents& events,
                    PermissionPolicy permissions = {}, AuditTrail* audit = nullptr);

  // Every use case takes the principal asking; the permission table decides (permissions.hpp).
  Livestream create(const Principal& principal, CreateLivestreamInput input);
  std::vector<Livestream> list(const Principal& principal, LivestreamFilter filter);
  Viewed<Livestream> get(const Principal& principal, std::string_view id);
  // Ends the livestream (creator or admin; idempotent once ENDED). `requestingUserId` is the
  // body's identity field (required in open mode).
  Livestream end(const Principal& principal, std::string_view id,
                 const std::optional<std::string>& requestingUserId);
  JoinResult join(const Principal& principal, std::string_view id, JoinInput input);
  // Ends `userId`'s session (default: the actor's own).
  void leave(const Principal& principal, std::string_view id,
             const std::optional<std::string>& userId);
  Viewed<std::vector<Participant>> participants(const Principal& principal, std::string_view id,
                                                ParticipantFilter filter);
  Viewed<StreamState> state(const Principal& principal, std::string_view id);
  // Whether `principal` sees other users' ids in `livestream` (the table's SeeUserIds).
  bool sees_user_ids(const Principal& principal, const Livestream& livestream) const;
  const PermissionPolicy& permissions() const { return permissions_; }
  // The states of LIVE livestreams, newest first, at most `limit` (the global SSE snapshot).
  std::vector<StreamState> live_states(std::size_t limit);
  // The live state read from the database (the source of truth), for SSE and tests.
  static StreamState build_state(Queries& q, const Livestream& livestream);

  // Ends a livestream as LiveKit's room_finished would (no authorization, no DeleteRoom):
  // all active participants LEFT, status ENDED, room_ended pushed. Used by the webhook worker and
  // the reconciliation job. Returns false when it was already ended.
  bool finish(std::string_view id);
  // Called after a livestream ended here (finish(); set once at start-up, before any request):
  // the ingest and recordings clean-up.
  void on_ended(std::function<void(const std::string&)> hook) { onEnded_ = std::move(hook); }

 private:
  static Livestream load(Queries& q, std::string_view id);
  // load(), then the table's ReadLivestream for `actor` (404 first, then 401/403).
  Livestream readable(Queries& q, const Actor& actor, std::string_view id) const;
  // A join waiting for its batch (see join()).
  struct PendingJoin {
    std::string_view livestreamId;
    const Actor* actor;
    const PermissionPolicy* permissions;
    Participant* participant;
    std::string room;            // set when the join was written
    bool onStage = false;        // a CO_HOST: the token grants publishing
    std::exception_ptr refused;  // 404 / 400 / 403 / 409 for this join only
  };
  void join_batch(std::vector<PendingJoin*>& batch);
  // The livestreams a join batch has locked, by id (nullopt: no such livestream).
  using LockedLivestreams = std::map<std::string, std::optional<Livestream>, std::less<>>;
  // Locks the batch's livestreams in room-name order when there are several (see the .cpp).
  static void lock_in_room_order(Queries& q, const std::vector<PendingJoin*>& batch,
                                 LockedLivestreams& locked);
  // Checks one join and writes it inside the batch's transaction; a refusal is recorded in
  // `join.refused`, never thrown, so the others' writes go on. `locked` caches the batch's
  // livestream locks.
  static void join_one(Queries& q, PendingJoin& join, LockedLivestreams& locked);
  // NotFound naming the id.
  static AppError not_found(std::string_view id);

  Store& store_;
  RoomService& rooms_;
  const TokenIssuer& tokens_;
  const TimeSource& time_;
  LivestreamEvents& events_;
  PermissionPolicy permissions_;
  AuditTrail* audit_;
  // Joins that arrive together share one transaction (one commit, one flush).
  util::GroupCommit<PendingJoin> joins_;
  std::function<void(const std::string&)> onEnded_;
};

}  // namespace lso::domain
