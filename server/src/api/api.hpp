// The API's routes (base /api/v1): each handler translates HTTP ↔ domain and nothing else; domain
// calls run on the blocking pool. Components register their own routes here at start-up.
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/stream_ticket.hpp"
#include "domain/analytics.hpp"
#include "domain/chat_service.hpp"
#include "domain/coordination.hpp"
#include "domain/identity_service.hpp"
#include "domain/livekit.hpp"
#include "domain/livestream_service.hpp"
#include "domain/media_service.hpp"
#include "domain/rate_limiter.hpp"
#include "domain/store.hpp"
#include "domain/webhook_queue.hpp"
#include "http/metrics.hpp"
#include "http/middleware.hpp"
#include "http/offload.hpp"
#include "http/router.hpp"
#include "http/sse_hub.hpp"
#include "util/metrics_registry.hpp"

namespace lso::api {

// Everything under this prefix is the API: an unknown path there is a JSON 404, never the web
// client's page.
inline constexpr std::string_view kApiPrefix = "/api";

// The domain's rate limiter as the counter the transport's rate limits use.
std::shared_ptr<http::RateCounter> rate_counter(std::shared_ptr<domain::RateLimiter> limiter);

class ReplyCache;
class Authentication;
// /livestreams and its sub-resources. `cache` serves repeated livestream reads (see
// reply_cache.hpp); `media` sets up `ingest` / `record: true` of a create.
void add_livestream_routes(http::Router& router, domain::LivestreamService& service,
                           domain::MediaService& media, http::BlockingPool& pool,
                           ReplyCache& cache);

// The ingest endpoint and recordings (LiveKit Ingress and Egress): /livestreams/:id/ingest,
// /ingest/reset, /livestreams/:id/recordings, /recordings/:rid/stop, /recordings/:rid.
void add_media_routes(http::Router& router, domain::MediaService& media, http::BlockingPool& pool);
// A body's `field` as an ingest type: nullopt when absent or null; 400 unless "rtmp" / "whip".
std::optional<domain::IngressInput> ingest_input(const boost::json::object& body,
                                                 std::string_view field);

// GET /livestreams/:id/analytics (JSON or CSV).
void add_analytics_routes(http::Router& router, domain::AnalyticsService& analytics,
                          http::BlockingPool& pool);

// Chat, moderation and the stage: /livestreams/:id/chat, …/moderation/*,
// …/moderators, …/hand, …/stage/*.
void add_chat_routes(http::Router& router, domain::ChatService& chat, http::BlockingPool& pool);

// What /health reports. Probes run in the background (database every 2 s, LiveKit every 10 s)
// so the endpoint answers from memory: cheap enough for any probe rate, never blocking.
class HealthMonitor {
 public:
  struct Options {
    std::string mode;  // Backends::mode: "embedded" | "production" | "single-instance"
    std::string livekitUrl;
    bool livekitSimulated = false;
    std::string version;
  };
  HealthMonitor(Options options, domain::Store& store, domain::RoomService& rooms);

  // One probe round; blocking (run it on the pool). `livekit` also probes LiveKit.
  void probe(bool livekit);
  void probe_livekit();
  // Extra sections supplied by other components (queue counts, SSE connections, redis).
  void add_section(std::string name, std::function<boost::json::value()> section,
                   bool required = false);

  struct Report {
    unsigned status;  // 200 or 503
    boost::json::object body;
  };
  // Builds the report now (database and queue counts: blocking).
  Report report() const;
  // The report as of the last probe, serialized: what /health answers, at any request rate.
  struct Cached {
    unsigned status;
    std::string body;
  };
  std::shared_ptr<const Cached> cached() const { return std::atomic_load(&cached_); }
  bool database_up() const { return databaseUp_.load(); }

