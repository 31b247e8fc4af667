// The webhook queue port in memory, recording what the workers do with each job: completed,
// retried (with the delay asked for), buried (with the error); claims can be made to fail as an
// unreachable queue's do.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "domain/errors.hpp"
#include "domain/webhook_queue.hpp"

namespace lso::fakes {

class FakeWebhookQueue final : public domain::WebhookQueue {
 public:
  using Clock = std::chrono::steady_clock;

  std::string_view backend() const override { return "memory"; }
  bool enqueue(std::string_view id, std::string_view body) override {
    const std::lock_guard lock(mutex_);
    if (enqueueDown) throw domain::AppError(domain::ErrorKind::Unavailable, "queue down");
    for (const auto& job : waiting_)
      if (job.id == id) return false;
    waiting_.push_back(domain::WebhookJob{std::string(id), std::string(body), 1, std::string(id)});
    ++enqueueCalls;
    changed_.notify_all();
    return true;
  }
  void enqueue_many(std::span<domain::EnqueueItem> items) override {
    if (beforeEnqueueMany) beforeEnqueueMany();
    {
      const std::lock_guard lock(mutex_);
      batches.push_back(items.size());
    }
    domain::WebhookQueue::enqueue_many(items);
  }
  std::optional<domain::WebhookJob> claim(std::chrono::milliseconds wait) override {
    std::unique_lock lock(mutex_);
    if (claimsDown) throw domain::AppError(domain::ErrorKind::Unavailable, "queue down");
    changed_.wait_for(lock, wait, [this] { return !waiting_.empty() || closed_; });
    if (waiting_.empty()) return std::nullopt;
    auto job = std::move(waiting_.front());
    waiting_.pop_front();
    ++claims;
    return job;
  }
  std::vector<domain::WebhookJob> claim_ready(std::size_t) override { return {}; }
  void complete(const domain::WebhookJob& job) override {
    const std::lock_guard lock(mutex_);
    completed.push_back(job.id);
    changed_.notify_all();
  }
  void renew(std::span<const domain::WebhookJob> jobs) override {
    const std::lock_guard lock(mutex_);
    renewed += jobs.size();
    changed_.notify_all();
  }
  void release(std::span<const domain::WebhookJob> jobs) override {
    const std::lock_guard lock(mutex_);
    for (const auto& job : jobs) waiting_.push_back(job);
    changed_.notify_all();
  }
  void retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
             std::string_view) override {
    const std::lock_guard lock(mutex_);
    retried.push_back(job.id);
    retryDelays.push_back(delay);
    auto again = job;
    ++again.attempt;
    waiting_.push_back(std::move(again));  // due at once: the delay is recorded, not waited
    changed_.notify_all();
  }
  void bury(const domain::WebhookJob& job, std::string_view error) override {
    const std::lock_guard lock(mutex_);
    buried.push_back(job.id);
    buriedAttempts.push_back(job.attempt);
    buriedErrors.emplace_back(error);
    changed_.notify_all();
  }
  std::vector<domain::DeadJob> list_dead(std::size_t, std::optional<std::string_view>) override {
    return {};
  }
  std::optional<domain::DeadJob> find_dead(std::string_view) override { return std::nullopt; }
  bool replay_dead(std::string_view) override { return false; }
  bool drop_dead(std::string_view) override { return false; }
  domain::QueueCounts counts() override { return {}; }
  void close() override {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  // Waits until `done` holds (checked under the queue's lock, at each change of the queue and
  // every millisecond for conditions outside it), at most `limit`.
  template <class Pred>
  bool wait_until(Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = Clock::now() + limit;
    std::unique_lock lock(mutex_);
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      changed_.wait_for(lock, std::chrono::milliseconds(1));
    }
    return true;
  }
  std::size_t waiting() {
    const std::lock_guard lock(mutex_);
    return waiting_.size();
  }

  // Called at the start of each enqueue_many(), outside the queue's lock (e.g. to hold a write).
  std::function<void()> beforeEnqueueMany;
  std::atomic<bool> claimsDown{false};
  std::atomic<bool> enqueueDown{false};
  // Read these under wait_until's predicate, or once the workers are stopped.
  std::vector<std::string> completed, retried, buried, buriedErrors;
  std::vector<std::chrono::milliseconds> retryDelays;
  std::vector<int> buriedAttempts;
  std::vector<std::size_t> batches;  // the size of each enqueue_many() call
  std::size_t renewed = 0;
  int claims = 0;
  int enqueueCalls = 0;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<domain::WebhookJob> waiting_;
  bool closed_ = false;
};

}  // namespace lso::fakes
