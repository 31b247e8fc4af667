// Chooses the implementations of the shared ports for the deployment (config/deployment.hpp):
// embedded (SQLite, in-process coordination, SQL queue), production (PostgreSQL + Redis) or
// single instance (PostgreSQL without Redis: the SQL queue on PostgreSQL); and the policies that
// follow from that choice (how many webhook workers and intake batchers, where the limiter runs).
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <memory>

#include "config/settings.hpp"
#include "domain/coordination.hpp"
#include "domain/rate_limiter.hpp"
#include "domain/store.hpp"
#include "domain/webhook_queue.hpp"
#include "spool/spooled_webhook_queue.hpp"
#include "util/metrics_registry.hpp"

namespace lso::app {

// The Store of the deployment's database (not migrated yet).
std::unique_ptr<domain::Store> open_store(const config::Settings& settings);

struct Backends {
  // Declared first, destroyed last: what the adapters below hold references to (the Redis
  // client in production mode).
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
  // The limiter makes a network round trip (Redis): run it on the blocking pool, not the I/O
  // threads.
  bool limiterBlocks = false;

  // The `queue` section of /health: the queue's counts, or down with the error.
  boost::json::value queue_health() const;
  // lso_webhook_queue_jobs and lso_webhook_jobs_total (nothing of the latter while the queue's
  // server does not answer), read when scraped.
  void register_queue_metrics(util::MetricsRegistry& registry) const;
};

Backends make_backends(const config::Settings& settings);

// Webhook workers for this store: at most two when it writes one transaction at a time (SQLite):
// beyond one applying while the next claims and parses, the rest only queue for the writer, ahead
// of API writes, and hold more leased jobs for every claim to skip (docs/benchmarks.md run E: 2
// workers gave ~15 % more receiver throughput than 10).
int webhook_worker_count(const domain::Store& store, int requested);

// Intake batcher threads for this queue. Every queue stores a whole batch in one write (SQL
// transaction, one Redis script): four batchers keep one batch committing while the next fills.
// A queue writing one transaction at a time (SQLite) gets a single batcher, so each batch grows
// while the previous one commits (fewer, larger commits: ~10 % more receiver throughput, lower
// p99; docs/benchmarks.md run E).
int intake_batchers(const domain::WebhookQueue& queue);

}  // namespace lso::app
