// A webhook queue that keeps accepting while its backend is unreachable: enqueues go to the
// backend queue; when it answers Unavailable they go to the local spool (webhook_spool.hpp)
// instead, and a forwarder thread moves the spool into the queue once the backend is back.
// Everything else (claims, settlements, dead letters, counts) is the backend queue's own.
//
// While spooling, enqueues go straight to the spool (no connect timeout paid per batch); the
// forwarder is the one probing the backend, every second, backing off to five. Spooled webhooks
// reach the queue out of order with fresh ones, which the effects tolerate (any order, exactly
// once by webhook id).
#pragma once

#include <atomic>
#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "domain/webhook_queue.hpp"
#include "spool/webhook_spool.hpp"
#include "util/metrics_registry.hpp"

namespace lso::spool {

class SpooledWebhookQueue final : public domain::WebhookQueue {
 public:
  struct Options {
    std::chrono::milliseconds retry{1000};     // first probe after a failed forward
    std::chrono::milliseconds maxRetry{5000};  // probes back off up to this
    std::size_t forwardBatch = 500;            // webhooks per enqueue_many when forwarding
  };
  SpooledWebhookQueue(std::unique_ptr<domain::WebhookQueue> queue,
                      std::unique_ptr<WebhookSpool> spool, Options options);
  SpooledWebhookQueue(std::unique_ptr<domain::WebhookQueue> queue,
                      std::unique_ptr<WebhookSpool> spool)
      : SpooledWebhookQueue(std::move(queue), std::move(spool), Options{}) {}
  SpooledWebhookQueue(std::unique_ptr<domain::WebhookQueue> queue, SpoolOptions spool,
                      Options options)
      : SpooledWebhookQueue(std::move(queue), std::make_unique<WebhookSpool>(std::move(spool)),
                            options) {}
  ~SpooledWebhookQueue() override;

  std::string_view backend() const override { return queue_->backend(); }
  bool writes_one_at_a_time() const override { return queue_->writes_one_at_a_time(); }

  bool enqueue(std::string_view id, std::string_view body) override;
  void enqueue_many(std::span<domain::EnqueueItem> items) override;

  std::optional<domain::WebhookJob> claim(std::chrono::milliseconds wait) override {
    return queue_->claim(wait);
  }
  std::vector<domain::WebhookJob> claim_ready(std::size_t max) override {
    return queue_->claim_ready(max);
  }
  void complete(const domain::WebhookJob& job) override { queue_->complete(job); }
  void complete_all(std::span<const domain::WebhookJob> jobs) override {
    queue_->complete_all(jobs);
  }
  void renew(std::span<const domain::WebhookJob> jobs) override { queue_->renew(jobs); }
  void release(std::span<const domain::WebhookJob> jobs) override { queue_->release(jobs); }
  void retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
             std::string_view error) override {
    queue_->retry(job, delay, error);
  }
  void bury(const domain::WebhookJob& job, std::string_view error) override {
    queue_->bury(job, error);
  }
  std::vector<domain::DeadJob> list_dead(std::size_t limit,
                                         std::optional<std::string_view> afterId) override {
    return queue_->list_dead(limit, afterId);
  }
  std::optional<domain::DeadJob> find_dead(std::string_view id) override {
    return queue_->find_dead(id);
  }
  bool replay_dead(std::string_view id) override { return queue_->replay_dead(id); }
  bool drop_dead(std::string_view id) override { return queue_->drop_dead(id); }
  domain::QueueCounts counts() override { return queue_->counts(); }
  // Stops the forwarder (what is spooled stays on disk for the next start) and closes the queue.
  void close() override;

  // --- for /health and /metrics ---
  bool spooling() const { return spooling_.load(); }
  std::int64_t spooled_now() const { return spool_->webhooks(); }
  std::uint64_t spool_bytes() const { return spool_->bytes(); }
  std::uint64_t spooled_total() const { return spooledTotal_.load(); }
  std::uint64_t forwarded_total() const { return forwardedTotal_.load(); }
  // The `spool` section of /health.
  boost::json::value health() const;
  // lso_webhook_spooling and the spool's sizes and totals, read when scraped.
  void register_metrics(util::MetricsRegistry& registry) const;
  const std::filesystem::path& directory() const { return spool_->directory(); }

 private:
  void to_spool(std::span<domain::EnqueueItem> items);
  void run();
  // Forwards every ready segment; false when the queue refused (still unreachable).
  bool forward_ready();
  void start_spooling(std::string_view why);

  std::unique_ptr<domain::WebhookQueue> queue_;
  std::unique_ptr<WebhookSpool> spool_;
  Options options_;
  std::atomic<bool> spooling_{false};
  std::atomic<std::uint64_t> spooledTotal_{0};
  std::atomic<std::uint64_t> forwardedTotal_{0};
  std::chrono::steady_clock::time_point since_{};  // mutex_: when spooling began
  std::uint64_t forwardedThisOutage_ = 0;          // forwarder thread only
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread forwarder_;
};

}  // namespace lso::spool
