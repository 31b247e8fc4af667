// The HTTP server: one io_context per I/O thread fed by one acceptor, a coroutine
// session per connection (read → middleware → route → write, keep-alive), and graceful shutdown.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/rate_limiter.hpp"
#include "http/router.hpp"
#include "http/types.hpp"

namespace lso::http {

struct RateRule {
  std::int64_t max = 0;
  std::chrono::seconds window{0};
};

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 3001;
  int ioThreads = 1;
  std::size_t bodyLimit = 1024 * 1024;
  std::chrono::seconds headerTimeout{10};  // slowloris: a request head must arrive within this
  std::chrono::seconds bodyTimeout{30};
  std::chrono::seconds idleTimeout{75};  // keep-alive connections with no request
  std::vector<std::string> corsOrigins{"*"};
  int trustProxyHops = 0;
  bool rateLimitEnabled = true;
  RateRule apiLimit{100, std::chrono::seconds{900}};
  RateRule writeLimit{20, std::chrono::seconds{3600}};
  RateRule createLimit{5, std::chrono::seconds{3600}};
  bool accessLog = true;
};

// One finished request, for the access log and /metrics.
struct RequestRecord {
  std::string_view method;
  std::string_view route;  // the route pattern, or "static" / "unmatched"
  unsigned status;
  std::chrono::microseconds duration;
};

class Server {
 public:
  Server(ServerOptions options, Router router, std::shared_ptr<RateLimiter> limiter);
  ~Server();

  // Routes can be added until start().
  Router& router() { return router_; }
  std::vector<asio::io_context*> io_contexts() const {
    std::vector<asio::io_context*> out;
    for (const auto& c : contexts_) out.push_back(c.get());
    return out;
  }

  // Serves unmatched GET/HEAD requests (static files with SPA fallback); optional.
  void set_fallback(Handler fallback) { fallback_ = std::move(fallback); }
  void set_observer(std::function<void(const RequestRecord&)> observer) {
    observer_ = std::move(observer);
  }
  // A limiter that blocks (Redis) is consulted from this pool, never on an I/O thread.
  void set_limiter_pool(asio::thread_pool& pool) { limiterPool_ = &pool; }

  // Binds and starts the I/O threads; throws on bind failure (port in use, …).
  void start();
  // Stops accepting, lets in-flight requests finish (bounded by `grace`), then stops the threads.
  void stop(std::chrono::milliseconds grace);
  std::uint16_t port() const { return boundPort_; }
  // The io_context of one I/O thread, for components that need one (round-robin).
  asio::io_context& next_io_context();
  std::size_t open_connections() const { return connections_.load(); }
  bool stopping() const { return stopping_.load(); }

  // The reply for one request, without any socket: the middleware chain and the router.
  asio::awaitable<Reply> handle(const RawRequest& raw, std::string peerIp);

 private:
  asio::awaitable<void> accept_loop(std::size_t index);
  asio::awaitable<void> session(asio::ip::tcp::socket socket);
  std::string client_ip(const RawRequest& raw, const std::string& peer) const;
  void apply_cors(const RawRequest& raw, RawResponse& res) const;
  std::optional<Reply> check_rate_limits(const Route& route, const std::string& ip,
                                         RawResponse& headers);

  ServerOptions options_;
  Router router_;
  std::shared_ptr<RateLimiter> limiter_;
  Handler fallback_;
  std::function<void(const RequestRecord&)> observer_;
  asio::thread_pool* limiterPool_ = nullptr;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> inFlight_{0};
  std::atomic<bool> stopping_{false};
  std::uint16_t boundPort_ = 0;
};

}  // namespace lso::http
