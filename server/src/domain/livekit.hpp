// What the domain needs from LiveKit: its RoomService (rooms and participants) and join tokens.
// Implemented by livekit/ over Twirp; the domain never sees HTTP or JWT details.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lso::domain {

struct RoomOptions {
  std::string name;
  std::int32_t emptyTimeout = 0;
  std::int32_t maxParticipants = 0;
  std::string metadata;
};

struct Room {
  std::string sid;  // RM_…
  std::string name;
  std::int64_t emptyTimeout = 0;
  std::int64_t maxParticipants = 0;
  std::int64_t creationTime = 0;  // seconds since epoch
  std::int64_t numParticipants = 0;
  std::string metadata;
};

struct RoomParticipant {
  std::string sid;  // PA_…
  std::string identity;
  std::string name;
  std::string state;  // JOINING | JOINED | ACTIVE | DISCONNECTED
  std::int64_t joinedAt = 0;
  struct Track {
    std::string sid;   // TR_…
    std::string type;  // AUDIO | VIDEO | DATA
    bool muted = false;
  };
  std::vector<Track> tracks;  // what the participant publishes
};

// LiveKit's server API. Every call throws LiveKitError (domain/errors.hpp) on failure.
// Blocking: call from a worker thread.
class RoomService {
 public:
  virtual ~RoomService() = default;
  virtual Room create_room(const RoomOptions& options) = 0;
  virtual void delete_room(const std::string& room) = 0;
  // Empty `names` lists every room.
  virtual std::vector<Room> list_rooms(const std::vector<std::string>& names) = 0;
  virtual std::vector<RoomParticipant> list_participants(const std::string& room) = 0;
  virtual void remove_participant(const std::string& room, const std::string& identity) = 0;
  // MutePublishedTrack (LiveKit mutes a published track; only muting is allowed server-side
  // unless the room permits remote unmute).
  virtual void mute_published_track(const std::string& room, const std::string& identity,
                                    const std::string& trackSid, bool muted) = 0;
  // UpdateParticipant with a new permission: may the participant publish (the stage). LiveKit
  // unpublishes their tracks when publishing is revoked.
  virtual void set_participant_can_publish(const std::string& room, const std::string& identity,
                                           bool canPublish) = 0;
};

struct JoinGrant {
  std::string room;
  std::string identity;     // our userId
  std::string name;         // display name
  std::string metadata;     // participant metadata, a JSON text
  bool canPublish = false;  // HOST only; carried explicitly (absent would mean granted)
};

class TokenIssuer {
 public:
  virtual ~TokenIssuer() = default;
  // A signed LiveKit access token (SPEC §5).
  virtual std::string issue_join_token(const JoinGrant& grant) const = 0;
  // The LiveKit URL handed to browsers.
  virtual const std::string& public_url() const = 0;
};

}  // namespace lso::domain
