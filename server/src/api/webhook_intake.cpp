// WebhookIntake: batcher threads draining the hand-over queue.
#include "api/webhook_intake.hpp"

#include <pthread.h>

#include "domain/errors.hpp"

namespace lso::api {

WebhookIntake::WebhookIntake(domain::WebhookQueue& queue, int threads, std::size_t maxBatch)
    : queue_(queue), maxBatch_(maxBatch) {
  for (int i = 0; i < std::max(1, threads); ++i)
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "lso-intake");
      run();
    });
}

WebhookIntake::~WebhookIntake() {
  stop();
}

void WebhookIntake::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void WebhookIntake::submit(std::unique_ptr<Pending> p) {
  {
    std::lock_guard lock(mutex_);
    if (!stop_) {
      pending_.push_back(std::move(p));
      p = nullptr;
    }
  }
  if (p) {
    p->complete(
        std::make_exception_ptr(domain::AppError(domain::ErrorKind::Unavailable, "shutting down")),
        false);
    return;
  }
  cv_.notify_one();
}

void WebhookIntake::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping, nothing left
    std::vector<std::unique_ptr<Pending>> batch;
    const auto n = std::min(pending_.size(), maxBatch_);
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(pending_.front()));
      pending_.pop_front();
    }
    lock.unlock();
    std::vector<domain::EnqueueItem> items;
    items.reserve(batch.size());
    for (const auto& p : batch) items.push_back({p->id, p->body, false, nullptr});
    std::exception_ptr error;
    try {
      queue_.enqueue_many(items);
    } catch (...) {
      error = std::current_exception();
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i]->complete(error ? error : items[i].error,
                         !error && !items[i].error && items[i].stored);
    lock.lock();
  }
}

}  // namespace lso::api
