// Listener, sessions and the middleware chain (request id, CORS, rate limits, error envelope,
// access log). A session is one coroutine: its whole read → handle → write loop is below.
#include "http/server.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
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

}  // namespace

Server::Server(ServerOptions options, Router router, std::shared_ptr<RateCounter> limiter)
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
  // Before any I/O thread runs: the chain is read by all of them and never changes afterwards.
  build_chain();
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
    std::array<char, 16384> sink{};
    for (std::size_t total = 0; total < std::size_t{16} * 1024 * 1024;) {
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
            status_of(TransportError::PayloadTooLarge), name_of(TransportError::PayloadTooLarge),
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

bool Server::came_over_https(const RawRequest& raw) const {
  if (options_.trustProxyHops <= 0) return false;
  auto it = raw.find("X-Forwarded-Proto");
  if (it == raw.end()) return false;
  std::string_view proto(it->value().data(), it->value().size());
  // A chain of proxies appends: the last value was set by the proxy we trust.
  if (auto comma = proto.rfind(','); comma != std::string_view::npos)
    proto = proto.substr(comma + 1);
  while (!proto.empty() && proto.front() == ' ') proto.remove_prefix(1);
  return proto == "https";
}

void Server::build_chain() {
  owned_.clear();
  owned_.push_back(std::make_shared<AccessLog>(options_.accessLog, observer_));
  owned_.push_back(std::make_shared<Cors>(options_.corsOrigins));
  owned_.push_back(std::make_shared<SecurityHeaders>(options_.contentSecurityPolicy));
  for (auto& m : appMiddlewares_) owned_.push_back(m);
  owned_.push_back(std::make_shared<RateLimit>(options_.rateLimits, limiter_, limiterPool_));
  chain_.clear();
  for (auto& m : owned_) chain_.push_back(m.get());
  terminal_ = [this](Request& req) { return dispatch(req); };
}

asio::awaitable<Reply> Server::dispatch(Request& req) {
  const auto& raw = req.raw;
  if (req.route) co_return co_await req.route->handler(req);
  std::vector<std::pair<std::string_view, std::string>> ignored;
  auto m = router_.match(raw.method(), req.path, ignored);
  if (m.pathExists) {
    auto reply = error_reply(TransportError::MethodNotAllowed,
                             fmt::format("Method {} not allowed on {}",
                                         std::string_view(raw.method_string()), req.path));
    reply.response.set(bhttp::field::allow, m.allow);
    co_return reply;
  }
  // A path under one of the application's own prefixes (its API) is a JSON 404, never the
  // fallback's page.
  const bool own = std::any_of(
      fallbackExcludes_.begin(), fallbackExcludes_.end(), [&](const std::string& prefix) {
        return req.path == prefix ||
               (req.path.starts_with(prefix) && req.path.size() > prefix.size() &&
                req.path[prefix.size()] == '/');
      });
  if (fallback_ && (raw.method() == bhttp::verb::get || raw.method() == bhttp::verb::head) && !own)
    co_return co_await fallback_(req);
  co_return error_reply(
      404, "NotFoundError",
      fmt::format("Route {} {} not found", std::string_view(raw.method_string()), req.path));
}

asio::awaitable<Reply> Server::handle(const RawRequest& raw, std::string peerIp) {
  if (chain_.empty()) build_chain();  // handle() without start(): tests, one thread
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
              {},
              nullptr,
              came_over_https(raw),
              nullptr,
              {}};
  if (raw.method() != bhttp::verb::options) {
    auto m = router_.match(raw.method(), req.path, req.params);
    req.route = m.route;
  }

  // Next turns whatever a middleware or handler throws into an error reply.
  Reply reply = co_await Next(chain_, terminal_, &errorMapper_)(req);
  reply.response.set("X-Request-Id", req.requestId);
  co_return reply;
}

}  // namespace lso::http
