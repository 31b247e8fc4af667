// Entry point: reads the settings, wires the components together and runs until SIGTERM/SIGINT.
// Wiring only; every decision lives in the components.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "api/api.hpp"
#include "app/logging.hpp"
#include "config/settings.hpp"
#include "domain/clock.hpp"
#include "domain/events.hpp"
#include "domain/livestream_service.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "livekit/access_token.hpp"
#include "livekit/twirp_client.hpp"
#include "store/store_factory.hpp"

namespace {

constexpr const char* kVersion = "0.1.0";

// Runs the background health probes until stopped (database every 2 s, LiveKit every 10 s).
class Prober {
 public:
  explicit Prober(lso::api::HealthMonitor& health)
      : thread_([this, &health] {
          for (int round = 0;; ++round) {
            health.probe(round % 5 == 0);
            std::unique_lock lock(mutex_);
            if (cv_.wait_for(lock, std::chrono::seconds(2), [this] { return stop_; })) return;
          }
        }) {}
  ~Prober() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

int run(const lso::config::Settings& settings) {
  using namespace lso;
  auto store = store::open_store({settings.databaseUrl, settings.dbPoolSize, std::chrono::milliseconds(5000),
                                  std::chrono::milliseconds(5000)});
  store->migrate();
  if (settings.command == config::Settings::Command::Migrate) {
    spdlog::info("migrations applied ({})", store->backend());
    return 0;
  }

  domain::SystemTimeSource time;
  livekit::AccessTokenIssuer tokens(settings.livekitApiKey, settings.livekitApiSecret, settings.livekitPublicUrl,
                                    settings.tokenTtl, time);
  livekit::HttpClientOptions lkOptions;
  lkOptions.timeout = settings.livekitTimeout;
  lkOptions.maxIdleConnections = static_cast<std::size_t>(settings.dbPoolSize) * 2;
  livekit::TwirpRoomService rooms(settings.livekitUrl, tokens, lkOptions);

  domain::NoLivestreamEvents events;
  domain::LivestreamService service(*store, rooms, tokens, time, events);

  // The blocking pool: one thread per database connection, so no call waits for a connection
  // while holding a thread.
  boost::asio::thread_pool pool(static_cast<std::size_t>(settings.dbPoolSize));

  api::HealthMonitor health({settings.embedded() ? "embedded" : "production", settings.livekitUrl,
                             settings.livekitSimulated, kVersion},
                            *store, rooms);
  health.probe(true);

  http::Router router;
  api::add_health_routes(router, health);
  api::add_livestream_routes(router, service, pool);

  http::ServerOptions options;
  options.host = settings.host;
  options.port = settings.port;
  options.ioThreads = settings.ioThreads > 0 ? settings.ioThreads
                                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.bodyLimit = settings.bodyLimitBytes;
  options.corsOrigins = settings.corsOrigins;
  options.trustProxyHops = settings.trustProxyHops;
  options.rateLimitEnabled = settings.rateLimitEnabled;
  options.apiLimit = {settings.rateLimitApi.max, settings.rateLimitApi.window};
  options.writeLimit = {settings.rateLimitWrite.max, settings.rateLimitWrite.window};
  options.createLimit = {settings.rateLimitCreate.max, settings.rateLimitCreate.window};
  options.accessLog = settings.accessLog;
  http::Server server(options, std::move(router), std::make_shared<http::LocalRateLimiter>());

  std::string staticDir = settings.staticDir;
  if (staticDir.empty() && std::filesystem::is_regular_file("client/dist/index.html")) staticDir = "client/dist";
  if (!staticDir.empty()) {
    server.set_fallback(http::static_files(staticDir));
    spdlog::info("serving the web client from {}", staticDir);
  }

  server.start();
  Prober prober(health);
  spdlog::info("Livestream Orchestrator {} listening on http://{}:{} ({} mode, {} database, {} I/O threads)",
               kVersion, settings.host, server.port(), settings.embedded() ? "embedded" : "production",
               store->backend(), options.ioThreads);
  if (settings.livekitSimulated)
    spdlog::warn("LiveKit at {} is the LiveKit double: simulated media server — video will not play",
                 settings.livekitUrl);

  boost::asio::io_context signals_ctx(1);
  boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int sig) {
    spdlog::info("received signal {}, shutting down", sig);
  });
  signals_ctx.run();

  server.stop(settings.shutdownTimeout);
  pool.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<lso::config::Settings> settings;
  try {
    settings = lso::config::load_settings(argc, argv);
    if (!settings) return 0;  // --help
  } catch (const std::exception& e) {
    std::fprintf(stderr, "configuration error: %s\n", e.what());
    return 2;
  }
  lso::app::setup_logging(settings->logLevel, settings->logFormat);
  try {
    return run(*settings);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
