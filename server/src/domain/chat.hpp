// Chat, moderation and the stage: the records the store keeps for them. The rules
// live in chat_service.*; who may do what in permissions.*.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/model.hpp"

namespace lso::domain {

struct ChatMessage {
  std::string id;  // UUID
  std::string livestreamId;
  std::string userId;  // the author
  std::string displayName;
  std::string text;
  TimePoint createdAt{};
  std::optional<TimePoint> deletedAt;  // deleted messages are left out of history
  std::optional<std::string> deletedBy;
  std::optional<std::string> clientId;  // the author's own id for it: a retry finds it
};

// Where a person is with respect to the stage.
enum class StageStatus { None, Invited, On };
std::string_view to_string(StageStatus s);  // "", "INVITED", "ON"
std::optional<StageStatus> parse_stage_status(std::string_view s);

// A person's standing in one livestream: their role (moderator; CO_HOST while on stage), chat
// timeout, ban, raised hand. One row per (livestream, user) once anything was set.
struct Member {
  std::string livestreamId;
  std::string userId;
  std::string displayName;
  bool moderator = false;
  std::optional<TimePoint> chatTimeoutUntil;  // may not post before this
  bool banned = false;                        // from the livestream: joins and chat refused
  std::optional<TimePoint> handRaisedAt;
  StageStatus stage = StageStatus::None;
  TimePoint updatedAt{};
};

struct ModerationEntry {
  std::int64_t id = 0;
  std::string livestreamId;
  TimePoint at{};
  std::string actorId;         // who acted
  std::string action;          // "message.delete", "timeout", "ban", "unban", "mute", …
  std::string targetUserId;    // empty when none
  std::string messageId;       // empty when none
  boost::json::value details;  // null or an object
};

// One of a person's published tracks as LiveKit lists it.
struct PublishedTrack {
  std::string sid;   // TR_…
  std::string type;  // AUDIO | VIDEO | DATA
  bool muted = false;
};

// The pushed/returned picture of the stage: who is on it or invited, whose hands are up.
struct StageView {
  std::vector<Member> stage;        // INVITED or ON, oldest change first
  std::vector<Member> raisedHands;  // oldest hand first
};

}  // namespace lso::domain
