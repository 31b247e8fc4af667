// Worker loop: claim → parse → apply (one transaction with the dedup record) → complete.
#include "domain/webhook_workers.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "domain/errors.hpp"

namespace lso::domain {

WebhookWorkers::WebhookWorkers(WebhookQueue& queue, WebhookProcessor& processor, Parser parser,
                               Options options)
    : queue_(queue), processor_(processor), parser_(std::move(parser)), options_(options) {
  for (int i = 0; i < std::max(1, options_.concurrency); ++i)
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "lso-worker");
      run();
    });
}

WebhookWorkers::~WebhookWorkers() {
  stop();
}

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
  // A worker takes what is ready, up to kBatch jobs, and applies them in one transaction: under
  // load one commit serves many webhooks; when idle a batch is a single job.
  constexpr std::size_t kBatch = 256;
  bool queueDown = false;
  while (!stop_) {
    std::vector<WebhookJob> jobs;
    try {
      auto first = queue_.claim(std::chrono::milliseconds(250));
      if (queueDown) spdlog::info("webhook queue is reachable again");
      queueDown = false;
      if (!first) continue;
      jobs.push_back(std::move(*first));
      if (!stop_) {
        for (auto& job : queue_.claim_ready(kBatch - 1)) jobs.push_back(std::move(job));
      }
    } catch (const std::exception& e) {
      if (!queueDown) spdlog::error("webhook queue unavailable: {}", e.what());
      queueDown = true;
      if (jobs.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        continue;
      }
    }

    std::vector<WebhookJob> parsedJobs;
    std::vector<WebhookEvent> events;
    parsedJobs.reserve(jobs.size());
    events.reserve(jobs.size());
    for (auto& job : jobs) {
      try {
        events.push_back(parser_(job.body));
        parsedJobs.push_back(std::move(job));
      } catch (const std::exception& e) {
        spdlog::warn("webhook {} cannot be parsed, moved to the dead-letter list: {}", job.id,
                     e.what());
        try {
          queue_.bury(job, e.what());
        } catch (const std::exception& b) {
          spdlog::error("could not bury webhook {}: {}", job.id, b.what());
        }
      }
    }

    const auto results = processor_.apply_batch(events);
    std::vector<WebhookJob> done;
    done.reserve(parsedJobs.size());
    for (std::size_t i = 0; i < parsedJobs.size(); ++i)
      if (!results[i].error) done.push_back(std::move(parsedJobs[i]));  // not needed below
    try {
      queue_.complete_all(done);
    } catch (const std::exception& q) {
      // The queue is down: the jobs' leases expire and they are claimed again later (their
      // effects are recorded, so applying them again changes nothing).
      spdlog::error("webhook queue: could not complete {} job(s): {}", done.size(), q.what());
    }
    for (std::size_t i = 0; i < parsedJobs.size(); ++i) {
      const auto& job = parsedJobs[i];
      if (!results[i].error) continue;
      try {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(results[i].error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        if (job.attempt >= options_.maxAttempts) {
          spdlog::error("webhook {} ({}) failed {} times, moved to the dead-letter list: {}",
                        job.id, events[i].event, job.attempt, what);
          queue_.bury(job, what);
        } else {
          const auto delay = backoff(job.attempt, options_);
          spdlog::warn("webhook {} ({}) attempt {} failed, retrying in {} ms: {}", job.id,
                       events[i].event, job.attempt, delay.count(), what);
          queue_.retry(job, delay, what);
        }
      } catch (const std::exception& q) {
        // The queue is down too: the job's lease expires and it is claimed again later.
        spdlog::error("webhook {}: could not record the outcome: {}", job.id, q.what());
      }
    }
  }
}

}  // namespace lso::domain
