// The request path as a chain of small pieces (Drogon's HttpMiddleware is the model): each one
// sees the request, may answer it itself, or passes it on with `next` and may change the reply
// on the way back. The server runs them in order, then the route:
//   access log → CORS → security headers → [application: authentication] → rate limit → route
// (the access log wraps the whole chain so that it sees the final status and the time taken).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.hpp"

namespace lso::http {

class BlockingPool;

class Middleware;

// The rest of the chain after one middleware.
class Next {
 public:
  using Terminal = std::function<asio::awaitable<Reply>(Request&)>;
  // `mapper` (optional) turns the application's exceptions into error replies.
  Next(std::span<Middleware* const> rest, const Terminal& terminal,
       const ErrorMapper* mapper = nullptr)
      : rest_(rest), terminal_(terminal), mapper_(mapper) {}
  asio::awaitable<Reply> operator()(Request& req) const;

 private:
  std::span<Middleware* const> rest_;
  const Terminal& terminal_;
  const ErrorMapper* mapper_;
};

class Middleware {
 public:
  virtual ~Middleware() = default;
  virtual asio::awaitable<Reply> handle(Request& req, const Next& next) = 0;
};

// One line per request (probes and scrapes — routes marked quiet — at debug level), and the
// observer that feeds the request metrics. Secrets in the query string (`ticket=`) are not logged.
struct RequestRecord {
  std::string_view method;
  std::string_view route;  // the route pattern, or "static" / "unmatched" / "preflight"
  unsigned status;
  std::chrono::microseconds duration;
};
class AccessLog final : public Middleware {
 public:
  AccessLog(bool enabled, std::function<void(const RequestRecord&)>& observer)
      : enabled_(enabled), observer_(observer) {}
  asio::awaitable<Reply> handle(Request& req, const Next& next) override;

 private:
  bool enabled_;
  std::function<void(const RequestRecord&)>& observer_;
};

// Cross-origin access for the configured origins, and preflight answers.
class Cors final : public Middleware {
 public:
  explicit Cors(std::vector<std::string> origins) : origins_(std::move(origins)) {}
  asio::awaitable<Reply> handle(Request& req, const Next& next) override;

 private:
  std::vector<std::string> origins_;
};

// Headers that make the browser stricter with what it receives: a Content-Security-Policy for
// the web client (the LiveKit URLs it may connect to are configuration), no MIME sniffing, no
// framing, a referrer policy, and HSTS when the request came over HTTPS.
class SecurityHeaders final : public Middleware {
 public:
  explicit SecurityHeaders(std::string contentSecurityPolicy)
      : csp_(std::move(contentSecurityPolicy)) {}
  asio::awaitable<Reply> handle(Request& req, const Next& next) override;
  // The policy for a client that talks to this origin and to `connectSources` (LiveKit), and
  // plays media (recordings) from this origin and `mediaSources` (they are fetched too: HLS).
  static std::string policy_for(const std::vector<std::string>& connectSources,
                                const std::vector<std::string>& mediaSources = {});

 private:
  std::string csp_;
};

// What the rate limits ask of a counter. The application supplies it (in process, or shared by
// every instance); the counting is its business.
struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;
  std::chrono::seconds reset{0};  // until the window ends
};
class RateCounter {
 public:
  virtual ~RateCounter() = default;
  // Counts one hit for `key` under the named rule (`max` per `window`) and decides.
  virtual RateDecision hit(std::string_view rule, std::string_view key, std::int64_t max,
                           std::chrono::seconds window) = 0;
  // Takes one hit back (a create that failed); nothing when the window has ended.
  virtual void give_back(std::string_view rule, std::string_view key,
                         std::chrono::seconds window) = 0;
};

struct RateRule {
  std::int64_t max = 0;
  std::chrono::seconds window{0};
};

// Set from the settings (RATE_LIMIT_*), whose table holds the defaults.
struct RateLimitOptions {
  bool enabled = false;
  RateRule api;
  RateRule write;
  RateRule create;
  // When set, requests without a principal (no `rateKey`) count against this one rule per client
  // IP instead of the three above.
  std::optional<RateRule> anonymous;
  // Creates count only when they succeed (a refused or failed create is given back).
  bool createCountsSuccessOnly = false;
};

// The route's rate classes, counted per `Request::rateKey` (or per client IP), with the standard
// RateLimit-* headers and a 429 + Retry-After when a rule is exhausted.
class RateLimit final : public Middleware {
 public:
  // A limiter that blocks (Redis) is consulted from `pool`, never on an I/O thread.
  RateLimit(RateLimitOptions options, std::shared_ptr<RateCounter> limiter, BlockingPool* pool)
      : options_(options), limiter_(std::move(limiter)), pool_(pool) {}
  asio::awaitable<Reply> handle(Request& req, const Next& next) override;

 private:
  std::optional<Reply> check(const Route& route, const std::string& key, bool anonymous,
                             RawResponse& headers);
  RateLimitOptions options_;
  std::shared_ptr<RateCounter> limiter_;
  BlockingPool* pool_;
};

}  // namespace lso::http
