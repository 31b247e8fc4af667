// Feeds accepted webhooks into the durable queue in batches: a request coroutine hands its job
// over and is resumed once the batch holding it is durably stored. A few batcher threads do the
// writes, so no thread blocks per request and one commit (one fsync) serves a whole batch.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/webhook_queue.hpp"

namespace lso::api {

class WebhookIntake {
 public:
  explicit WebhookIntake(domain::WebhookQueue& queue, int threads = 4, std::size_t maxBatch = 1024);
  ~WebhookIntake();

  // Resumes with true (stored), false (already queued), or throws (queue unavailable → 503).
  template <class CompletionToken = boost::asio::use_awaitable_t<>>
  auto enqueue(std::string id, std::string body, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr, bool)>(
        // Both strings are moved into the waiter below; clang-tidy 14 does not see a move inside a
        // generic lambda.
        // NOLINTNEXTLINE(performance-unnecessary-value-param)
        [this](auto handler, std::string id, std::string body) {
          using H = decltype(handler);
          struct Waiter final : Pending {
            explicit Waiter(H h) : handler(std::move(h)) {}
            void complete(std::exception_ptr e, bool stored) override {
              auto ex = boost::asio::get_associated_executor(handler);
              boost::asio::post(
                  ex, [h = std::move(handler), e, stored]() mutable { std::move(h)(e, stored); });
            }
            H handler;
          };
          auto w = std::make_unique<Waiter>(std::move(handler));
          w->id = std::move(id);
          w->body = std::move(body);
          submit(std::move(w));
        },
        token, std::move(id), std::move(body));
  }

  void stop();

 private:
  struct Pending {
    virtual ~Pending() = default;
    virtual void complete(std::exception_ptr error, bool stored) = 0;
    std::string id;
    std::string body;
  };
  void submit(std::unique_ptr<Pending> p);
  void run();

  domain::WebhookQueue& queue_;
  std::size_t maxBatch_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Pending>> pending_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace lso::api
