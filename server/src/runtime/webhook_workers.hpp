// The webhook workers: WEBHOOK_QUEUE_CONCURRENCY threads that claim jobs, parse and apply them,
// and complete, retry or bury them by the rules of domain/webhook_retry.hpp; a renewer thread
// keeps the leases of the jobs in hand. An unreachable store or queue pauses the workers (keeping
// the jobs they hold, their leases renewed) and they resume by themselves.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/outage.hpp"
#include "domain/webhook_processor.hpp"
#include "domain/webhook_queue.hpp"
#include "domain/webhook_retry.hpp"

namespace lso::runtime {

using domain::Outage;
using domain::WebhookEvent;
using domain::WebhookJob;
using domain::WebhookProcessor;
using domain::WebhookQueue;

class WebhookWorkers {
 public:
  using Parser = std::function<WebhookEvent(std::string_view body)>;
  // Applies a batch (WebhookProcessor::apply_batch): one result per event.
  using Applier =
      std::function<std::vector<WebhookProcessor::Result>(const std::vector<WebhookEvent>&)>;
  struct Options {
    int concurrency = 10;
    int maxAttempts = 5;
    std::chrono::milliseconds backoffBase{1000};
    std::chrono::milliseconds backoffMax{30000};
    // How often the leases of jobs in hand are renewed: a fraction of the queue's lease (a third
    // leaves two renewals' worth of slack before a job could be taken over).
    std::chrono::milliseconds renewEvery{10000};
    // While the store or queue is unreachable: the first wait before trying again, doubled up to
    // the second.
    std::chrono::milliseconds pauseFirst{250};
    std::chrono::milliseconds pauseMax{5000};
  };
  WebhookWorkers(WebhookQueue& queue, Applier apply, Parser parser, Options options);
  ~WebhookWorkers();
  // Stops claiming; jobs in hand finish (or, during an outage, are given back); unclaimed jobs
  // stay queued for another instance.
  void stop();

  // The retry rules these options give (maxAttempts, backoff).
  static domain::RetryPolicy retry_policy(const Options& options) {
    return {options.maxAttempts, options.backoffBase, options.backoffMax};
  }

  // The pause, for /health and /metrics.
  const Outage& database() const { return database_; }
  const Outage& queue() const { return queueOutage_; }
  bool paused() const { return database_.down() || queueOutage_.down(); }

 private:
  void run(std::size_t slot);
  // Applies the jobs; returns those the store could not be reached for (kept, tried again).
  std::vector<WebhookJob> work(std::vector<WebhookJob> jobs);
  // Runs a queue operation until it succeeds or the workers stop (the queue being unreachable
  // pauses the worker); false when stopped first. Other errors are logged and given up.
  template <class Fn>
  bool on_queue(std::string_view what, Fn&& fn);
  // Sleeps `d` unless stop() comes first (or, with untilDatabaseBack, the database is found
  // back); false when stopped.
  bool pause_for(std::chrono::milliseconds d, bool untilDatabaseBack = false);
  // Waits while the database is known unreachable and this worker holds nothing (the workers
  // holding jobs probe it); false when stopped.
  bool wait_for_database();
  // The jobs a worker holds, for the renewer (bodies left out).
  void hold(std::size_t slot, const std::vector<WebhookJob>& jobs);
  void renew_leases();

  WebhookQueue& queue_;
  Applier apply_;
  Parser parser_;
  Options options_;
  Outage database_{"database", "webhook workers paused"};
  Outage queueOutage_{"webhook queue", "webhook workers paused"};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;  // guards held_; with wake_, the stop and database-back signal
  std::condition_variable wake_;
  std::vector<std::vector<WebhookJob>> held_;  // per worker
  std::vector<std::thread> threads_;
  std::thread renewer_;
};

}  // namespace lso::runtime
