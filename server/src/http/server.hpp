// The HTTP server: one io_context per I/O thread fed by one acceptor, a coroutine
// session per connection (read → middleware → route → write, keep-alive), and graceful shutdown.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/middleware.hpp"
#include "http/router.hpp"
#include "http/types.hpp"

namespace lso::http {

// The listener, limits and policies set from the settings (whose table holds their defaults:
// none is repeated here); the timeouts are the transport's own.
struct ServerOptions {
  std::string host;
  std::uint16_t port = 0;  // 0: any free port
  int ioThreads = 1;
  std::size_t bodyLimit = 0;
  std::chrono::seconds headerTimeout{10};  // slowloris: a request head must arrive within this
  std::chrono::seconds bodyTimeout{30};
  std::chrono::seconds idleTimeout{75};  // keep-alive connections with no request
  std::vector<std::string> corsOrigins;
  int trustProxyHops = 0;
  RateLimitOptions rateLimits;
  std::string contentSecurityPolicy;  // empty: none sent
  bool accessLog = false;
};

class Server {
 public:
  Server(ServerOptions options, Router router, std::shared_ptr<RateCounter> limiter);
  ~Server();

  // Routes can be added until start().
  Router& router() { return router_; }
  std::vector<asio::io_context*> io_contexts() const {
    std::vector<asio::io_context*> out;
    for (const auto& c : contexts_) out.push_back(c.get());
    return out;
  }

  // Serves unmatched GET/HEAD requests (static files with SPA fallback); optional. Paths equal to
  // or under one of `excludedPrefixes` (the application's API) never reach it: they are 404s.
  void set_fallback(Handler fallback, std::vector<std::string> excludedPrefixes = {}) {
    fallback_ = std::move(fallback);
    fallbackExcludes_ = std::move(excludedPrefixes);
  }
  // Turns what the application's handlers and middlewares throw into error replies. Until start().
  void set_error_mapper(ErrorMapper mapper) { errorMapper_ = std::move(mapper); }
  void set_observer(std::function<void(const RequestRecord&)> observer) {
    observer_ = std::move(observer);
  }
  // A limiter that blocks (Redis) is consulted from this pool, never on an I/O thread.
  void set_limiter_pool(BlockingPool& pool) { limiterPool_ = &pool; }
  // The application's middlewares (authentication), run after the security headers and before
  // the rate limits, in the order added. Until start().
  void add_middleware(std::shared_ptr<Middleware> middleware) {
    appMiddlewares_.push_back(std::move(middleware));
  }

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
  bool came_over_https(const RawRequest& raw) const;
  // The end of the chain: the matched route, the fallback (static files), or 404/405.
  asio::awaitable<Reply> dispatch(Request& req);
  void build_chain();

  ServerOptions options_;
  Router router_;
  std::shared_ptr<RateCounter> limiter_;
  Handler fallback_;
  std::vector<std::string> fallbackExcludes_;
  ErrorMapper errorMapper_;
  std::function<void(const RequestRecord&)> observer_;
  BlockingPool* limiterPool_ = nullptr;
  std::vector<std::shared_ptr<Middleware>> appMiddlewares_;
  std::vector<std::shared_ptr<Middleware>> owned_;  // the whole chain, in order
  std::vector<Middleware*> chain_;
  Next::Terminal terminal_;
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
