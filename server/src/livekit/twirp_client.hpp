// LiveKit's RoomService over Twirp (JSON over HTTP/1.1, TLS for https): the RoomService port of
// the domain. Blocking and thread-safe: the domain calls it from several worker threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/livekit.hpp"
#include "livekit/access_token.hpp"
#include "livekit/http_client.hpp"

namespace lso::livekit {

// The Twirp base URL for a LIVEKIT_URL: ws:// → http://, wss:// → https:// (http and https pass
// through), trailing slash removed. Throws domain::AppError(Validation) naming LIVEKIT_URL for
// any other scheme or a URL without a host.
std::string http_url_from_livekit_url(std::string_view livekitUrl);

// Counters per RoomService method, for /metrics. Monotonic; read with relaxed loads.
struct TwirpCallStats {
  std::string_view method;  // "CreateRoom", …
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> errors{0};  // LiveKit errors and unreachable server alike
  std::atomic<std::uint64_t> totalMicros{0};
};

class TwirpRoomService final : public domain::RoomService {
 public:
  // `livekitUrl` is LIVEKIT_URL (ws/wss/http/https). `tokens` signs the per-call service tokens
  // and must outlive the client. Throws domain::AppError(Validation) for a bad LIVEKIT_URL and
  // std::invalid_argument for an unreadable `options.caFile`.
  TwirpRoomService(std::string_view livekitUrl, const AccessTokenIssuer& tokens,
                   HttpClientOptions options = {});
  ~TwirpRoomService() override;
  TwirpRoomService(const TwirpRoomService&) = delete;
  TwirpRoomService& operator=(const TwirpRoomService&) = delete;

  domain::Room create_room(const domain::RoomOptions& options) override;
  void delete_room(const std::string& room) override;
  std::vector<domain::Room> list_rooms(const std::vector<std::string>& names) override;
  std::vector<domain::RoomParticipant> list_participants(const std::string& room) override;
  void remove_participant(const std::string& room, const std::string& identity) override;
  void mute_published_track(const std::string& room, const std::string& identity,
                            const std::string& trackSid, bool muted) override;
  void set_participant_can_publish(const std::string& room, const std::string& identity,
                                   bool canPublish) override;

  // One entry per method above, in declaration order.
  std::span<const TwirpCallStats> stats() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lso::livekit
