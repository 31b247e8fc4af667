// /health, /health/live, /health/ready: component status from background probes.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "api/api.hpp"
#include "domain/errors.hpp"
#include "domain/outage.hpp"
#include "util/time.hpp"

namespace lso::api {

namespace json = boost::json;
using http::bhttp::verb;

HealthMonitor::HealthMonitor(Options options, domain::Store& store, domain::RoomService& rooms)
    : options_(std::move(options)),
      store_(store),
      rooms_(rooms),
      started_(std::chrono::steady_clock::now()) {}

void HealthMonitor::probe(bool livekit) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    store_.ping();
    databaseLatencyMs_ =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!databaseUp_.exchange(true)) spdlog::info("database is up");
    std::lock_guard lock(mutex_);
    databaseError_.clear();
  } catch (const std::exception& e) {
    const std::string error = domain::one_line(e.what());
    if (databaseUp_.exchange(false) || databaseError_.empty())
      spdlog::error("database is down: {}", error);
    std::lock_guard lock(mutex_);
    databaseError_ = error;
  }
  if (livekit) probe_livekit();
  auto r = report();
  // In the API's envelope like every other JSON route; a 503 is also an error envelope, so a
  // client reading `success` and `error` understands it, and `data` still says what is down.
  json::object envelope{{"success", r.status == 200}};
  if (r.status != 200) {
    envelope["error"] = "ServiceUnavailableError";
    envelope["message"] = "A required component is down";
    envelope["statusCode"] = r.status;
  }
  envelope["data"] = std::move(r.body);
  std::atomic_store(&cached_, std::shared_ptr<const Cached>(std::make_shared<Cached>(
                                  Cached{r.status, json::serialize(envelope)})));
}

void HealthMonitor::probe_livekit() {
  bool up = false;
  std::string error;
  try {
    // A named lookup keeps the probe cheap however many rooms exist.
    rooms_.list_rooms({"lso-health-probe"});
    up = true;
  } catch (const std::exception& e) {
    error = e.what();
  }
  std::lock_guard lock(mutex_);
  if (up != livekitUp_ || !livekitProbed_) {
    if (up)
      spdlog::info(
          "LiveKit at {} is reachable{}", options_.livekitUrl,
          options_.livekitSimulated ? " (simulated media server — video will not play)" : "");
    else
      spdlog::warn("LiveKit at {} is unreachable: {}", options_.livekitUrl, error);
  }
  livekitUp_ = up;
  livekitProbed_ = true;
  livekitError_ = std::move(error);
}

void HealthMonitor::add_section(std::string name, std::function<json::value()> section,
                                bool required) {
  std::lock_guard lock(mutex_);
  sections_.push_back({std::move(name), std::move(section), required});
}

HealthMonitor::Report HealthMonitor::report() const {
  json::object services;
  services["api"] = json::object{{"status", "up"}};
  json::object db{{"status", databaseUp_ ? "up" : "down"},
                  {"backend", store_.backend()},
                  {"latencyMs", databaseLatencyMs_.load()}};
  bool down = !databaseUp_;
  bool degraded = false;
  json::object livekit;
  {
    std::lock_guard lock(mutex_);
    if (!databaseError_.empty()) db["error"] = databaseError_;
    for (const auto& s : sections_) {
      auto v = s.fn();
      if (v.is_object()) {
        auto* st = v.as_object().if_contains("status");
        if (st && st->is_string() && st->as_string() != "up") (s.required ? down : degraded) = true;
      }
      services[s.name] = std::move(v);
    }
    livekit["status"] = !livekitProbed_ ? "unknown" : livekitUp_ ? "up" : "down";
    livekit["url"] = options_.livekitUrl;
    livekit["simulated"] = options_.livekitSimulated;
    if (options_.livekitSimulated)
      livekit["message"] = "simulated media server — video will not play";
    else if (!livekitError_.empty())
      livekit["message"] = livekitError_;
    else
      livekit["message"] = "";
    if (livekitProbed_ && !livekitUp_) degraded = true;
  }
  services["database"] = std::move(db);
  json::object body;
  body["status"] = down ? "down" : degraded ? "degraded" : "ok";
  body["timestamp"] = util::to_iso8601(
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
  body["version"] = options_.version;
  body["mode"] = options_.mode;
  body["uptimeSeconds"] =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count();
  body["services"] = std::move(services);
  body["livekit"] = std::move(livekit);
  return {down ? 503u : 200u, std::move(body)};
}

void add_health_routes(http::Router& router, const HealthMonitor& health) {
  auto full = [&health](http::Request&) -> http::asio::awaitable<http::Reply> {
    http::Reply reply;
    if (auto c = health.cached()) {
      reply.response.result(c->status);
      reply.response.set(http::bhttp::field::content_type, "application/json; charset=utf-8");
      reply.response.set(http::bhttp::field::cache_control, "no-store");
      reply.response.body() = c->body;
    } else {
      reply = http::error_reply(503, "ServiceUnavailableError", "Health not yet probed");
    }
    co_return reply;
  };
  // Probes would drown the access log: they are quiet routes (debug level).
  const http::RouteOptions probe{http::kNoLimit, true, false};
  router.add(verb::get, "/health", full, probe);
  router.add(verb::get, "/api/v1/health", full, probe);
  router.add(
      verb::get, "/health/live",
      [](http::Request&) -> http::asio::awaitable<http::Reply> {
        co_return http::json_reply(200, json::object{{"status", "ok"}});
      },
      probe);
  router.add(
      verb::get, "/health/ready",
      [&health](http::Request&) -> http::asio::awaitable<http::Reply> {
        const bool ready = health.database_up();
        co_return http::json_reply(ready ? 200 : 503,
                                   json::object{{"status", ready ? "ready" : "not_ready"}});
      },
      probe);
}

}  // namespace lso::api
