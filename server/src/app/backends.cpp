// Backend selection; see backends.hpp.
#include "app/backends.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/object.hpp>

#include "events/local_coordination.hpp"
#include "events/local_rate_limiter.hpp"
#include "redis/client.hpp"
#include "redis/event_bus.hpp"
#include "redis/job_lock.hpp"
#include "redis/push_ledger.hpp"
#include "redis/rate_limiter.hpp"
#include "redis/webhook_queue.hpp"
#include "store/queue_factory.hpp"
#include "store/store_factory.hpp"

namespace lso::app {

namespace {

// Webhook workers at most when the store writes one transaction at a time.
constexpr int kOneWriterWebhookWorkers = 2;

store::StoreOptions store_options(const config::Settings& settings) {
  return {settings.deployment.databaseUrl, settings.dbPoolSize, std::chrono::milliseconds(5000),
          std::chrono::milliseconds(5000), settings.webhookQueueFsync};
}

// A queue on another server (Redis, PostgreSQL) gets the local spool in front of it.
void add_spool(Backends& b, const config::Settings& settings) {
  if (settings.webhookSpoolDir.empty()) return;
  spool::SpoolOptions o;
  o.directory = settings.webhookSpoolDir;
  o.instance = settings.instanceName;
  o.maxBytes = settings.webhookSpoolMaxBytes;
  // An unusable directory leaves the instance as it was without a spool (503 during a queue
  // outage), loudly, rather than refusing to start.
  std::unique_ptr<spool::WebhookSpool> files;
  try {
    files = std::make_unique<spool::WebhookSpool>(std::move(o));
  } catch (const std::exception& e) {
    spdlog::error("webhook spool disabled (WEBHOOK_SPOOL_DIR={}): {}", settings.webhookSpoolDir,
                  e.what());
    return;
  }
  auto queue = std::make_unique<spool::SpooledWebhookQueue>(std::move(b.queue), std::move(files));
  b.spool = queue.get();
  b.queue = std::move(queue);
}

}  // namespace

std::unique_ptr<domain::Store> open_store(const config::Settings& settings) {
  return store::open_store(store_options(settings));
}

Backends make_backends(const config::Settings& settings) {
  Backends b;
  const auto& deployment = settings.deployment;
  b.mode = std::string(deployment.name());
  if (deployment.shared()) {
    // Production: everything instances share goes through Redis. `owner` holds the client, so it
    // outlives every adapter using it.
    redis::ClientOptions co;
    co.url = *deployment.redisUrl;
    co.poolSize = static_cast<std::size_t>(
        std::max(8, settings.dbPoolSize + settings.webhookQueueConcurrency));
    auto client = std::make_shared<redis::Client>(co);
    b.owner = client;
    b.bus = std::make_unique<redis::RedisEventBus>(*client);
    b.ledger = std::make_unique<redis::RedisPushLedger>(*client);
    b.lock = std::make_unique<redis::RedisJobLock>(*client);
    b.limiter = std::make_shared<redis::RedisRateLimiter>(*client);
    b.limiterBlocks = true;
    redis::WebhookQueueOptions qo;
    qo.lease = settings.webhookQueueLease;
    qo.consumer = settings.instanceName;
    b.queue = std::make_unique<redis::RedisWebhookQueue>(*client, qo);
    b.redisHealth = [c = client.get()] {
      const bool up = c->ping();
      return boost::json::value(boost::json::object{{"status", up ? "up" : "down"}});
    };
    b.shutdown = [] {};
    add_spool(b, settings);
    return b;
  }
  b.bus = std::make_unique<events::LocalEventBus>();
  b.ledger = std::make_unique<events::LocalPushLedger>();
  b.lock = std::make_unique<events::LocalJobLock>();
  b.limiter = std::make_shared<events::LocalRateLimiter>();
  // The SQL queues serve one instance (embedded, single-instance): its claims carry one name
  // across restarts, so a restart retakes what the previous run held at once.
  b.queue = store::open_sql_webhook_queue(
      store_options(settings), settings.webhookQueueLease,
      settings.instanceName.empty() ? std::string("single-instance") : settings.instanceName);
  b.redisHealth = [] { return boost::json::value(nullptr); };
  b.shutdown = [] {};
  if (!deployment.embedded()) {
    add_spool(b, settings);
    spdlog::warn(
        "PostgreSQL without REDIS_URL: running as a single instance (set REDIS_URL to scale out)");
  }
  return b;
}

boost::json::value Backends::queue_health() const {
  boost::json::object o;
  try {
    const auto c = queue->counts();
    o = {{"status", "up"},     {"backend", queue->backend()}, {"waiting", c.waiting},
         {"active", c.active}, {"completed", c.completed},    {"failed", c.failed},
         {"dead", c.dead}};
  } catch (const std::exception& e) {
    o = {{"status", "down"}, {"backend", queue->backend()}, {"error", e.what()}};
  }
  return boost::json::value(std::move(o));
}

void Backends::register_queue_metrics(util::MetricsRegistry& registry) const {
  registry.add([q = queue.get()](util::MetricsWriter& w) {
    using util::MetricType;
    w.family("lso_webhook_queue_jobs", MetricType::Gauge, "webhook jobs by state");
    const auto c = q->counts();  // throws while the queue's server does not answer
    w.sample(c.waiting, {{"state", "waiting"}});
    w.sample(c.active, {{"state", "active"}});
    w.sample(c.dead, {{"state", "dead"}});
    w.family("lso_webhook_jobs_total", MetricType::Counter,
             "webhook job outcomes on this instance");
    w.sample(c.completed, {{"outcome", "completed"}});
    w.sample(c.failed, {{"outcome", "failed"}});
  });
}

int webhook_worker_count(const domain::Store& store, int requested) {
  const int n =
      store.writes_one_at_a_time() ? std::min(requested, kOneWriterWebhookWorkers) : requested;
  if (n < requested)
    spdlog::info("webhook workers: {} (WEBHOOK_QUEUE_CONCURRENCY={} is capped on SQLite)", n,
                 requested);
  return n;
}

int intake_batchers(const domain::WebhookQueue& queue) {
  return queue.writes_one_at_a_time() ? 1 : 4;
}

}  // namespace lso::app
