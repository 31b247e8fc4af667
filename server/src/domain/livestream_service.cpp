// The livestream use cases: each one a short sequence of store transactions and LiveKit calls,
// with the API's rules (validation, one active livestream per room name, who may join as what,
// a leave that really disconnects) enforced here, whatever the entry point.
#include "domain/livestream_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "domain/audience.hpp"
#include "domain/errors.hpp"
#include "domain/validation.hpp"
#include "util/uuid.hpp"

namespace lso::domain {

namespace {

AppError invalid(const std::string& message) {
  return AppError(ErrorKind::Validation, message);
}

void require_metadata(const boost::json::value& metadata) {
  if (metadata.is_null()) return;
  if (!metadata.is_object()) throw invalid("metadata must be a JSON object");
  if (boost::json::serialize(metadata).size() > limits::kMetadataMaxBytes)
    throw invalid(
        fmt::format("metadata must be at most {} bytes of JSON", limits::kMetadataMaxBytes));
}

std::string metadata_text(const boost::json::value& metadata) {
  return metadata.is_null() ? std::string() : boost::json::serialize(metadata);
}

}  // namespace

LivestreamService::LivestreamService(Store& store, RoomService& rooms, const TokenIssuer& tokens,
                                     const TimeSource& time, LivestreamEvents& events,
                                     PermissionPolicy permissions, AuditTrail* audit)
    : store_(store),
      rooms_(rooms),
      tokens_(tokens),
      time_(time),
      events_(events),
      permissions_(permissions),
      audit_(audit) {}

Livestream LivestreamService::load(Queries& q, std::string_view id) {
  // Ids that are not UUIDs cannot exist: a 404 without asking the database (and never a 500
  // from a uuid column rejecting the text).
  if (!util::is_uuid(id)) throw not_found(id);
  auto livestream = q.find_livestream(id);
  if (!livestream) throw not_found(id);
  return std::move(*livestream);
}

Livestream LivestreamService::readable(Queries& q, const Actor& actor, std::string_view id) const {
  auto livestream = load(q, id);
  Subject s;
  s.livestream = &livestream;
  // Private livestreams are readable by their invited users.
  require_reading_invites(permissions_, actor, Action::ReadLivestream, s, q);
  return livestream;
}

bool LivestreamService::sees_user_ids(const Principal& principal,
                                      const Livestream& livestream) const {
  Subject s;
  s.livestream = &livestream;
  return decide(permissions_, actor_of(principal), Action::SeeUserIds, s).allowed;
}

AppError LivestreamService::not_found(std::string_view id) {
  return AppError(ErrorKind::NotFound, fmt::format("Livestream {} not found", id));
}

Livestream LivestreamService::create(const Principal& principal, CreateLivestreamInput input) {
  if (input.createdBy) require_text("createdBy", *input.createdBy, limits::kUserIdMax);
  const Actor actor = resolve_actor(principal, "createdBy", input.createdBy);
  require(permissions_, actor, Action::CreateLivestream);
  require_text("roomName", input.roomName, limits::kRoomNameMax);
  require_text("title", input.title, limits::kTitleMax);
  if (input.description) {
    if (utf8_length(*input.description) > limits::kDescriptionMax)
      throw invalid(
          fmt::format("description must be at most {} characters", limits::kDescriptionMax));
    if (!input.description->empty())
      require_text("description", *input.description, limits::kDescriptionMax, true);
  }
  if (input.maxParticipants < limits::kMaxParticipantsMin ||
      input.maxParticipants > limits::kMaxParticipantsMax)
    throw invalid(fmt::format("maxParticipants must be an integer from {} to {}",
                              limits::kMaxParticipantsMin, limits::kMaxParticipantsMax));
  if (input.emptyTimeout < 0 || input.emptyTimeout > limits::kEmptyTimeoutMax)
    throw invalid(fmt::format("emptyTimeout must be an integer from 0 to {} seconds",
                              limits::kEmptyTimeoutMax));
  require_metadata(input.metadata);
  std::string room = sanitize_room_name(input.roomName);
  if (room.empty()) throw invalid("roomName must contain at least one letter, digit, '-' or '_'");

  Livestream livestream;
  livestream.id = util::new_uuid();
  livestream.roomName = std::move(room);
  livestream.title = std::move(input.title);
  livestream.description = std::move(input.description);
  livestream.createdBy = actor.userId;
  livestream.creatorName = actor.displayName.empty() ? actor.userId : actor.displayName;
  livestream.visibility = input.visibility;
  livestream.maxParticipants = static_cast<std::int32_t>(input.maxParticipants);
  livestream.emptyTimeout = static_cast<std::int32_t>(input.emptyTimeout);
  livestream.metadata = std::move(input.metadata);
  livestream.status = LivestreamStatus::Scheduled;
  livestream.createdAt = livestream.updatedAt = time_.now();

  try {
    store_.write([&](Queries& q) { q.insert_livestream(livestream); });
  } catch (const UniqueViolation&) {
    throw AppError(ErrorKind::Conflict,
                   fmt::format("Room '{}' already has an active livestream", livestream.roomName));
  }

  // The record exists (SCHEDULED) before the room does, so a crash between the two leaves a
  // visible record and never an orphan room nobody knows about.
  try {
    rooms_.create_room({livestream.roomName, livestream.emptyTimeout, livestream.maxParticipants,
                        metadata_text(livestream.metadata)});
  } catch (const LiveKitError& e) {
    spdlog::warn("CreateRoom failed for livestream {} (room {}): {}", livestream.id,
                 livestream.roomName, e.what());
    if (auto failed = store_.write(
            [&](Queries& q) { return q.mark_livestream_error(livestream.id, time_.now()); }))
      events_.livestream_changed(*failed, true);
    throw;
  }

  auto live =
      store_.write([&](Queries& q) { return q.mark_livestream_live(livestream.id, time_.now()); });
  // Ended concurrently between the two steps (a DELETE racing the create): answer what is stored.
  if (!live) live = store_.read([&](Queries& q) { return load(q, livestream.id); });
  events_.livestream_changed(*live, true);
  if (audit_)
    audit_->audit(actor, "livestream.create", live->id, "ok",
                  boost::json::object{{"roomName", live->roomName},
                                      {"visibility", to_string(live->visibility)}});
  return std::move(*live);
}

std::vector<Livestream> LivestreamService::list(const Principal& principal,
                                                LivestreamFilter filter) {
  const Actor actor = actor_of(principal);
  require(permissions_, actor, Action::ListLivestreams);
  filter.scope = list_scope(actor);
  filter.reader = actor.userId;
  return store_.read([&](Queries& q) { return q.list_livestreams(filter); });
}

Viewed<Livestream> LivestreamService::get(const Principal& principal, std::string_view id) {
  auto l = store_.read([&](Queries& q) { return readable(q, actor_of(principal), id); });
  const bool ids = sees_user_ids(principal, l);
  return {std::move(l), ids};
}

Livestream LivestreamService::end(const Principal& principal, std::string_view id,
                                  const std::optional<std::string>& requestingUserId) {
  if (requestingUserId) require_text("requestingUserId", *requestingUserId, limits::kUserIdMax);
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  // The End row decides alone (a write-only key may end what it may end without reading it).
  auto livestream = store_.read([&](Queries& q) { return load(q, id); });
  Subject subject;
  subject.livestream = &livestream;
  if (const auto d = decide(permissions_, actor, Action::EndLivestream, subject); !d.allowed) {
    if (audit_) audit_->audit(actor, "livestream.end", livestream.id, "refused");
    throw AppError(d.refusal, d.reason);
  }
  if (livestream.status == LivestreamStatus::Ended) return livestream;  // idempotent

  // Our record first: the caller sees ENDED at once, and LiveKit's room_finished / participant_left
  // webhooks that DeleteRoom triggers find nothing left to change.
  finish(id);
  try {
    rooms_.delete_room(livestream.roomName);
  } catch (const LiveKitError& e) {
    // Not fatal: the room empties out by itself after its timeouts.
    if (!e.is_not_found())
      spdlog::warn("DeleteRoom failed for livestream {} (room {}): {}", livestream.id,
                   livestream.roomName, e.what());
  }
  if (audit_) audit_->audit(actor, "livestream.end", livestream.id, "ok");
  return store_.read([&](Queries& q) { return load(q, id); });
}

bool LivestreamService::finish(std::string_view id) {
  const auto now = time_.now();
  auto ended = store_.write([&](Queries& q) -> std::optional<Livestream> {
    // The livestream row first (the lock order of every writer), then its participants: a join
    // committed before this sees its participant marked LEFT, one after it finds ENDED.
    auto livestream = q.mark_livestream_ended(id, now);
    if (livestream) {
      audience::Tally tally;
      audience::end_all(q, *livestream, now, tally);
      tally.write(q, now);
    }
    return livestream;
  });
  if (!ended) return false;
  events_.state_changed(ended->id, StateChange::RoomEnded);
  if (onEnded_) onEnded_(ended->id);
  events_.livestream_changed(*ended, false);
  return true;
}

JoinResult LivestreamService::join(const Principal& principal, std::string_view id,
                                   JoinInput input) {
  if (input.userId) require_text("userId", *input.userId, limits::kUserIdMax);
  const Actor actor = resolve_actor(principal, "userId", input.userId);
  // A signed-in person joins under the name they signed in with (display names are what
  // everyone else sees of them); only open mode and act-as keys name it in the body.
  std::string displayName = actor.namedInBody || actor.displayName.empty()
                                ? input.displayName.value_or("")
                                : actor.displayName;
  if (actor.namedInBody && !input.displayName) throw invalid("displayName is required");
  if (actor.kind != PrincipalKind::Nobody)
    require_text("displayName", displayName, limits::kDisplayNameMax);
  require_metadata(input.metadata);

  JoinResult result;
  Participant& p = result.participant;
  p.id = util::new_uuid();
  p.userId = actor.userId;
  p.displayName = std::move(displayName);
  p.role = input.role;
  p.status = ParticipantStatus::Joined;
  p.metadata = std::move(input.metadata);
  p.joinedAt = time_.now();

  PendingJoin pending{id, &actor, &permissions_, &p, {}, false, nullptr};
  joins_.submit(pending, [this](std::vector<PendingJoin*>& batch) { join_batch(batch); });
  if (pending.refused) {
    if (audit_) {
      try {
        std::rethrow_exception(pending.refused);
      } catch (const AppError& e) {
        if (e.kind() == ErrorKind::Authorization || e.kind() == ErrorKind::Authentication)
          audit_->audit(actor, "join.refused", id, "refused",
                        boost::json::object{{"role", to_string(p.role)}, {"reason", e.what()}});
      } catch (...) {
      }
    }
    std::rethrow_exception(pending.refused);
  }
  const std::string& room = pending.room;

  result.token = tokens_.issue_join_token({room, p.userId, p.displayName, metadata_text(p.metadata),
                                           p.role == ParticipantRole::Host || pending.onStage});
  result.url = tokens_.public_url();
  // No state change: a seat is not a viewer until LiveKit says its session connected.
  return result;
}

void LivestreamService::join_one(Queries& q, PendingJoin& join, LockedLivestreams& locked) {
  join.refused = nullptr;
  Participant& p = *join.participant;
  auto it = locked.find(join.livestreamId);
  if (it == locked.end()) {
    // Shared lock: joins run side by side, but not across the end of the livestream.
    it = locked.emplace(std::string(join.livestreamId), q.lock_livestream_shared(join.livestreamId))
             .first;
  }
  const auto& livestream = it->second;
  if (!livestream) {
    join.refused = std::make_exception_ptr(not_found(join.livestreamId));
    return;
  }
  if (livestream->status != LivestreamStatus::Live) {
    join.refused = std::make_exception_ptr(
        invalid(fmt::format("Livestream is not live (status {})", to_string(livestream->status))));
    return;
  }
  Subject subject;
  subject.livestream = &*livestream;
  const Action action = p.role == ParticipantRole::Host ? Action::JoinAsHost : Action::JoinAsViewer;
  auto decision = decide(*join.permissions, *join.actor, action, subject);
  if (!decision.allowed && action == Action::JoinAsViewer &&
      livestream->visibility == Visibility::Private && join.actor->signed_in() &&
      !p.userId.empty()) {
    subject.invited = q.is_invited(livestream->id, p.userId);
    decision = decide(*join.permissions, *join.actor, action, subject);
  }
  if (!decision.allowed) {
    join.refused = std::make_exception_ptr(AppError(decision.refusal, decision.reason));
    return;
  }
  p.livestreamId = livestream->id;
  // A ban (moderation) outlasts reconnects: every join of the person is refused, on any instance.
  join.onStage = false;
  if (!p.userId.empty() && p.userId != livestream->createdBy) {
    if (auto m = q.find_member(livestream->id, p.userId)) {
      if (m->banned) {
        join.refused = std::make_exception_ptr(
            AppError(ErrorKind::Authorization, "You are banned from this livestream", "banned"));
        return;
      }
      join.onStage = m->stage == StageStatus::On;
    }
  }
  // The only rule a fresh record can meet is "one active session per user" (concurrent joins of
  // one user: one succeeds, the others wait for it or come after it in the batch and get 409).
  // Refused without an error, so the transaction (and the batch) goes on.
  if (!q.insert_participant_if_absent(p)) {
    join.refused = std::make_exception_ptr(
        AppError(ErrorKind::Conflict, "User already has an active session in this livestream"));
    return;
  }
  join.room = livestream->roomName;
}

// A batch joining several livestreams locks them in the order every multi-livestream locker uses
// (room name, as the webhook workers do), so it cannot deadlock with a worker's batch. Room names
// are read first without a lock (a livestream's room name never changes).
void LivestreamService::lock_in_room_order(Queries& q, const std::vector<PendingJoin*>& batch,
                                           LockedLivestreams& locked) {
  std::vector<std::string_view> ids;
  ids.reserve(batch.size());
  for (const auto* join : batch) ids.push_back(join->livestreamId);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() < 2) return;                                   // one lock: no order to keep
  std::vector<std::pair<std::string, std::string_view>> order;  // (room name, id)
  for (const auto id : ids) {
    if (auto l = q.find_livestream(id)) {
      order.emplace_back(l->roomName, id);
    } else {
      locked.emplace(std::string(id), std::nullopt);  // unknown: nothing to lock
    }
  }
  std::sort(order.begin(), order.end());
  for (const auto& [room, id] : order)
    locked.emplace(std::string(id), q.lock_livestream_shared(id));
}

