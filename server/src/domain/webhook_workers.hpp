// The webhook workers (SPEC §6): WEBHOOK_QUEUE_CONCURRENCY threads that claim jobs, parse and
// apply them, and complete, retry (exponential backoff) or bury them. A body that cannot be
// parsed is buried at once: no retry can fix it.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/webhook_processor.hpp"
#include "domain/webhook_queue.hpp"

namespace lso::domain {

class WebhookWorkers {
 public:
  using Parser = std::function<WebhookEvent(std::string_view body)>;
  struct Options {
    int concurrency = 10;
    int maxAttempts = 5;
    std::chrono::milliseconds backoffBase{1000};
    std::chrono::milliseconds backoffMax{30000};
  };
  WebhookWorkers(WebhookQueue& queue, WebhookProcessor& processor, Parser parser, Options options);
  ~WebhookWorkers();
  // Stops claiming; jobs in hand finish; unclaimed jobs stay queued for another instance.
  void stop();

  // Delay before attempt `attempt + 1`: base · 2^(attempt-1), capped.
  static std::chrono::milliseconds backoff(int attempt, const Options& options);

 private:
  void run();

  WebhookQueue& queue_;
  WebhookProcessor& processor_;
  Parser parser_;
  Options options_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace lso::domain
