// Backend selection; see backends.hpp.
#include "app/backends.hpp"

#include <spdlog/spdlog.h>

#include "events/local_coordination.hpp"
#include "store/queue_factory.hpp"

namespace lso::app {

Backends make_backends(const config::Settings& settings) {
  Backends b;
  store::StoreOptions storeOptions{settings.databaseUrl, settings.dbPoolSize, std::chrono::milliseconds(5000),
                                   std::chrono::milliseconds(5000)};
  b.bus = std::make_unique<events::LocalEventBus>();
  b.ledger = std::make_unique<events::LocalPushLedger>();
  b.lock = std::make_unique<events::LocalJobLock>();
  b.limiter = std::make_shared<http::LocalRateLimiter>();
  b.queue = store::open_sql_webhook_queue(storeOptions);
  b.redisHealth = [] { return boost::json::value(nullptr); };
  b.shutdown = [] {};
  if (settings.embedded()) {
    b.mode = "embedded";
  } else {
    b.mode = "single-instance";
    spdlog::warn("PostgreSQL without REDIS_URL: running as a single instance (set REDIS_URL to scale out)");
  }
  return b;
}

}  // namespace lso::app
