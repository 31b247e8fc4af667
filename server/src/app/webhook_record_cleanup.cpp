// WebhookRecordCleanup; see webhook_record_cleanup.hpp.
#include "app/webhook_record_cleanup.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace lso::app {

std::int64_t WebhookRecordCleanup::run_once() {
  // In transactions of 5,000 rows: a day of busy webhooks is millions of records, and one DELETE
  // of them all would hold the database's writer (SQLite) away from webhooks and joins.
  constexpr std::int64_t kChunk = 5000;
  const auto now = time_.now();
  std::int64_t n = 0;
  for (std::int64_t got = kChunk; got == kChunk;) {
    got = store_.write([&](domain::Queries& q) { return q.delete_expired_webhooks(now, kChunk); });
    n += got;
  }
  if (n > 0) spdlog::info("deleted {} processed-webhook records older than 24 h", n);
  return n;
}

void WebhookRecordCleanup::schedule(Scheduler& scheduler) {
  scheduler.every("webhook-record-cleanup", std::chrono::hours(1), [this] { run_once(); });
}

}  // namespace lso::app