void LivestreamService::join_batch(std::vector<PendingJoin*>& batch) {
  try {
    store_.write([&](Queries& q) {
      LockedLivestreams locked;  // per run: retries
      lock_in_room_order(q, batch, locked);
      for (auto* join : batch) join_one(q, *join, locked);
    });
    return;
  } catch (const std::exception&) {
    // A database error (one join's text the database cannot store, a lost connection) rolled
    // back the whole batch: each join again in a transaction of its own, so only its own fails.
    if (batch.size() == 1) throw;
  }
  for (auto* join : batch) {
    try {
      store_.write([&](Queries& q) {
        LockedLivestreams locked;
        join_one(q, *join, locked);
      });
    } catch (const std::exception&) {
      join->refused = std::current_exception();
    }
  }
}

void LivestreamService::leave(const Principal& principal, std::string_view id,
                              const std::optional<std::string>& named) {
  if (named) require_text("userId", *named, limits::kUserIdMax);
  // The body may name another participant: the table decides (the creator and admins may).
  const Actor actor = resolve_actor(principal, "userId", named, true);
  const std::string userId = named.value_or(actor.userId);
  std::string room, livestreamId;
  const auto now = time_.now();
  const bool left = store_.write([&](Queries& q) {
    // Exclusive: the leave changes the audience, which webhook effects also write.
    auto livestream = q.lock_livestream_exclusive(id);
    if (!livestream) throw not_found(id);
    Subject subject;
    subject.livestream = &*livestream;
    subject.targetUserId = userId;
    require(permissions_, actor, Action::Leave, subject);
    room = livestream->roomName;
    livestreamId = livestream->id;
    // The seat and every LiveKit session of the user end now: the webhooks RemoveParticipant
    // causes find nothing left to change.
    audience::Tally tally;
    const std::string users[] = {userId};
    const bool changed = audience::remove_users(q, *livestream, users, now, tally);
    tally.write(q, now);
    return changed;
  });
  if (!left) return;  // idempotent: no active session
  events_.state_changed(livestreamId, StateChange::ParticipantsChanged);
  // Leaving must really disconnect, not only mark the record: best effort, it is LEFT already.
  try {
    rooms_.remove_participant(room, userId);
  } catch (const LiveKitError& e) {
    if (!e.is_not_found())
      spdlog::info("RemoveParticipant {} from room {} failed: {}", userId, room, e.what());
  }
}

