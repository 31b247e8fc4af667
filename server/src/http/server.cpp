// Listener, sessions and the middleware chain (request id, CORS, rate limits, error envelope,
// access log). A session is one coroutine: its whole read → handle → write loop is below.
#include "http/server.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <random>

#include "domain/errors.hpp"
#include "http/offload.hpp"

namespace lso::http {

using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

// Unique enough for correlation: a random per-thread prefix and a counter.
std::string new_request_id() {
  thread_local std::uint64_t prefix =
      std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32);
  thread_local std::uint64_t counter = 0;
  return fmt::format("{:08x}{:08x}", static_cast<std::uint32_t>(prefix ^ (prefix >> 32)),
                     static_cast<std::uint32_t>(++counter));
}

Reply error_for(const std::exception& e, std::string_view requestId) {
  if (auto* app = dynamic_cast<const domain::AppError*>(&e)) {
    const auto kind = app->kind();
    if (kind == domain::ErrorKind::Internal)
      spdlog::error("[{}] internal error: {}", requestId, e.what());
    return error_reply(static_cast<unsigned>(domain::http_status(kind)), domain::error_name(kind),
                       e.what());
  }
  spdlog::error("[{}] unhandled exception: {}", requestId, e.what());
  return error_reply(500, "InternalServerError", "Internal server error");
}

}  // namespace

Server::Server(ServerOptions options, Router router, std::shared_ptr<RateLimiter> limiter)
    : options_(std::move(options)), router_(std::move(router)), limiter_(std::move(limiter)) {
  if (options_.ioThreads < 1) options_.ioThreads = 1;
  for (int i = 0; i < options_.ioThreads; ++i)
    contexts_.push_back(std::make_unique<asio::io_context>(1));
}

Server::~Server() {
  if (!threads_.empty()) stop(std::chrono::milliseconds(0));
}

asio::io_context& Server::next_io_context() {
  return *contexts_[next_++ % contexts_.size()];
}

void Server::start() {
  // One acceptor (no SO_REUSEPORT: a second instance on the same port must fail loudly, not
  // share it); accepted sockets are spread round-robin over the I/O threads' io_contexts.
  const auto address = asio::ip::make_address(options_.host);
  auto acceptor = std::make_unique<tcp::acceptor>(*contexts_[0]);
  tcp::endpoint ep(address, options_.port);
  acceptor->open(ep.protocol());
  acceptor->set_option(tcp::acceptor::reuse_address(true));
  acceptor->bind(ep);
  acceptor->listen(asio::socket_base::max_listen_connections);
  boundPort_ = acceptor->local_endpoint().port();
  acceptors_.push_back(std::move(acceptor));
  asio::co_spawn(*contexts_[0], accept_loop(0), asio::detached);
  for (auto& ctx : contexts_) {
    threads_.emplace_back([c = ctx.get()] {
      pthread_setname_np(pthread_self(), "lso-io");
      auto guard = asio::make_work_guard(*c);
      c->run();
    });
  }
}

