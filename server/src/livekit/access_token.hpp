// LiveKit access tokens: join tokens for browsers (viewers may not publish) and short-lived service
// tokens that authorize our own RoomService calls.
#pragma once

#include <chrono>
#include <string>

#include "domain/clock.hpp"
#include "domain/livekit.hpp"

namespace lso::livekit {

// The `video` grant a server API call needs (LIVEKIT.md, "Server API"): roomCreate for
// CreateRoom/DeleteRoom, roomList for ListRooms, roomAdmin + room for participant calls;
// roomRecord for every Egress call, ingressAdmin for every Ingress call.
struct ServiceGrant {
  bool roomCreate = false;
  bool roomList = false;
  bool roomAdmin = false;
  bool roomRecord = false;
  bool ingressAdmin = false;
  std::string room;  // the room roomAdmin applies to

  static ServiceGrant room_create() {
    ServiceGrant g;
    g.roomCreate = true;
    return g;
  }
  static ServiceGrant room_list() {
    ServiceGrant g;
    g.roomList = true;
    return g;
  }
  static ServiceGrant room_record() {
    ServiceGrant g;
    g.roomRecord = true;
    return g;
  }
  static ServiceGrant ingress_admin() {
    ServiceGrant g;
    g.ingressAdmin = true;
    return g;
  }
  static ServiceGrant room_admin(std::string room) {
    ServiceGrant g;
    g.roomAdmin = true;
    g.room = std::move(room);
    return g;
  }
};

class AccessTokenIssuer final : public domain::TokenIssuer {
 public:
  // The official SDKs give service tokens ten minutes; a Twirp call needs seconds.
  static constexpr std::chrono::seconds kServiceTokenTtl{600};

  // `publicUrl` is the LiveKit URL handed to browsers; `tokenTtl` the lifetime of join tokens
  // (TOKEN_EXPIRATION_HOURS). `time` must outlive the issuer.
  AccessTokenIssuer(std::string apiKey, std::string apiSecret, std::string publicUrl,
                    std::chrono::seconds tokenTtl, const domain::TimeSource& time);

  // iss, sub, name, metadata (omitted when empty), nbf = now, exp = now + ttl, and
  // video {roomJoin, room, canSubscribe, canPublish, canPublishData}, the last two always
  // explicit because LiveKit treats an absent permission as granted. `grant.identity` must not
  // be empty (std::invalid_argument).
  std::string issue_join_token(const domain::JoinGrant& grant) const override;
  const std::string& public_url() const override { return publicUrl_; }

  // A token for `Authorization: Bearer …` on RoomService calls.
  std::string service_token(const ServiceGrant& grant) const;

  const std::string& api_key() const noexcept { return apiKey_; }

 private:
  std::string apiKey_;
  std::string apiSecret_;
  std::string publicUrl_;
  std::chrono::seconds tokenTtl_;
  const domain::TimeSource& time_;
};

}  // namespace lso::livekit
