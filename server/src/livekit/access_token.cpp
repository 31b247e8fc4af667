// Claim sets of join and service tokens; the signing itself is jwt::sign.
#include "livekit/access_token.hpp"

#include <boost/json/object.hpp>
#include <stdexcept>

#include "livekit/jwt.hpp"

namespace lso::livekit {
namespace {

// JWT times are whole seconds; nbf is rounded down so a token is valid the moment it is issued.
std::int64_t epoch_seconds(domain::TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

AccessTokenIssuer::AccessTokenIssuer(std::string apiKey, std::string apiSecret,
                                     std::string publicUrl, std::chrono::seconds tokenTtl,
                                     const domain::TimeSource& time)
    : apiKey_(std::move(apiKey)),
      apiSecret_(std::move(apiSecret)),
      publicUrl_(std::move(publicUrl)),
      tokenTtl_(tokenTtl),
      time_(time) {}

std::string AccessTokenIssuer::issue_join_token(const domain::JoinGrant& grant) const {
  // LiveKit rejects a join token without `sub`; better to fail here than in the browser.
  if (grant.identity.empty()) {
    throw std::invalid_argument("join token needs an identity");
  }
  const std::int64_t now = epoch_seconds(time_.now());
  boost::json::object claims;
  claims.reserve(8);
  claims.emplace("iss", apiKey_);
  claims.emplace("sub", grant.identity);
  if (!grant.name.empty()) {
    claims.emplace("name", grant.name);
  }
  if (!grant.metadata.empty()) {
    claims.emplace("metadata", grant.metadata);
  }
  claims.emplace("nbf", now);
  claims.emplace("exp", now + tokenTtl_.count());
  boost::json::object video;
  video.reserve(5);
  video.emplace("roomJoin", true);
  video.emplace("room", grant.room);
  video.emplace("canSubscribe", true);
  video.emplace("canPublish", grant.canPublish);
  video.emplace("canPublishData", grant.canPublish);
  claims.emplace("video", std::move(video));
  return jwt::sign(claims, apiSecret_);
}

std::string AccessTokenIssuer::service_token(const ServiceGrant& grant) const {
  const std::int64_t now = epoch_seconds(time_.now());
  boost::json::object claims;
  claims.reserve(4);
  claims.emplace("iss", apiKey_);
  claims.emplace("nbf", now);
  claims.emplace("exp", now + kServiceTokenTtl.count());
  // Only granted permissions are written: absent service permissions mean "not granted".
  boost::json::object video;
  if (grant.roomCreate) {
    video.emplace("roomCreate", true);
  }
  if (grant.roomList) {
    video.emplace("roomList", true);
  }
  if (grant.roomAdmin) {
    video.emplace("roomAdmin", true);
  }
  if (grant.roomRecord) {
    video.emplace("roomRecord", true);
  }
  if (grant.ingressAdmin) {
    video.emplace("ingressAdmin", true);
  }
  if (!grant.room.empty()) {
    video.emplace("room", grant.room);
  }
  claims.emplace("video", std::move(video));
  return jwt::sign(claims, apiSecret_);
}

}  // namespace lso::livekit