 private:
  Options options_;
  domain::Store& store_;
  domain::RoomService& rooms_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<bool> databaseUp_{false};
  std::atomic<double> databaseLatencyMs_{0};
  mutable std::mutex mutex_;
  std::string databaseError_;
  bool livekitUp_ = false;
  bool livekitProbed_ = false;
  std::string livekitError_;
  struct Section {
    std::string name;
    std::function<boost::json::value()> fn;
    bool required;
  };
  std::vector<Section> sections_;
  std::shared_ptr<const Cached> cached_;
};

void add_health_routes(http::Router& router, const HealthMonitor& health);

// GET /metrics: every family the components registered (Prometheus text format).
void add_metrics_routes(http::Router& router, const util::MetricsRegistry& metrics);
// GET /api/v1/openapi.json (the document compiled in) and /api/docs (the web client's viewer).
void add_docs_routes(http::Router& router);
// The compiled-in OpenAPI document.
std::string_view openapi_document();

// SSE: GET /api/v1/livestreams/:id/events and GET /api/v1/events, served by `hub`.
void add_event_routes(http::Router& router, domain::LivestreamService& service, http::SseHub& hub,
                      http::BlockingPool& pool);
// Feeds every message of the event bus into the hub: per-livestream topics and the global one;
// livestream changes also invalidate `cache`; credential revocations ("auth:revoke\n<what>",
// published by whichever instance revoked) go to `onRevoke`.
inline constexpr std::string_view kRevokePrefix = "auth:revoke\n";
// The SSE topic of one livestream's events is this prefix and its id (the SseHub's stream topics).
inline constexpr std::string_view kLivestreamTopicPrefix = "livestream:";
void connect_bus_to_hub(domain::EventBus& bus, http::SseHub& hub, ReplyCache& cache,
                        std::function<void(std::string_view)> onRevoke = {});

// Argon2id work (sign-up, login, password changes, account creation) runs here, apart from the
// blocking pool, so that a flood of logins costs these threads and never delays reads. At most
// `maxQueued` requests wait; beyond that they are refused with 503.
struct PasswordPool {
  explicit PasswordPool(std::size_t threads, int maxQueued = 64)
      : pool(threads), maxQueued(maxQueued) {}
  http::BlockingPool pool;
  std::atomic<int> queued{0};
  int maxQueued;
};
// Holds a place in the password pool's queue for one request (throws 503 when it is full).
struct PasswordWork {
  explicit PasswordWork(PasswordPool& pool);
  ~PasswordWork();
  PasswordWork(const PasswordWork&) = delete;
  PasswordWork& operator=(const PasswordWork&) = delete;
  PasswordPool& pool;
};

struct LoginThrottle {
  std::int64_t max = 10;  // failed sign-ins per account per window (per IP: five times that)
  std::chrono::seconds window{900};
};

struct AuthRouteDeps {
  domain::IdentityService& identity;
  http::BlockingPool& pool;
  PasswordPool& passwords;
  std::shared_ptr<domain::RateLimiter> limiter;  // login throttling (blocking: used on `pool`)
  LoginThrottle loginThrottle;
  const auth::StreamTickets& tickets;
  boost::json::object config;  // what GET /auth/config answers
};
// /auth/*, /users, /api-keys, /audit, /events/ticket, /livestreams/:id/invites.
void add_auth_routes(http::Router& router, AuthRouteDeps deps);

// POST /api/v1/webhooks/livekit: verify (throws AppError(Authentication)), check the body is an
// event the workers can apply, then enqueue durably through `intake` before answering 200.
class WebhookIntake;
using WebhookVerify = std::function<void(std::string_view authorization, std::string_view body)>;
// Webhooks refused before they were queued, by reason (lso_webhooks_rejected_total in /metrics).
struct WebhookRejections {
  util::Counter signature;  // 401: missing or invalid signature
  util::Counter malformed;  // 400: signed, but not a valid event
  void register_metrics(util::MetricsRegistry& registry) const;
};
void add_webhook_routes(http::Router& router, WebhookVerify verify, WebhookIntake& intake,
                        WebhookRejections& rejections);

// The dead-letter list for admins (permission ManageDeadLetters; each action audited):
// GET /api/v1/webhooks/dead?limit=&after=, GET /api/v1/webhooks/dead/:id,
// POST /api/v1/webhooks/dead/:id/replay, POST /api/v1/webhooks/dead/replay (all),
// DELETE /api/v1/webhooks/dead/:id.
void add_dead_letter_routes(http::Router& router, domain::WebhookQueue& queue,
                            domain::IdentityService& identity, http::BlockingPool& pool);

}  // namespace lso::api
