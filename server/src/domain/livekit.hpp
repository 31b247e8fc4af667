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
  // A signed LiveKit access token (a join token: grants for one room, one identity).
  virtual std::string issue_join_token(const JoinGrant& grant) const = 0;
  // The LiveKit URL handed to browsers.
  virtual const std::string& public_url() const = 0;
};

// --- LiveKit Ingress and Egress (LIVEKIT.md, "Ingress and Egress") ---

enum class IngressInput { Rtmp, Whip };

struct IngressOptions {
  IngressInput input = IngressInput::Rtmp;
  std::string name;  // a label (we use the livestream id)
  std::string roomName;
  std::string participantIdentity;  // the host: the encoder publishes as the creator
  std::string participantName;
};

// IngressInfo, reduced. Times are LiveKit's (ns since the epoch; 0: unset).
struct IngressInfo {
  std::string ingressId;
  std::string url;
  std::string streamKey;  // a credential: never logged
  IngressInput input = IngressInput::Rtmp;
  std::string roomName;
  std::string participantIdentity;
  std::string status;  // ENDPOINT_INACTIVE | _BUFFERING | _PUBLISHING | _ERROR | _COMPLETE
  std::string error;
  std::int64_t startedAt = 0;
  std::int64_t endedAt = 0;
};

// S3-compatible object storage for recordings (settings); empty bucket: Egress's own defaults.
struct S3Storage {
  std::string bucket;
  std::string region;
  std::string endpoint;
  std::string accessKey;
  std::string secret;
  bool forcePathStyle = false;
};

struct EgressRequest {
  std::string roomName;
  bool file = true;       // an MP4 file
  bool segments = false;  // HLS segments and a playlist
  std::string filepath;   // the file's path or object key (may hold LiveKit's {room_name} …)
  std::string playlistName;
  std::string layout;  // "" = LiveKit's default (grid)
  S3Storage s3;
};

struct EgressInfo {
  std::string egressId;
  std::string roomId;
  std::string roomName;
  std::string status;  // EGRESS_STARTING | _ACTIVE | _ENDING | _COMPLETE | _FAILED | _ABORTED |
                       // _LIMIT_REACHED
  std::string error;
  std::int64_t startedAt = 0;  // ns
  std::int64_t endedAt = 0;    // ns
  std::int64_t updatedAt = 0;  // ns
  // The first file result and the first segment result, when any.
  std::string fileLocation;
  std::string playlistLocation;
  std::int64_t durationNs = 0;
  std::int64_t sizeBytes = 0;
};

// Blocking, thread-safe; every call throws LiveKitError on failure.
class IngressService {
 public:
  virtual ~IngressService() = default;
  virtual IngressInfo create_ingress(const IngressOptions& options) = 0;
  virtual void delete_ingress(const std::string& ingressId) = 0;
  // Both empty: every ingress.
  virtual std::vector<IngressInfo> list_ingress(const std::string& roomName,
                                                const std::string& ingressId) = 0;
};

class EgressService {
 public:
  virtual ~EgressService() = default;
  virtual EgressInfo start_room_composite_egress(const EgressRequest& request) = 0;
  virtual EgressInfo stop_egress(const std::string& egressId) = 0;
  // `active`: only egresses still running. Empty room: every room.
  virtual std::vector<EgressInfo> list_egress(const std::string& roomName, bool active) = 0;
};

}  // namespace lso::domain
