// Backend selection; see backends.hpp.
#include "app/backends.hpp"

#include <spdlog/spdlog.h>

#include "events/local_coordination.hpp"
#include "events/local_rate_limiter.hpp"
#include "redis/client.hpp"
#include "redis/event_bus.hpp"
#include "redis/job_lock.hpp"
#include "redis/push_ledger.hpp"
#include "redis/rate_limiter.hpp"
#include "redis/webhook_queue.hpp"
#include "store/queue_factory.hpp"

namespace lso::app {

namespace {

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

Backends make_backends(const config::Settings& settings) {
  Backends b;
  store::StoreOptions storeOptions{settings.databaseUrl, settings.dbPoolSize,
                                   std::chrono::milliseconds(5000), std::chrono::milliseconds(5000),
                                   settings.webhookQueueFsync};
  if (!settings.embedded() && settings.redisUrl) {
    // Production: everything instances share goes through Redis; the client outlives its users
    // (it is held by Backends::owner, declared first and so destroyed after every adapter).
    redis::ClientOptions co;
    co.url = *settings.redisUrl;
    co.poolSize = static_cast<std::size_t>(
        std::max(8, settings.dbPoolSize + settings.webhookQueueConcurrency));
    auto client = std::make_shared<redis::Client>(co);
    b.owner = client;
    b.bus = std::make_unique<redis::RedisEventBus>(*client);
    b.ledger = std::make_unique<redis::RedisPushLedger>(*client);
    b.lock = std::make_unique<redis::RedisJobLock>(*client);
    b.limiter = std::make_shared<redis::RedisRateLimiter>(*client);
    redis::WebhookQueueOptions qo;
    qo.lease = settings.webhookQueueLease;
    qo.consumer = settings.instanceName;
    b.queue = std::make_unique<redis::RedisWebhookQueue>(*client, qo);
    b.redisHealth = [c = client.get()] {
      const bool up = c->ping();
      return boost::json::value(boost::json::object{{"status", up ? "up" : "down"}});
    };
    b.shutdown = [] {};
    b.mode = "production";
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
      storeOptions, settings.webhookQueueLease,
      settings.instanceName.empty() ? std::string("single-instance") : settings.instanceName);
  b.redisHealth = [] { return boost::json::value(nullptr); };
  b.shutdown = [] {};
  if (settings.embedded()) {
    b.mode = "embedded";
  } else {
    b.mode = "single-instance";
    add_spool(b, settings);
    spdlog::warn(
        "PostgreSQL without REDIS_URL: running as a single instance (set REDIS_URL to scale out)");
  }
  return b;
}

}  // namespace lso::app
