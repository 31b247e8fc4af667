// The transport's middlewares: access log, CORS, security headers, rate limits.
#include "http/middleware.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "http/offload.hpp"
#include "http/router.hpp"

namespace lso::http {

asio::awaitable<Reply> Next::operator()(Request& req) const {
  // co_await may not appear in a handler block: capture the exception, answer outside. Every
  // level answers its own failures, so the pieces before it (the access log) see a reply.
  Reply reply;
  std::exception_ptr error;
  try {
    if (rest_.empty())
      reply = co_await terminal_(req);
    else
      reply = co_await rest_.front()->handle(req, Next(rest_.subspan(1), terminal_, mapper_));
  } catch (...) {
    error = std::current_exception();
  }
  if (error) reply = exception_reply(error, req.requestId, mapper_);
  co_return reply;
}

namespace {

// The target as logged: values of secret query parameters (SSE tickets) are replaced.
std::string loggable_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos || target.find("ticket=", q) == std::string_view::npos)
    return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view query = target.substr(q + 1);
  bool first = true;
  while (!query.empty()) {
    const auto amp = query.find('&');
    auto part = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    out += part.starts_with("ticket=") ? std::string_view("ticket=[redacted]") : part;
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return out;
}

}  // namespace

asio::awaitable<Reply> AccessLog::handle(Request& req, const Next& next) {
  const auto started = std::chrono::steady_clock::now();
  Reply reply = co_await next(req);
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  const unsigned status = reply.response.result_int();
  const auto& raw = req.raw;
  std::string_view routeName = req.route ? std::string_view(req.route->pattern) : "unmatched";
  if (!req.route && raw.method() == bhttp::verb::options) routeName = "preflight";
  if (!req.route && status < 400 && raw.method() != bhttp::verb::options) routeName = "static";
  if (enabled_) {
    const bool quiet = req.route && req.route->quiet;
    const auto level = status >= 500 ? spdlog::level::warn
                       : quiet       ? spdlog::level::debug
                                     : spdlog::level::info;
    if (spdlog::should_log(level))
      spdlog::log(level, "{} {} {} {}B {:.2f}ms ip={} id={}", std::string_view(raw.method_string()),
                  loggable_target({raw.target().data(), raw.target().size()}), status,
                  reply.response.body().size(), static_cast<double>(took.count()) / 1000.0,
                  req.clientIp, req.requestId);
  }
  // to_string(verb) is static storage (unknown methods are "<unknown>"): safe to keep as a view.
  if (observer_) observer_({bhttp::to_string(raw.method()), routeName, status, took});
  co_return reply;
}

asio::awaitable<Reply> Cors::handle(Request& req, const Next& next) {
  const auto& raw = req.raw;
  Reply reply;
  if (raw.method() == bhttp::verb::options) {
    reply.response.result(bhttp::status::no_content);
    reply.response.set(bhttp::field::access_control_allow_methods,
                       "GET, POST, PATCH, DELETE, OPTIONS");
    auto h = raw.find(bhttp::field::access_control_request_headers);
    reply.response.set(bhttp::field::access_control_allow_headers,
                       h != raw.end()
                           ? std::string_view(h->value().data(), h->value().size())
                           : std::string_view("Content-Type, Authorization, X-Request-Id"));
    reply.response.set(bhttp::field::access_control_max_age, "600");
  } else {
    reply = co_await next(req);
  }
  auto it = raw.find(bhttp::field::origin);
  if (it == raw.end() || origins_.empty()) co_return reply;
  std::string_view origin(it->value().data(), it->value().size());
  bool allowed = false, any = false;
  for (const auto& o : origins_) {
    if (o == "*") any = true;
    if (o == origin) allowed = true;
  }
  if (!allowed && !any) co_return reply;
  auto& res = reply.response;
  res.set(bhttp::field::access_control_allow_origin, allowed ? origin : std::string_view("*"));
  if (allowed) {
    res.set(bhttp::field::vary, "Origin");
    // Only a named origin may send cookies: with "*" a browser never sends them anyway.
    res.set(bhttp::field::access_control_allow_credentials, "true");
  }
  res.set(bhttp::field::access_control_expose_headers,
          "X-Request-Id, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
          "Retry-After");
  co_return reply;
}

