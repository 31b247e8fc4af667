// Worker loop: claim → parse → apply (one transaction with the dedup record) → complete.
#include <pthread.h>
#include "domain/webhook_workers.hpp"

#include <spdlog/spdlog.h>

#include "domain/errors.hpp"

namespace lso::domain {

WebhookWorkers::WebhookWorkers(WebhookQueue& queue, WebhookProcessor& processor, Parser parser, Options options)
    : queue_(queue), processor_(processor), parser_(std::move(parser)), options_(options) {
  for (int i = 0; i < std::max(1, options_.concurrency); ++i) threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "lso-worker");
      run();
    });
}

WebhookWorkers::~WebhookWorkers() { stop(); }

void WebhookWorkers::stop() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

std::chrono::milliseconds WebhookWorkers::backoff(int attempt, const Options& o) {
  auto d = o.backoffBase;
  for (int i = 1; i < attempt && d < o.backoffMax; ++i) d *= 2;
  return std::min(d, o.backoffMax);
}

void WebhookWorkers::run() {
  bool queueDown = false;
  while (!stop_) {
    std::optional<WebhookJob> job;
    try {
      job = queue_.claim(std::chrono::milliseconds(250));
      if (queueDown) spdlog::info("webhook queue is reachable again");
      queueDown = false;
    } catch (const std::exception& e) {
      if (!queueDown) spdlog::error("webhook queue unavailable: {}", e.what());
      queueDown = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    if (!job) continue;

    std::optional<WebhookEvent> event;
    try {
      event = parser_(job->body);
    } catch (const std::exception& e) {
      spdlog::warn("webhook {} cannot be parsed, moved to the dead-letter list: {}", job->id, e.what());
      try {
        queue_.bury(*job, e.what());
      } catch (const std::exception& b) {
        spdlog::error("could not bury webhook {}: {}", job->id, b.what());
      }
      continue;
    }
    try {
      processor_.apply(*event);
      queue_.complete(*job);
    } catch (const std::exception& e) {
      try {
        if (job->attempt >= options_.maxAttempts) {
          spdlog::error("webhook {} ({}) failed {} times, moved to the dead-letter list: {}", job->id, event->event,
                        job->attempt, e.what());
          queue_.bury(*job, e.what());
        } else {
          const auto delay = backoff(job->attempt, options_);
          spdlog::warn("webhook {} ({}) attempt {} failed, retrying in {} ms: {}", job->id, event->event, job->attempt,
                       delay.count(), e.what());
          queue_.retry(*job, delay, e.what());
        }
      } catch (const std::exception& q) {
        // The queue is down too: the job's lease expires and it is claimed again later.
        spdlog::error("webhook {}: could not record the failed attempt: {}", job->id, q.what());
      }
    }
  }
}

}  // namespace lso::domain
