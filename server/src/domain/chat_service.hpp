// The chat, moderation and stage use cases (docs/architecture.md, "Chat, moderation
// and the stage"). Synchronous and blocking (database, LiveKit): the API runs it on the pool.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/chat.hpp"
#include "domain/clock.hpp"
#include "domain/events.hpp"
#include "domain/livekit.hpp"
#include "domain/livestream_service.hpp"
#include "domain/permissions.hpp"
#include "domain/principal.hpp"
#include "domain/store.hpp"

namespace lso::domain {

// Deployment settings of the chat (CHAT_* in docs/operations.md).
struct ChatPolicy {
  std::size_t maxLength = 500;          // code points per message
  std::int64_t rateLimit = 5;           // messages per person per window...
  std::chrono::seconds rateWindow{10};  // ...in this window
  std::int32_t maxSlowModeSeconds = 3600;
  std::int64_t maxTimeoutSeconds = std::int64_t{7} * 24 * 3600;
};

struct PostChatInput {
  std::optional<std::string> userId;       // required in open mode; else the actor's own id
  std::optional<std::string> displayName;  // open mode and act-as keys only
  std::string text;
  std::optional<std::string> clientMessageId;  // makes a retry return the stored message
};

struct PostedChat {
  ChatMessage message;
  bool created = false;  // false: a retry found the message stored before
};

// Whom a moderation request is about: a user id, or the author of a message.
struct Target {
  std::optional<std::string> userId;
  std::optional<std::string> messageId;
};

class ChatService {
 public:
  ChatService(Store& store, RoomService& rooms, const TimeSource& time, LivestreamEvents& events,
              PermissionPolicy permissions, AuditTrail* audit, ChatPolicy policy = {});

  // `requestingUserId` below: the body's acting identity (required in open mode, may only name
  // the caller otherwise, any user for act-as keys).
  PostedChat post(const Principal& principal, std::string_view livestreamId, PostChatInput input);
  // Newest `limit` messages (older than message `before` when given), returned oldest first.
  Viewed<std::vector<ChatMessage>> history(const Principal& principal,
                                           std::string_view livestreamId,
                                           const std::optional<std::string>& before,
                                           std::int32_t limit);
  void delete_message(const Principal& principal, std::string_view livestreamId,
                      std::string_view messageId,
                      const std::optional<std::string>& requestingUserId);
  void set_slow_mode(const Principal& principal, std::string_view livestreamId,
                     std::int32_t seconds, const std::optional<std::string>& requestingUserId);

  Member set_moderator(const Principal& principal, std::string_view livestreamId,
                       const Target& target, bool moderator,
                       const std::optional<std::string>& requestingUserId);
  // seconds 0 lifts the timeout.
  Member time_out(const Principal& principal, std::string_view livestreamId, const Target& target,
                  std::int64_t seconds, const std::optional<std::string>& requestingUserId);
  // Bans (removes from the room, refuses joins and chat) or unbans.
  Member ban(const Principal& principal, std::string_view livestreamId, const Target& target,
             bool banned, const std::optional<std::string>& requestingUserId);
  // Mutes the person's published tracks of `kind` ("audio", "video" or "all"), or the one
  // `trackSid`. Returns the sids muted.
  std::vector<std::string> mute(const Principal& principal, std::string_view livestreamId,
                                const Target& target, std::string_view kind,
                                const std::optional<std::string>& trackSid,
                                const std::optional<std::string>& requestingUserId);
  Viewed<std::vector<ModerationEntry>> moderation_log(
      const Principal& principal, std::string_view livestreamId, std::int64_t beforeId,
      std::int32_t limit, const std::optional<std::string>& requestingUserId);
  // The reader's own standing (moderator, timeout, ban, hand, stage): what their page shows.
  Member standing(const Principal& principal, std::string_view livestreamId,
                  const std::optional<std::string>& requestingUserId);
  // Moderators, bans and timeouts (for host and moderators).
  Viewed<std::vector<Member>> members(const Principal& principal, std::string_view livestreamId,
                                      const std::optional<std::string>& requestingUserId);

  // Raises or lowers a hand: one's own (default), or — lowering — anyone's by host/moderators.
  Member hand(const Principal& principal, std::string_view livestreamId,
              const std::optional<std::string>& userId, bool raised,
              const std::optional<std::string>& requestingUserId);
  Member stage_invite(const Principal& principal, std::string_view livestreamId,
                      const Target& target, const std::optional<std::string>& requestingUserId);
  // The invited person accepts: on stage (CO_HOST), publishing granted.
  Member stage_accept(const Principal& principal, std::string_view livestreamId,
                      const std::optional<std::string>& requestingUserId);
  // Back to the audience (the host, or the person themselves; also declines an invitation).
  Member stage_leave(const Principal& principal, std::string_view livestreamId,
                     const Target& target, const std::optional<std::string>& requestingUserId);

  // What a join reads: the person's standing (ban, stage) in the livestream.
  static StageView stage_view(Queries& q, std::string_view livestreamId);

 private:
  struct Context;
  Context open(Queries& q, const Actor& actor, std::string_view livestreamId, bool exclusive);
  std::string target_user(Queries& q, const Context& c, const Target& target);
  Member member_of(Queries& q, const Context& c, const std::string& userId);
  void log(Queries& q, const Context& c, std::string action, const std::string& target,
           const std::string& messageId = {}, boost::json::value details = nullptr);
  void audit(const Actor& actor, std::string_view action, std::string_view target,
             boost::json::value details = nullptr);
  void publishing(const std::string& room, const std::string& userId, bool canPublish);

  Store& store_;
  RoomService& rooms_;
  const TimeSource& time_;
  LivestreamEvents& events_;
  PermissionPolicy permissions_;
  AuditTrail* audit_;
  ChatPolicy policy_;
};

}  // namespace lso::domain