Viewed<std::vector<Participant>> LivestreamService::participants(const Principal& principal,
                                                                 std::string_view id,
                                                                 ParticipantFilter filter) {
  return store_.read([&](Queries& q) {
    auto livestream = readable(q, actor_of(principal), id);
    filter.livestreamId = livestream.id;
    return Viewed<std::vector<Participant>>{q.list_participants(filter),
                                            sees_user_ids(principal, livestream)};
  });
}

Viewed<StreamState> LivestreamService::state(const Principal& principal, std::string_view id) {
  return store_.read([&](Queries& q) {
    auto livestream = readable(q, actor_of(principal), id);
    return Viewed<StreamState>{build_state(q, livestream), sees_user_ids(principal, livestream)};
  });
}

std::vector<StreamState> LivestreamService::live_states(std::size_t limit) {
  return store_.read([&](Queries& q) {
    std::vector<StreamState> out;
    for (const auto& l : q.list_livestreams_with_status(LivestreamStatus::Live)) {
      if (out.size() >= limit) break;
      // The dashboard stream is one for everyone: it shows what everyone may find.
      if (!permissions_.open && l.visibility != Visibility::Public) continue;
      out.push_back(build_state(q, l));
    }
    return out;
  });
}

StreamState LivestreamService::build_state(Queries& q, const Livestream& livestream) {
  StreamState s;
  s.streamId = livestream.id;
  s.status = livestream.status;
  s.startedAt = livestream.startedAt;
  s.endedAt = livestream.endedAt;
  std::optional<std::string> hostName;
  s.people = q.connected_people(livestream.id);
  for (const auto& p : s.people)
    if (p.userId == livestream.createdBy) hostName = p.displayName;
  s.viewerCount = livestream.viewerCount;
  s.totalViewers = livestream.totalViewers;
  s.peakViewerCount = livestream.peakViewers;
  s.peakAt = livestream.peakAt;
  s.hostConnected = livestream.hostConnected;
  s.visibility = livestream.visibility;
  for (const auto& m : q.list_members(livestream.id)) {
    if (m.banned) continue;
    if (m.stage != StageStatus::None)
      s.stage.push_back({m.userId, m.displayName, std::string(to_string(m.stage)), m.updatedAt});
    if (m.handRaisedAt)
      s.raisedHands.push_back({m.userId, m.displayName, "RAISED", *m.handRaisedAt});
  }
  std::sort(s.raisedHands.begin(), s.raisedHands.end(),
            [](const StagePerson& a, const StagePerson& b) { return a.since < b.since; });
  // CO_HOSTs (viewers on stage) are not counted as viewers while they are on it. The stored
  // counters (peak, unique viewers, the series) keep counting what LiveKit confirmed; the live
  // count leaves out the connected people who are on stage now.
  std::int64_t coHosts = 0;
  for (const auto& m : s.stage) {
    if (m.status != "ON") continue;
    coHosts += std::any_of(s.people.begin(), s.people.end(), [&](const ConnectedPerson& p) {
      return p.userId == m.userId && p.role == ParticipantRole::Viewer;
    });
  }
  s.viewerCount = std::max<std::int64_t>(0, s.viewerCount - coHosts);
  s.hostInfo = HostInfo{livestream.createdBy,
                        hostName.value_or(livestream.creatorName.empty() ? livestream.createdBy
                                                                         : livestream.creatorName)};
  if (auto ingest = q.find_ingest(livestream.id))
    s.ingest = IngestState{std::string(to_string(ingest->input)),
                           std::string(to_string(ingest->status)), ingest->error};
  if (auto recordings = q.list_recordings(livestream.id); !recordings.empty()) {
    const auto& r = recordings.front();
    s.recording = RecordingState{r.id, std::string(to_string(r.status)), r.startedAt};
  }
  return s;
}

}  // namespace lso::domain
