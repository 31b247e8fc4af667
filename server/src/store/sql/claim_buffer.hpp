// Jobs an SQL queue leased ahead of demand: one claiming transaction takes a few more jobs than
// workers asked for, and the next claim() calls are served from memory without a transaction.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "domain/webhook_queue.hpp"

namespace lso::store::sql {

// Invariants: every buffered job is leased in the database to this instance and to no worker
// yet; a job older than maxAge is never handed out (its lease may be near its end, so another
// instance could take it over while our worker runs it) but given back to the caller to release.
class ClaimBuffer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ClaimBuffer(std::chrono::milliseconds maxAge) : maxAge_(maxAge) {}

  // The oldest buffered job still young enough; too old ones are appended to `stale`.
  std::optional<domain::WebhookJob> take(std::vector<domain::WebhookJob>& stale) {
    const std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    while (!jobs_.empty()) {
      auto entry = std::move(jobs_.front());
      jobs_.pop_front();
      if (now - entry.claimedAt <= maxAge_) {
        return std::move(entry.job);
      }
      stale.push_back(std::move(entry.job));
    }
    return std::nullopt;
  }

  void put(std::vector<domain::WebhookJob> jobs, Clock::time_point claimedAt) {
    const std::lock_guard lock(mutex_);
    for (auto& job : jobs) {
      jobs_.push_back(Entry{std::move(job), claimedAt});
    }
  }

  // Everything buffered, for release on close().
  std::vector<domain::WebhookJob> drain() {
    const std::lock_guard lock(mutex_);
    std::vector<domain::WebhookJob> out;
    for (auto& entry : jobs_) {
      out.push_back(std::move(entry.job));
    }
    jobs_.clear();
    return out;
  }

  std::size_t size() {
    const std::lock_guard lock(mutex_);
    return jobs_.size();
  }

 private:
  struct Entry {
    domain::WebhookJob job;
    Clock::time_point claimedAt;
  };
  const std::chrono::milliseconds maxAge_;
  std::mutex mutex_;
  std::deque<Entry> jobs_;
};

}  // namespace lso::store::sql
