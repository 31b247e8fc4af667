// LiveKit's RoomService over Twirp (JSON over HTTP/1.1, TLS for https): the RoomService port of
// the domain. Blocking and thread-safe: the domain calls it from several worker threads at once.
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/errors.hpp"
#include "domain/livekit.hpp"
#include "livekit/access_token.hpp"
#include "livekit/http_client.hpp"
#include "livekit/protojson.hpp"
#include "util/metrics_registry.hpp"

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

// One Twirp service of LiveKit ("livekit.RoomService", "livekit.Ingress", "livekit.Egress") on
// its own keep-alive HTTP client: signs each call's service token, POSTs, maps errors to
// domain::LiveKitError and counts calls per method. Thread-safe.
class TwirpChannel {
 public:
  TwirpChannel(std::string_view livekitUrl, std::string service, const AccessTokenIssuer& tokens,
               HttpClientOptions options, std::span<const std::string_view> methods);
  ~TwirpChannel();
  TwirpChannel(const TwirpChannel&) = delete;
  TwirpChannel& operator=(const TwirpChannel&) = delete;

  // POSTs `body` to methods[method] and returns the response object; throws LiveKitError.
  boost::json::object call(std::size_t method, const boost::json::object& body,
                           const ServiceGrant& grant);
  // Runs `reader` on a response, turning protojson::ShapeError into LiveKitError.
  template <class F>
  auto read(std::size_t method, F&& reader) {
    try {
      return reader();
    } catch (const protojson::ShapeError& e) {
      throw malformed(method, e);
    }
  }
  std::span<const TwirpCallStats> stats() const noexcept;

 private:
  domain::LiveKitError malformed(std::size_t method, const protojson::ShapeError& e);
  boost::json::object exchange(std::string_view name, const boost::json::object& body,
                               const ServiceGrant& grant);

  std::string service_;
  const AccessTokenIssuer& tokens_;
  HttpClient http_;
  std::unique_ptr<TwirpCallStats[]> stats_;
  std::size_t methodCount_;
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
  TwirpChannel channel_;
};

// lso_livekit_requests_total, lso_livekit_errors_total and lso_livekit_request_seconds_total
// of the given channels' calls (RoomService, Ingress and Egress method names are distinct, so one
// label set serves all), read when scraped; the channels outlive the registry's use.
void register_metrics(util::MetricsRegistry& registry,
                      std::vector<std::span<const TwirpCallStats>> channels);

}  // namespace lso::livekit
