// WebhookIntake on the fake queue: each request learns whether its job was stored, was already
// queued, or could not be stored; requests arriving while a batch is written share the next
// one; after stop() nothing is accepted.
#include "api/webhook_intake.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "domain/errors.hpp"
#include "fakes/fake_webhook_queue.hpp"

namespace lso::api {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

struct Outcome {
  bool done = false;
  bool stored = false;
  std::exception_ptr error;
};

class WebhookIntakeTest : public ::testing::Test {
 protected:
  // Hands the job over; the outcome arrives on `io`.
  void enqueue(WebhookIntake& intake, const std::string& id, Outcome& out) {
    intake.enqueue(id, "{}", asio::bind_executor(io, [&out](std::exception_ptr e, bool stored) {
                     out = {true, stored, e};
                   }));
  }
  // Runs the completions until `done` holds, at most 5 s.
  template <class Pred>
  bool run_until(Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io.restart();
      io.run_for(1ms);
    }
    return true;
  }

  asio::io_context io;
  fakes::FakeWebhookQueue queue;
};

TEST_F(WebhookIntakeTest, AnswersStoredThenAlreadyQueued) {
  WebhookIntake intake(queue, 1);
  Outcome first, again;
  enqueue(intake, "EV_1", first);
  ASSERT_TRUE(run_until([&] { return first.done; }));
  enqueue(intake, "EV_1", again);
  ASSERT_TRUE(run_until([&] { return again.done; }));
  EXPECT_TRUE(first.stored);
  EXPECT_FALSE(first.error);
  EXPECT_FALSE(again.stored);
  EXPECT_FALSE(again.error);
  EXPECT_EQ(queue.waiting(), 1u);
}

TEST_F(WebhookIntakeTest, AQueueThatCannotStoreFailsTheRequest) {
  WebhookIntake intake(queue, 1);
  queue.enqueueDown = true;
  Outcome out;
  enqueue(intake, "EV_1", out);
  ASSERT_TRUE(run_until([&] { return out.done; }));
  ASSERT_TRUE(out.error);
  try {
    std::rethrow_exception(out.error);
  } catch (const domain::AppError& e) {
    EXPECT_EQ(e.kind(), domain::ErrorKind::Unavailable);
  }
  EXPECT_FALSE(out.stored);
}

TEST_F(WebhookIntakeTest, RequestsArrivingDuringAWriteShareTheNextBatch) {
  // The first write holds until the other requests have been handed over meanwhile.
  constexpr std::size_t kRequests = 50;
  std::mutex m;
  std::condition_variable cv;
  bool writing = false, handedOver = false;
  queue.beforeEnqueueMany = [&] {
    std::unique_lock lock(m);
    if (writing) return;
    writing = true;
    cv.notify_all();
    cv.wait_for(lock, 5s, [&] { return handedOver; });
  };
  WebhookIntake intake(queue, 1);
  std::vector<Outcome> outs(kRequests);
  enqueue(intake, "EV_0", outs[0]);
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return writing; }));
  }
  for (std::size_t i = 1; i < kRequests; ++i) enqueue(intake, "EV_" + std::to_string(i), outs[i]);
  {
    const std::lock_guard lock(m);
    handedOver = true;
  }
  cv.notify_all();
  ASSERT_TRUE(run_until([&] {
    return std::all_of(outs.begin(), outs.end(), [](const Outcome& o) { return o.done; });
  }));
  for (const auto& o : outs) EXPECT_TRUE(o.stored);
  intake.stop();
  EXPECT_EQ(queue.batches, (std::vector<std::size_t>{1, kRequests - 1}));
}

TEST_F(WebhookIntakeTest, AfterStopNothingIsAccepted) {
  WebhookIntake intake(queue, 2);
  intake.stop();
  Outcome out;
  enqueue(intake, "EV_1", out);
  ASSERT_TRUE(run_until([&] { return out.done; }));
  EXPECT_TRUE(out.error);
  EXPECT_EQ(queue.waiting(), 0u);
}

}  // namespace
}  // namespace lso::api
