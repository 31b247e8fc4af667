// The domain's vocabulary: livestreams, participants and their states, as stored and as served.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lso::domain {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::microseconds>;

enum class LivestreamStatus { Scheduled, Live, Ended, Error };
enum class ParticipantRole { Host, Viewer };
enum class ParticipantStatus { Joined, Left };
// Who may find and watch a livestream (the permission table in permissions.hpp decides):
// public: listed, guests may watch; unlisted: not listed, reachable by its (unguessable) id;
// private: only its creator, admins and the users on its invite list.
enum class Visibility { Public, Unlisted, Private };

// Wire/database spelling: "SCHEDULED", "LIVE", "ENDED", "ERROR", "HOST", "VIEWER", "JOINED",
// "LEFT".
std::string_view to_string(LivestreamStatus s);
std::string_view to_string(ParticipantRole r);
std::string_view to_string(ParticipantStatus s);
std::string_view to_string(Visibility v);  // "public", "unlisted", "private"
std::optional<Visibility> parse_visibility(std::string_view s);
std::optional<LivestreamStatus> parse_livestream_status(std::string_view s);
std::optional<ParticipantRole> parse_participant_role(std::string_view s);
std::optional<ParticipantStatus> parse_participant_status(std::string_view s);

struct Livestream {
  std::string id;  // UUID, lowercase canonical form
  std::string roomName;
  std::string title;
  std::optional<std::string> description;
  LivestreamStatus status = LivestreamStatus::Scheduled;
  std::string createdBy;
  std::string creatorName;  // the creator's display name when created (empty: unknown, seed data)
  Visibility visibility = Visibility::Public;
  std::int32_t maxParticipants = 100;
  std::int32_t emptyTimeout = 86400;
  boost::json::value metadata;  // null or a JSON object
  TimePoint createdAt{};
  TimePoint updatedAt{};
  std::optional<TimePoint> startedAt;
  std::optional<TimePoint> endedAt;
  // The audience counters (docs/architecture.md, "Audience"): kept in the livestream's row and
  // changed in the transaction of the effect that changes them.
  std::int64_t viewerCount = 0;   // users with a connected VIEWER session
  std::int64_t totalViewers = 0;  // users ever connected as VIEWER
  std::int64_t peakViewers = 0;   // the highest viewerCount reached, never lowered
  std::optional<TimePoint> peakAt;
  bool hostConnected = false;  // the creator has a connected session
};

struct Participant {
  std::string id;  // UUID
  std::string livestreamId;
  std::string userId;
  std::string displayName;
  ParticipantRole role = ParticipantRole::Viewer;
  ParticipantStatus status = ParticipantStatus::Joined;
  boost::json::value metadata;                       // null or a JSON object
  std::optional<std::string> livekitParticipantSid;  // PA_…, unique across all participants
  std::optional<std::string> livekitRoomSid;         // RM_…
  TimePoint joinedAt{};
  std::optional<TimePoint> leftAt;
};

// What applying one LiveKit webhook did.
enum class WebhookOutcome {
  Applied,    // changed something
  NoEffect,   // valid, known, but nothing to change (already applied in effect, stale, idempotent)
  Duplicate,  // this webhook id was processed before
  Unknown,    // unknown event name, or a room / participant we know nothing about
};

// Live state of one livestream: what GET /state answers and what SSE events carry.
struct HostInfo {
  std::string userId;
  std::string displayName;
};

// One person connected to the livestream's LiveKit room (any number of their sessions).
struct ConnectedPerson {
  std::string userId;
  std::string displayName;
  ParticipantRole role = ParticipantRole::Viewer;
  TimePoint connectedAt{};  // their earliest connected session
};

// Someone on (or invited to) the stage, or with a raised hand.
struct StagePerson {
  std::string userId;
  std::string displayName;
  std::string status;  // stage: "INVITED" | "ON"; raised hands: "RAISED"
  TimePoint since{};
};

// The ingest endpoint and the newest recording as the state shows them (never the stream key).
struct IngestState {
  std::string input;   // "rtmp" | "whip"
  std::string status;  // "inactive" | "buffering" | "publishing" | "error"
  std::optional<std::string> error;
};
struct RecordingState {
  std::string id;
  std::string status;  // "starting" … "limit_reached"
  std::optional<TimePoint> startedAt;
};

struct StreamState {
  std::string streamId;
  LivestreamStatus status = LivestreamStatus::Scheduled;
  std::vector<ConnectedPerson> people;  // connected to LiveKit, earliest first
  Visibility visibility = Visibility::Public;
  std::int64_t viewerCount = 0;   // connected VIEWERs
  std::int64_t totalViewers = 0;  // distinct users ever connected as VIEWER
  std::int64_t peakViewerCount = 0;
  std::optional<TimePoint> peakAt;
  bool hostConnected = false;
  std::optional<TimePoint> startedAt;
  std::optional<TimePoint> endedAt;
  std::optional<HostInfo> hostInfo;
  std::vector<StagePerson> stage;        // CO_HOSTs (ON) and invited viewers
  std::vector<StagePerson> raisedHands;  // oldest first
  std::optional<IngestState> ingest;
  std::optional<RecordingState> recording;
};

}  // namespace lso::domain
