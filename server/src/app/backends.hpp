// Chooses the implementations of the shared ports for the configured mode (one binary): embedded
// (SQLite, in-process coordination, SQL queue) or production (PostgreSQL + Redis); PostgreSQL
// without Redis runs as a single instance with the SQL queue on PostgreSQL.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <memory>

#include "config/settings.hpp"
#include "domain/coordination.hpp"
#include "domain/rate_limiter.hpp"
#include "domain/webhook_queue.hpp"
#include "spool/spooled_webhook_queue.hpp"

namespace lso::app {

struct Backends {
  // Declared first, destroyed last: what the adapters below hold references to (the Redis client).
  std::shared_ptr<void> owner;
  std::unique_ptr<domain::EventBus> bus;
  std::unique_ptr<domain::PushLedger> ledger;
  std::unique_ptr<domain::JobLock> lock;
  std::shared_ptr<domain::RateLimiter> limiter;
  std::unique_ptr<domain::WebhookQueue> queue;
  // The queue again when it keeps accepting into a local spool while its backend is unreachable
  // (production and single-instance modes with WEBHOOK_SPOOL_DIR); null otherwise.
  spool::SpooledWebhookQueue* spool = nullptr;
  // The "redis" section of /health (null in embedded mode).
  std::function<boost::json::value()> redisHealth;
  std::function<void()> shutdown;  // stops background threads (bus subscriber)
  std::string mode;                // "embedded" | "production" | "single-instance"
};

Backends make_backends(const config::Settings& settings);

}  // namespace lso::app