std::string SecurityHeaders::policy_for(const std::vector<std::string>& connectSources,
                                        const std::vector<std::string>& mediaSources) {
  std::string connect = "'self'";
  for (const auto& s : connectSources) connect += " " + s;
  std::string media;
  for (const auto& s : mediaSources) {
    media += " " + s;
    connect += " " + s;  // hls.js fetches playlists and segments
  }
  // livekit-client runs workers from blob: URLs and plays media from blob:/mediastream:.
  return fmt::format(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data: blob:; media-src 'self' blob: mediastream:{}; font-src 'self' data:; "
      "worker-src 'self' blob:; connect-src {}; frame-ancestors 'none'; base-uri 'self'; "
      "form-action 'self'; object-src 'none'",
      media, connect);
}

asio::awaitable<Reply> SecurityHeaders::handle(Request& req, const Next& next) {
  Reply reply = co_await next(req);
  auto& res = reply.response;
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "strict-origin-when-cross-origin");
  res.set("X-Frame-Options", "DENY");
  if (!csp_.empty()) res.set("Content-Security-Policy", csp_);
  if (req.secure) res.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  co_return reply;
}

std::optional<Reply> RateLimit::check(const Route& route, const std::string& key, bool anonymous,
                                      RawResponse& headers) {
  struct Rule {
    std::uint8_t cls;
    const char* name;
    const RateRule& rule;
  };
  const Rule perClass[] = {{kApiLimit, "api", options_.api},
                           {kWriteLimit, "write", options_.write},
                           {kCreateLimit, "create", options_.create}};
  const Rule anonymousRule[] = {{kApiLimit | kWriteLimit | kCreateLimit, "anonymous",
                                 options_.anonymous ? *options_.anonymous : options_.api}};
  const bool single = anonymous && options_.anonymous;
  std::optional<RateDecision> shown;
  const RateRule* shownRule = nullptr;
  bool denied = false;
  for (const auto& r :
       single ? std::span<const Rule>(anonymousRule) : std::span<const Rule>(perClass)) {
    if (!(route.rateClasses & r.cls)) continue;
    auto d = limiter_->hit(r.name, key, r.rule.max, r.rule.window);
    if (!d.allowed) denied = true;
    // Show the tightest rule: the one the client will hit first.
    if (!shown || (!d.allowed && shown->allowed) ||
        (d.allowed == shown->allowed && d.remaining < shown->remaining)) {
      shown = d;
      shownRule = &r.rule;
    }
  }
  if (!shown) return std::nullopt;
  // express-rate-limit's standard headers (IETF draft 6), policy included.
  headers.set("RateLimit-Policy",
              std::to_string(shown->limit) + ";w=" + std::to_string(shownRule->window.count()));
  headers.set("RateLimit-Limit", std::to_string(shown->limit));
  headers.set("RateLimit-Remaining", std::to_string(shown->remaining));
  headers.set("RateLimit-Reset", std::to_string(shown->reset.count()));
  if (!denied) return std::nullopt;
  headers.set(bhttp::field::retry_after, std::to_string(shown->reset.count()));
  return error_reply(TransportError::RateLimit, "Too many requests, please try again later.");
}

asio::awaitable<Reply> RateLimit::handle(Request& req, const Next& next) {
  const Route* route = req.route;
  if (!options_.enabled || !limiter_ || !route || route->rateClasses == kNoLimit)
    co_return co_await next(req);
  const bool anonymous = req.rateKey.empty();
  const std::string key = anonymous ? req.clientIp : req.rateKey;
  RawResponse headers;
  std::optional<Reply> refused;
  if (pool_)
    refused = co_await offload(*pool_, [&] { return check(*route, key, anonymous, headers); });
  else
    refused = check(*route, key, anonymous, headers);
  // (Not a conditional expression: g++ 12 miscompiles co_await inside ?:.)
  Reply reply;
  if (refused)
    reply = std::move(*refused);
  else
    reply = co_await next(req);
  if (!refused && options_.createCountsSuccessOnly && (route->rateClasses & kCreateLimit) &&
      !(anonymous && options_.anonymous) && reply.response.result_int() >= 300) {
    if (pool_)
      co_await offload(*pool_, [&] { limiter_->give_back("create", key, options_.create.window); });
    else
      limiter_->give_back("create", key, options_.create.window);
  }
  for (const auto& f : headers) reply.response.set(f.name_string(), f.value());
  co_return reply;
}

}  // namespace lso::http
