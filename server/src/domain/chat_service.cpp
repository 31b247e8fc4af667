// Chat, moderation and the stage: each use case is one store transaction (the rule checks, the
// change, its moderation-log entry), then the push and any LiveKit call after the commit.
#include "domain/chat_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "domain/audience.hpp"
#include "domain/errors.hpp"
#include "domain/validation.hpp"
#include "util/uuid.hpp"

namespace lso::domain {

namespace {

constexpr std::size_t kClientIdMax = 64;

AppError invalid(const std::string& message) {
  return AppError(ErrorKind::Validation, message);
}

AppError not_found(std::string_view what, std::string_view id) {
  return AppError(ErrorKind::NotFound, fmt::format("{} {} not found", what, id));
}

AppError banned_error() {
  return AppError(ErrorKind::Authorization, "You are banned from this livestream", "banned");
}

long seconds_until(TimePoint from, TimePoint to) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
  return static_cast<long>(std::max<std::int64_t>(1, (us + 999'999) / 1'000'000));
}

bool has_standing(const Member& m) {
  return m.moderator || m.banned || m.chatTimeoutUntil || m.handRaisedAt ||
         m.stage != StageStatus::None;
}

}  // namespace

struct ChatService::Context {
  Livestream livestream;
  Actor actor;
  bool moderator = false;  // the actor moderates this livestream
  TimePoint now{};
  Subject subject(std::string_view target = {}, bool targetModerator = false) const {
    Subject s;
    s.livestream = &livestream;
    s.moderator = moderator;
    s.targetUserId = target;
    s.targetModerator = targetModerator;
    return s;
  }
};

ChatService::ChatService(Store& store, RoomService& rooms, const TimeSource& time,
                         LivestreamEvents& events, PermissionPolicy permissions, AuditTrail* audit,
                         ChatPolicy policy)
    : store_(store),
      rooms_(rooms),
      time_(time),
      events_(events),
      permissions_(permissions),
      audit_(audit),
      policy_(policy) {}

// Loads and locks the livestream, checks the actor may read it (404 before 401/403), and reads
// whether they moderate it.
ChatService::Context ChatService::open(Queries& q, const Actor& actor,
                                       std::string_view livestreamId, bool exclusive) {
  auto l = exclusive ? q.lock_livestream_exclusive(livestreamId)
                     : q.lock_livestream_shared(livestreamId);
  if (!l) throw not_found("Livestream", livestreamId);
  Context c{std::move(*l), actor, false, time_.now()};
  require_reading_invites(permissions_, actor, Action::ReadLivestream, c.subject(), q);
  if (!actor.userId.empty()) {
    auto m = q.find_member(c.livestream.id, actor.userId);
    c.moderator = m && m->moderator;
  }
  return c;
}

std::string ChatService::target_user(Queries& q, const Context& c, const Target& target) {
  if (target.userId) {
    require_text("userId", *target.userId, limits::kUserIdMax);
    return *target.userId;
  }
  if (target.messageId) {
    auto m = q.find_chat_message(*target.messageId);
    if (!m || m->livestreamId != c.livestream.id) throw not_found("Message", *target.messageId);
    return m->userId;
  }
  throw invalid("userId (or messageId) is required");
}

// The person's row, or a fresh one named after their seat, their account, or their id.
Member ChatService::member_of(Queries& q, const Context& c, const std::string& userId) {
  if (auto m = q.find_member(c.livestream.id, userId)) return *m;
  Member m;
  m.livestreamId = c.livestream.id;
  m.userId = userId;
  if (auto p = q.find_active_participant(c.livestream.id, userId)) {
    m.displayName = p->displayName;
  } else if (auto u = q.find_user(userId)) {
    m.displayName = u->displayName;
  } else {
    m.displayName = userId;
  }
  return m;
}

void ChatService::log(Queries& q, const Context& c, std::string action, const std::string& target,
                      const std::string& messageId, boost::json::value details) {
  ModerationEntry e;
  e.livestreamId = c.livestream.id;
  e.at = c.now;
  e.actorId = c.actor.userId.empty() ? c.actor.principalName : c.actor.userId;
  e.action = std::move(action);
  e.targetUserId = target;
  e.messageId = messageId;
  e.details = std::move(details);
  q.insert_moderation(e);
}

void ChatService::audit(const Actor& actor, std::string_view action, std::string_view target,
                        boost::json::value details) {
  if (audit_) audit_->audit(actor, action, target, "ok", std::move(details));
}

// UpdateParticipant after the commit. Best effort when the person is not in the room: their next
// join token carries the permission anyway.
void ChatService::publishing(const std::string& room, const std::string& userId, bool canPublish) {
  try {
    rooms_.set_participant_can_publish(room, userId, canPublish);
  } catch (const LiveKitError& e) {
    if (!e.is_not_found()) throw;
  }
}

// --- chat ---

PostedChat ChatService::post(const Principal& principal, std::string_view livestreamId,
                             PostChatInput input) {
  if (input.userId) require_text("userId", *input.userId, limits::kUserIdMax);
  const Actor actor = resolve_actor(principal, "userId", input.userId);
  std::string displayName = actor.namedInBody || actor.displayName.empty()
                                ? input.displayName.value_or("")
                                : actor.displayName;
  if (actor.namedInBody && !input.displayName) throw invalid("displayName is required");
  if (actor.kind != PrincipalKind::Nobody)
    require_text("displayName", displayName, limits::kDisplayNameMax);
  // Text only: any characters a person types (line breaks included), no control characters;
  // markup is just text and is rendered as text by clients.
  require_text("text", input.text, policy_.maxLength, true);
  if (input.clientMessageId) require_text("clientMessageId", *input.clientMessageId, kClientIdMax);

  PostedChat out;
  store_.write([&](Queries& q) {
    out = {};
    auto c = open(q, actor, livestreamId, false);
    require_reading_invites(permissions_, actor, Action::PostChat, c.subject(), q);
    // A retry of a stored message answers it again, whatever has changed since.
    if (input.clientMessageId) {
      if (auto m = q.find_chat_message_by_client_id(c.livestream.id, actor.userId,
                                                    *input.clientMessageId)) {
        out.message = std::move(*m);
        return;
      }
    }
    if (c.livestream.status != LivestreamStatus::Live)
      throw AppError(ErrorKind::Conflict, "The chat is closed: the livestream is not live",
                     "chat_closed");
    const bool host = actor.userId == c.livestream.createdBy;
    if (auto m = q.find_member(c.livestream.id, actor.userId)) {
      if (m->banned) throw banned_error();
      if (m->chatTimeoutUntil && *m->chatTimeoutUntil > c.now)
        throw AppError(ErrorKind::Authorization, "You are timed out of this chat", "timed_out",
                       seconds_until(c.now, *m->chatTimeoutUntil));
    }
    const auto activity =
        q.chat_activity(c.livestream.id, actor.userId, c.now - policy_.rateWindow);
    if (activity.recent >= policy_.rateLimit)
      throw AppError(ErrorKind::RateLimit,
                     fmt::format("At most {} messages per {} s", policy_.rateLimit,
                                 policy_.rateWindow.count()),
                     "rate_limited", static_cast<long>(policy_.rateWindow.count()));
    // Slow mode holds back the audience, not the people keeping order.
    if (!host && !c.moderator) {
      const auto slow = q.chat_slow_mode(c.livestream.id);
      if (slow > 0 && activity.last && c.now - *activity.last < std::chrono::seconds(slow))
        throw AppError(ErrorKind::RateLimit, fmt::format("Slow mode: one message every {} s", slow),
                       "slow_mode",
                       seconds_until(c.now, *activity.last + std::chrono::seconds(slow)));
    }
    ChatMessage m;
    m.id = util::new_uuid();
    m.livestreamId = c.livestream.id;
    m.userId = actor.userId;
    m.displayName = displayName;
    m.text = input.text;
    m.createdAt = c.now;
    m.clientId = input.clientMessageId;
    if (!q.insert_chat_message(m)) {
      // The same retry racing on another instance stored it first.
      auto stored =
          q.find_chat_message_by_client_id(c.livestream.id, actor.userId, *input.clientMessageId);
      if (!stored) throw AppError(ErrorKind::Conflict, "The message could not be stored");
      out.message = std::move(*stored);
      return;
    }
    out.message = std::move(m);
    out.created = true;
  });
  if (out.created) events_.chat_message(out.message);
  return out;
}

Viewed<std::vector<ChatMessage>> ChatService::history(const Principal& principal,
                                                      std::string_view livestreamId,
                                                      const std::optional<std::string>& before,
                                                      std::int32_t limit) {
  const Actor actor = actor_of(principal);
  return store_.read([&](Queries& q) {
    auto l = q.find_livestream(livestreamId);
    if (!l) throw not_found("Livestream", livestreamId);
    Context c{*l, actor, false, time_.now()};
    require_reading_invites(permissions_, actor, Action::ReadChat, c.subject(), q);
    if (!actor.userId.empty()) {
      auto m = q.find_member(l->id, actor.userId);
      c.moderator = m && m->moderator;
    }
    std::optional<ChatMessage> cursor;
    if (before) {
      cursor = q.find_chat_message(*before);
      if (!cursor || cursor->livestreamId != l->id) throw not_found("Message", *before);
    }
    auto page = q.list_chat_messages(l->id, cursor ? &*cursor : nullptr, limit);
    std::reverse(page.begin(), page.end());
    // Those who act on authors see their ids.
    const bool ids =
        permissions_.open || decide(permissions_, actor, Action::Moderate, c.subject()).allowed;
    return Viewed<std::vector<ChatMessage>>{std::move(page), ids};
  });
}

void ChatService::delete_message(const Principal& principal, std::string_view livestreamId,
                                 std::string_view messageId,
                                 const std::optional<std::string>& requestingUserId) {
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  std::string livestream;
  bool deleted = false;
  bool byAuthor = false;
  store_.write([&](Queries& q) {
    auto c = open(q, actor, livestreamId, false);
    auto m = q.find_chat_message(messageId);
    if (!m || m->livestreamId != c.livestream.id) throw not_found("Message", messageId);
    require(permissions_, actor, Action::DeleteChatMessage, c.subject(m->userId));
    livestream = c.livestream.id;
    byAuthor = m->userId == actor.userId;
    deleted = q.delete_chat_message(m->id, actor.userId, c.now);
    if (deleted && !byAuthor) log(q, c, "message.delete", m->userId, m->id);
  });
  if (!deleted) return;  // idempotent
  events_.chat_message_deleted(livestream, std::string(messageId));
  if (!byAuthor) audit(actor, "chat.delete", messageId);
}

void ChatService::set_slow_mode(const Principal& principal, std::string_view livestreamId,
                                std::int32_t seconds,
                                const std::optional<std::string>& requestingUserId) {
  if (seconds < 0 || seconds > policy_.maxSlowModeSeconds)
    throw invalid(
        fmt::format("slowModeSeconds must be between 0 and {}", policy_.maxSlowModeSeconds));
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  std::string id;
  store_.write([&](Queries& q) {
    auto c = open(q, actor, livestreamId, false);
    require(permissions_, actor, Action::Moderate, c.subject());
    q.set_chat_slow_mode(c.livestream.id, seconds);
    log(q, c, "slow_mode", {}, {}, boost::json::object{{"seconds", seconds}});
    id = c.livestream.id;
  });
  audit(actor, "moderation.slow_mode", id, boost::json::object{{"seconds", seconds}});
}

// --- moderation ---

Member ChatService::set_moderator(const Principal& principal, std::string_view livestreamId,
                                  const Target& target, bool moderator,
                                  const std::optional<std::string>& requestingUserId) {
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  Member out;
  store_.write([&](Queries& q) {
    auto c = open(q, actor, livestreamId, false);
    const auto user = target_user(q, c, target);
    require(permissions_, actor, Action::ManageModerators, c.subject(user));
    if (user == c.livestream.createdBy) throw invalid("The creator is the host, not a moderator");
    out = member_of(q, c, user);
    out.moderator = moderator;
    out.updatedAt = c.now;
    q.save_member(out);
    log(q, c, moderator ? "moderator.add" : "moderator.remove", user);
  });
  audit(actor, out.moderator ? "moderation.moderator_add" : "moderation.moderator_remove",
        out.userId, boost::json::object{{"livestreamId", out.livestreamId}});
  return out;
}

Member ChatService::time_out(const Principal& principal, std::string_view livestreamId,
                             const Target& target, std::int64_t seconds,
                             const std::optional<std::string>& requestingUserId) {
  if (seconds < 0 || seconds > policy_.maxTimeoutSeconds)
    throw invalid(fmt::format("seconds must be between 0 and {}", policy_.maxTimeoutSeconds));
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  Member out;
  store_.write([&](Queries& q) {
    auto c = open(q, actor, livestreamId, false);
    const auto user = target_user(q, c, target);
    out = member_of(q, c, user);
    require(permissions_, actor, Action::ModerateUser, c.subject(user, out.moderator));
    if (seconds > 0)
      out.chatTimeoutUntil = c.now + std::chrono::seconds(seconds);
    else
      out.chatTimeoutUntil.reset();
    out.updatedAt = c.now;
    q.save_member(out);
    log(q, c, seconds > 0 ? "timeout" : "timeout.lift", user, {},
        boost::json::object{{"seconds", seconds}});
  });
  audit(actor, "moderation.timeout", out.userId,
        boost::json::object{{"livestreamId", out.livestreamId}, {"seconds", seconds}});
  return out;
}

Member ChatService::ban(const Principal& principal, std::string_view livestreamId,
                        const Target& target, bool banned,
                        const std::optional<std::string>& requestingUserId) {
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  Member out;
  std::string room;
  bool removed = false;
  bool wasOnStage = false;
  store_.write([&](Queries& q) {
    // Exclusive: a ban ends the person's seat and sessions, which webhook effects also write.
    auto c = open(q, actor, livestreamId, banned);
    const auto user = target_user(q, c, target);
    out = member_of(q, c, user);
    require(permissions_, actor, Action::ModerateUser, c.subject(user, out.moderator));
    room = c.livestream.roomName;
    out.banned = banned;
    removed = false;
    wasOnStage = out.stage != StageStatus::None;
    if (banned) {
      out.moderator = false;
      out.handRaisedAt.reset();
      out.stage = StageStatus::None;
      audience::Tally tally;
      const std::string users[] = {user};
      removed = audience::remove_users(q, c.livestream, users, c.now, tally);
      tally.write(q, c.now);
    }
    out.updatedAt = c.now;
    q.save_member(out);
    log(q, c, banned ? "ban" : "unban", user);
  });
  audit(actor, banned ? "moderation.ban" : "moderation.unban", out.userId,
        boost::json::object{{"livestreamId", out.livestreamId}});
  if (!banned) return out;
  if (removed) events_.state_changed(out.livestreamId, StateChange::ParticipantsChanged);
  if (wasOnStage) events_.stage_changed(out.livestreamId);
  // The ban in the database is what refuses the person from now on; removing them from the room
  // is LiveKit's part (not there: nothing to remove).
  try {
    rooms_.remove_participant(room, out.userId);
  } catch (const LiveKitError& e) {
    if (!e.is_not_found())
      spdlog::warn("RemoveParticipant {} from room {} after a ban failed: {}", out.userId, room,
                   e.what());
  }
  return out;
}

std::vector<std::string> ChatService::mute(const Principal& principal,
                                           std::string_view livestreamId, const Target& target,
                                           std::string_view kind,
                                           const std::optional<std::string>& trackSid,
                                           const std::optional<std::string>& requestingUserId) {
  if (kind != "audio" && kind != "video" && kind != "all")
    throw invalid("kind must be audio, video or all");
  if (trackSid) require_text("trackSid", *trackSid, 128);
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  std::string room, user, id;
  store_.write([&](Queries& q) {
    auto c = open(q, actor, livestreamId, false);
    user = target_user(q, c, target);
    auto m = q.find_member(c.livestream.id, user);
    require(permissions_, actor, Action::ModerateUser, c.subject(user, m && m->moderator));
    if (c.livestream.status != LivestreamStatus::Live)
      throw AppError(ErrorKind::Conflict, "The livestream is not live");
    room = c.livestream.roomName;
    id = c.livestream.id;
    log(q, c, "mute", user, {},
        boost::json::object{
            {"kind", kind},
            {"trackSid", trackSid ? boost::json::value(*trackSid) : boost::json::value(nullptr)}});
  });
  // The tracks LiveKit knows now (a webhook-fed copy could lag behind a fresh publish).
  std::vector<std::string> muted;
  for (const auto& p : rooms_.list_participants(room)) {
    if (p.identity != user) continue;
    for (const auto& t : p.tracks) {
      const bool wanted = trackSid ? t.sid == *trackSid
                                   : (kind == "all" && t.type != "DATA") ||
                                         (kind == "audio" && t.type == "AUDIO") ||
                                         (kind == "video" && t.type == "VIDEO");
      if (!wanted) continue;
      rooms_.mute_published_track(room, user, t.sid, true);
      muted.push_back(t.sid);
    }
  }
  if (muted.empty())
    throw AppError(ErrorKind::NotFound, "The person publishes no such track in the room");
  audit(actor, "moderation.mute", user,
        boost::json::object{{"livestreamId", id}, {"tracks", muted.size()}});
  return muted;
}

Viewed<std::vector<ModerationEntry>> ChatService::moderation_log(
    const Principal& principal, std::string_view livestreamId, std::int64_t beforeId,
    std::int32_t limit, const std::optional<std::string>& requestingUserId) {
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  return store_.read([&](Queries& q) {
    auto l = q.find_livestream(livestreamId);
    if (!l) throw not_found("Livestream", livestreamId);
    Context c{*l, actor, false, time_.now()};
    if (!actor.userId.empty()) {
      auto m = q.find_member(l->id, actor.userId);
      c.moderator = m && m->moderator;
    }
    require(permissions_, actor, Action::Moderate, c.subject());
    return Viewed<std::vector<ModerationEntry>>{q.list_moderation(l->id, beforeId, limit), true};
  });
}

Member ChatService::standing(const Principal& principal, std::string_view livestreamId,
                             const std::optional<std::string>& requestingUserId) {
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  return store_.read([&](Queries& q) {
    auto l = q.find_livestream(livestreamId);
    if (!l) throw not_found("Livestream", livestreamId);
    Context c{*l, actor, false, time_.now()};
    require_reading_invites(permissions_, actor, Action::ReadChat, c.subject(), q);
    if (actor.userId.empty()) return Member{};
    if (auto m = q.find_member(l->id, actor.userId)) return *m;
    Member m;
    m.livestreamId = l->id;
    m.userId = actor.userId;
    m.displayName = actor.displayName;
    m.updatedAt = c.now;
    return m;
  });
}

Viewed<std::vector<Member>> ChatService::members(
    const Principal& principal, std::string_view livestreamId,
    const std::optional<std::string>& requestingUserId) {
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  return store_.read([&](Queries& q) {
    auto l = q.find_livestream(livestreamId);
    if (!l) throw not_found("Livestream", livestreamId);
    Context c{*l, actor, false, time_.now()};
    if (!actor.userId.empty()) {
      auto m = q.find_member(l->id, actor.userId);
      c.moderator = m && m->moderator;
    }
    require(permissions_, actor, Action::Moderate, c.subject());
    auto all = q.list_members(l->id);
    std::erase_if(all, [](const Member& m) { return !has_standing(m); });
    return Viewed<std::vector<Member>>{std::move(all), true};
  });
}

// --- hands and the stage ---

Member ChatService::hand(const Principal& principal, std::string_view livestreamId,
                         const std::optional<std::string>& userId, bool raised,
                         const std::optional<std::string>& requestingUserId) {
  if (userId) require_text("userId", *userId, limits::kUserIdMax);
  // Open mode names the actor in `requestingUserId`, or (raising one's own hand) in `userId`.
  const bool openMode = principal.kind == PrincipalKind::Open;
  const Actor actor = resolve_actor(principal, "requestingUserId",
                                    openMode && !requestingUserId ? userId : requestingUserId);
  Member out;
  bool changed = false;
  store_.write([&](Queries& q) {
    auto c = open(q, actor, livestreamId, false);
    const std::string user = userId.value_or(actor.userId);
    require(permissions_, actor, raised ? Action::RaiseHand : Action::LowerHand, c.subject(user));
    if (c.livestream.status != LivestreamStatus::Live)
      throw AppError(ErrorKind::Conflict, "The livestream is not live");
    out = member_of(q, c, user);
    if (raised && out.banned) throw banned_error();
    if (raised && out.stage == StageStatus::On)
      throw AppError(ErrorKind::Conflict, "You are on stage already");
    changed = raised != out.handRaisedAt.has_value();
    if (!changed) return;
    if (raised)
      out.handRaisedAt = c.now;
    else
      out.handRaisedAt.reset();
    out.updatedAt = c.now;
    q.save_member(out);
    if (!raised && user != actor.userId) log(q, c, "hand.lower", user);
  });
  if (!changed) return out;
  events_.stage_changed(out.livestreamId);
  if (!raised && out.userId != actor.userId)
    audit(actor, "moderation.hand_lower", out.userId,
          boost::json::object{{"livestreamId", out.livestreamId}});
  return out;
}

Member ChatService::stage_invite(const Principal& principal, std::string_view livestreamId,
                                 const Target& target,
                                 const std::optional<std::string>& requestingUserId) {
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  Member out;
  store_.write([&](Queries& q) {
    auto c = open(q, actor, livestreamId, false);
    const auto user = target_user(q, c, target);
    require(permissions_, actor, Action::ManageStage, c.subject(user));
    if (user == c.livestream.createdBy) throw invalid("The host is on stage already");
    if (c.livestream.status != LivestreamStatus::Live)
      throw AppError(ErrorKind::Conflict, "The livestream is not live");
    out = member_of(q, c, user);
    if (out.banned) throw AppError(ErrorKind::Conflict, "This person is banned", "banned");
    if (out.stage == StageStatus::On) return;
    out.stage = StageStatus::Invited;
    out.handRaisedAt.reset();
    out.updatedAt = c.now;
    q.save_member(out);
    log(q, c, "stage.invite", user);
  });
  audit(actor, "stage.invite", out.userId, boost::json::object{{"livestreamId", out.livestreamId}});
  events_.stage_changed(out.livestreamId);
  return out;
}

Member ChatService::stage_accept(const Principal& principal, std::string_view livestreamId,
                                 const std::optional<std::string>& requestingUserId) {
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  Member out;
  std::string room;
  bool joined = false;
  store_.write([&](Queries& q) {
    joined = false;
    auto c = open(q, actor, livestreamId, false);
    require(permissions_, actor, Action::AnswerStageInvite, c.subject(actor.userId));
    if (c.livestream.status != LivestreamStatus::Live)
      throw AppError(ErrorKind::Conflict, "The livestream is not live");
    out = member_of(q, c, actor.userId);
    room = c.livestream.roomName;
    // Accepting again re-sends the grant (a LiveKit failure after the commit is retried so).
    if (out.stage == StageStatus::On) return;
    if (out.stage != StageStatus::Invited)
      throw AppError(ErrorKind::Conflict, "You are not invited on stage", "not_invited");
    out.stage = StageStatus::On;
    out.updatedAt = c.now;
    q.save_member(out);
    log(q, c, "stage.join", actor.userId);
    joined = true;
  });
  if (joined) {
    audit(actor, "stage.join", out.userId, boost::json::object{{"livestreamId", out.livestreamId}});
    events_.stage_changed(out.livestreamId);
    events_.state_changed(out.livestreamId, StateChange::ParticipantsChanged);  // CO_HOST count
  }
  publishing(room, out.userId, true);
  return out;
}

Member ChatService::stage_leave(const Principal& principal, std::string_view livestreamId,
                                const Target& target,
                                const std::optional<std::string>& requestingUserId) {
  const Actor actor = resolve_actor(principal, "requestingUserId", requestingUserId);
  Member out;
  std::string room;
  bool wasOn = false;
  store_.write([&](Queries& q) {
    auto c = open(q, actor, livestreamId, false);
    const auto user = target.userId || target.messageId ? target_user(q, c, target) : actor.userId;
    const auto self = decide(permissions_, actor, Action::AnswerStageInvite, c.subject(user));
    if (!self.allowed) require(permissions_, actor, Action::ManageStage, c.subject(user));
    out = member_of(q, c, user);
    room.clear();
    wasOn = out.stage == StageStatus::On;
    if (out.stage == StageStatus::None) return;
    out.stage = StageStatus::None;
    out.updatedAt = c.now;
    q.save_member(out);
    log(q, c, "stage.leave", user);
    room = c.livestream.roomName;
  });
  if (room.empty()) return out;
  audit(actor, "stage.leave", out.userId, boost::json::object{{"livestreamId", out.livestreamId}});
  events_.stage_changed(out.livestreamId);
  if (wasOn) events_.state_changed(out.livestreamId, StateChange::ParticipantsChanged);
  if (wasOn) publishing(room, out.userId, false);
  return out;
}

StageView ChatService::stage_view(Queries& q, std::string_view livestreamId) {
  StageView v;
  for (auto& m : q.list_members(livestreamId)) {
    if (m.banned) continue;
    if (m.stage != StageStatus::None) v.stage.push_back(m);
    if (m.handRaisedAt) v.raisedHands.push_back(std::move(m));
  }
  std::sort(v.raisedHands.begin(), v.raisedHands.end(),
            [](const Member& a, const Member& b) { return *a.handRaisedAt < *b.handRaisedAt; });
  return v;
}

}  // namespace lso::domain