void Server::stop(std::chrono::milliseconds grace) {
  if (stopping_.exchange(true) && threads_.empty()) return;
  for (std::size_t i = 0; i < acceptors_.size(); ++i)
    asio::post(*contexts_[i], [a = acceptors_[i].get()] {
      boost::system::error_code ec;
      a->close(ec);
    });
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (inFlight_.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

asio::awaitable<void> Server::accept_loop(std::size_t index) {
  auto& acceptor = *acceptors_[index];
  for (;;) {
    auto& target = next_io_context();
    auto [ec, socket] = co_await acceptor.async_accept(target, use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(use_tuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(target, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::session(tcp::socket socket) {
  ++connections_;
  struct Count {
    std::atomic<std::size_t>& n;
    ~Count() { --n; }
  } count{connections_};

  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  std::string peer = ec ? std::string("unknown") : remote.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;

  auto fail = [&](unsigned status, std::string_view error,
                  std::string_view message) -> asio::awaitable<void> {
    auto reply = error_reply(status, error, message);
    reply.response.keep_alive(false);
    reply.response.set("X-Request-Id", new_request_id());
    reply.response.prepare_payload();
    stream.expires_after(options_.bodyTimeout);
    co_await bhttp::async_write(stream, reply.response, use_tuple);
    // Lingering close: the client may still be sending the body we refused; closing now would
    // reset the connection and it might never read our answer. Stop sending, then discard what
    // arrives (bounded in time and bytes) until it closes its side.
    boost::system::error_code sec;
    stream.socket().shutdown(tcp::socket::shutdown_send, sec);
    stream.expires_after(std::chrono::seconds(2));
    std::array<char, 16384> sink;
    for (std::size_t total = 0; total < 16 * 1024 * 1024;) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
      if (rec) break;
      total += n;
    }
  };

  for (;;) {
    // Idle keep-alive wait, then a strict deadline for the whole request head (slowloris).
    if (buffer.size() == 0) {
      stream.expires_after(options_.idleTimeout);
      auto [rec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      if (rec) break;
      buffer.commit(n);
    }
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(options_.bodyLimit);
    stream.expires_after(options_.headerTimeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    if (!hec && !parser.is_done()) {
      stream.expires_after(options_.bodyTimeout);
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
      hec = bec;
    }
    if (hec) {
      if (hec == bhttp::error::body_limit)
        co_await fail(
            413, "PayloadTooLargeError",
            fmt::format("Request body exceeds the limit of {} bytes", options_.bodyLimit));
      else if (hec == bhttp::error::header_limit)
        co_await fail(431, "ValidationError", "Request headers too large");
      else if (hec != beast::error::timeout && hec != bhttp::error::end_of_stream &&
               hec != asio::error::eof && hec != asio::error::connection_reset &&
               hec != asio::error::operation_aborted && hec != bhttp::error::partial_message)
        co_await fail(400, "ValidationError",
                      fmt::format("Malformed HTTP request: {}", hec.message()));
      break;
    }

    RawRequest req = parser.release();
    ++inFlight_;
    Reply reply = co_await handle(req, peer);
    --inFlight_;
    const bool keep = req.keep_alive() && !stopping_.load();
    const bool head = req.method() == bhttp::verb::head;
    auto& res = reply.response;
    res.version(req.version());

    if (reply.stream) {
      // A stream may stay open for hours: keep nothing of the request (SSE memory per connection).
      req = {};
      buffer = beast::flat_buffer{};
      // A long-lived body (SSE): headers now, then the handler owns the connection until it ends.
      res.keep_alive(false);
      res.body().clear();
      bhttp::response_serializer<bhttp::string_body> sr(res);
      stream.expires_after(options_.bodyTimeout);
      auto [wec, wn] = co_await bhttp::async_write_header(stream, sr, use_tuple);
      if (!wec) {
        stream.expires_never();
        co_await reply.stream(stream);
      }
      break;
    }

    res.keep_alive(keep);
    if (head) {
      const auto length = res.body().size();
      res.body().clear();
      res.content_length(length);
    } else {
      res.prepare_payload();
    }
    stream.expires_after(options_.bodyTimeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
    if (wec || !keep) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

std::string Server::client_ip(const RawRequest& raw, const std::string& peer) const {
  if (options_.trustProxyHops <= 0) return peer;
  auto it = raw.find("X-Forwarded-For");
  if (it == raw.end()) return peer;
  std::string_view xff(it->value().data(), it->value().size());
  // Walk from the right: the last `hops` entries were added by proxies we trust.
  std::vector<std::string_view> parts;
  while (!xff.empty()) {
    auto comma = xff.find(',');
    auto part = xff.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) parts.push_back(part);
    xff = comma == std::string_view::npos ? std::string_view{} : xff.substr(comma + 1);
  }
  if (parts.empty()) return peer;
  const auto hops = static_cast<std::size_t>(options_.trustProxyHops);
  const auto index = parts.size() >= hops ? parts.size() - hops : 0;
  return std::string(parts[index]);
}

void Server::apply_cors(const RawRequest& raw, RawResponse& res) const {
  auto it = raw.find(bhttp::field::origin);
  if (it == raw.end() || options_.corsOrigins.empty()) return;
  std::string_view origin(it->value().data(), it->value().size());
  bool allowed = false, any = false;
  for (const auto& o : options_.corsOrigins) {
    if (o == "*") any = true;
    if (o == origin) allowed = true;
  }
  if (!allowed && !any) return;
  res.set(bhttp::field::access_control_allow_origin, allowed ? origin : std::string_view("*"));
  if (allowed) res.set(bhttp::field::vary, "Origin");
  res.set(bhttp::field::access_control_expose_headers,
          "X-Request-Id, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
          "Retry-After");
}

std::optional<Reply> Server::check_rate_limits(const Route& route, const std::string& ip,
                                               RawResponse& headers) {
  if (!options_.rateLimitEnabled || route.rateClasses == kNoLimit || !limiter_) return std::nullopt;
  struct Rule {
    std::uint8_t cls;
    const char* name;
    const RateRule& rule;
  };
  const Rule rules[] = {{kApiLimit, "api", options_.apiLimit},
                        {kWriteLimit, "write", options_.writeLimit},
                        {kCreateLimit, "create", options_.createLimit}};
  std::optional<RateDecision> shown;
  const RateRule* shownRule = nullptr;
  bool denied = false;
  for (const auto& r : rules) {
    if (!(route.rateClasses & r.cls)) continue;
    auto d = limiter_->hit(r.name, ip, r.rule.max, r.rule.window);
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
  auto reply = error_reply(429, "RateLimitError", "Too many requests, please try again later.");
  headers.set(bhttp::field::retry_after, std::to_string(shown->reset.count()));
  return reply;
}

asio::awaitable<Reply> Server::handle(const RawRequest& raw, std::string peerIp) {
  const auto started = std::chrono::steady_clock::now();
  std::string_view target(raw.target().data(), raw.target().size());
  const auto qpos = target.find('?');
  const auto incoming = raw.find("X-Request-Id");
  std::string requestId;
  if (incoming != raw.end() &&
      valid_request_id({incoming->value().data(), incoming->value().size()}))
    requestId = std::string(incoming->value());
  else
    requestId = new_request_id();
  Request req{raw,
              target.substr(0, qpos),
              qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1),
              client_ip(raw, peerIp),
              std::move(requestId),
              {}};

  Reply reply;
  std::string_view routeName = "unmatched";
  std::optional<Reply> early;
  RawResponse limitHeaders;
  const Route* route = nullptr;
  try {
    if (raw.method() == bhttp::verb::options) {
      reply.response.result(bhttp::status::no_content);
      reply.response.set(bhttp::field::access_control_allow_methods, "GET, POST, DELETE, OPTIONS");
      auto h = raw.find(bhttp::field::access_control_request_headers);
      reply.response.set(bhttp::field::access_control_allow_headers,
                         h != raw.end()
                             ? std::string_view(h->value().data(), h->value().size())
                             : std::string_view("Content-Type, Authorization, X-Request-Id"));
      reply.response.set(bhttp::field::access_control_max_age, "600");
      routeName = "preflight";
    } else {
      auto m = router_.match(raw.method(), req.path, req.params);
      if (m.route) {
        route = m.route;
        routeName = route->pattern;
        if (!limiterPool_) early = check_rate_limits(*route, req.clientIp, limitHeaders);
      } else if (m.pathExists) {
        early = error_reply(405, "MethodNotAllowedError",
                            fmt::format("Method {} not allowed on {}",
                                        std::string_view(raw.method_string()), req.path));
        early->response.set(bhttp::field::allow, m.allow);
      } else if (fallback_ &&
                 (raw.method() == bhttp::verb::get || raw.method() == bhttp::verb::head) &&
                 !req.path.starts_with("/api/")) {
        routeName = "static";
      } else {
        early = error_reply(
            404, "NotFoundError",
            fmt::format("Route {} {} not found", std::string_view(raw.method_string()), req.path));
      }
    }
  } catch (const std::exception& e) {
    early = error_for(e, req.requestId);
  }

  if (route && limiterPool_ && options_.rateLimitEnabled && route->rateClasses != kNoLimit) {
    early = co_await offload(*limiterPool_,
                             [&] { return check_rate_limits(*route, req.clientIp, limitHeaders); });
  }
  if (early) {
    reply = std::move(*early);
  } else if (route || routeName == "static") {
    // co_await may not appear in a handler block: capture the exception, answer outside.
    std::exception_ptr error;
    try {
      // (Not a conditional expression: g++ 12 miscompiles co_await on a ?: of two calls.)
      if (route)
        reply = co_await route->handler(req);
      else
        reply = co_await fallback_(req);
    } catch (...) {
      error = std::current_exception();
    }
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        reply = error_for(e, req.requestId);
      } catch (...) {
        reply = error_reply(500, "InternalServerError", "Internal server error");
      }
    }
  }
  for (const auto& f : limitHeaders) reply.response.set(f.name_string(), f.value());
  apply_cors(raw, reply.response);
  reply.response.set("X-Request-Id", req.requestId);

  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  const unsigned status = reply.response.result_int();
  if (options_.accessLog) {
    // Probes and scrapes would drown the log: they go to debug.
    const bool quiet = routeName == "/health" || routeName == "/health/live" ||
                       routeName == "/health/ready" || routeName == "/metrics" ||
                       routeName == "/api/v1/health";
    const auto level = status >= 500 ? spdlog::level::warn
                       : quiet       ? spdlog::level::debug
                                     : spdlog::level::info;
    if (spdlog::should_log(level))
      spdlog::log(level, "{} {} {} {}B {:.2f}ms ip={} id={}", std::string_view(raw.method_string()),
                  target, status, reply.response.body().size(),
                  static_cast<double>(took.count()) / 1000.0, req.clientIp, req.requestId);
  }
  // to_string(verb) is static storage (unknown methods are "<unknown>"): safe to keep as a view.
  if (observer_) observer_({bhttp::to_string(raw.method()), routeName, status, took});
  co_return reply;
}

}  // namespace lso::http
