// The WebhookQueue contract (domain/webhook_queue.hpp, SPEC §6), checked against every backend
// in the registry of backends.hpp: order, dedup, leases and takeover, retries, dead letters,
// concurrency, shutdown and durability.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "backends.hpp"
#include "domain/webhook_queue.hpp"

namespace lso::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using domain::WebhookJob;
using domain::WebhookQueue;

class QueueConformance : public testing::TestWithParam<QueueBackend> {
 protected:
  void SetUp() override {
    const auto& backend = GetParam();
    if (const auto why = backend.unavailable(); !why.empty()) {
      if (backend.required()) {
        FAIL() << backend.name << " is required but unavailable: " << why;
      }
      GTEST_SKIP() << backend.name << " skipped: " << why;
    }
    backend.reset();
  }
  std::unique_ptr<WebhookQueue> open(std::chrono::milliseconds lease = 30s) {
    return GetParam().make(lease);
  }
};

std::string body_of(const std::string& id) {
  return R"({"event":"room_started","id":")" + id + "\"}";
}

TEST_P(QueueConformance, EnqueueClaimComplete) {
  auto queue = open();
  const std::string body = std::string("{\"x\":\"\xC3\xA9\"}\n") + std::string(1, '\x01');
  ASSERT_TRUE(queue->enqueue("EV_1", body));
  const auto job = queue->claim(1s);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, "EV_1");
  EXPECT_EQ(job->body, body);  // byte for byte
  EXPECT_EQ(job->attempt, 1);
  EXPECT_FALSE(job->receipt.empty());
  queue->complete(*job);
  EXPECT_FALSE(queue->claim(0ms).has_value());
  const auto counts = queue->counts();
  EXPECT_EQ(counts.waiting, 0);
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.completed, 1);
}

TEST_P(QueueConformance, DuplicateIdWhileQueuedIsNotStoredTwice) {
  auto queue = open();
  EXPECT_TRUE(queue->enqueue("EV_dup", body_of("EV_dup")));
  EXPECT_FALSE(queue->enqueue("EV_dup", body_of("EV_dup")));
  const auto job = queue->claim(1s);
  ASSERT_TRUE(job.has_value());
  EXPECT_FALSE(queue->enqueue("EV_dup", body_of("EV_dup")));  // claimed is still queued
  EXPECT_FALSE(queue->claim(50ms).has_value());
  queue->complete(*job);
  EXPECT_EQ(queue->counts().waiting, 0);
}

TEST_P(QueueConformance, EnqueueManyStoresABatchInOrderAndReportsDuplicates) {
  auto queue = open();
  ASSERT_TRUE(queue->enqueue("EV_b0", body_of("EV_b0")));
  const std::string b1 = body_of("EV_b1"), b0 = body_of("EV_b0"), b2 = body_of("EV_b2");
  std::vector<domain::EnqueueItem> items{{"EV_b1", b1, false, nullptr},
                                         {"EV_b0", b0, false, nullptr},
                                         {"EV_b2", b2, false, nullptr},
                                         {"EV_b1", b1, false, nullptr}};
  queue->enqueue_many(items);
  EXPECT_TRUE(items[0].stored);
  EXPECT_FALSE(items[1].stored);  // queued before the batch
  EXPECT_TRUE(items[2].stored);
  EXPECT_FALSE(items[3].stored);  // repeated within the batch
  for (const char* expected : {"EV_b0", "EV_b1", "EV_b2"}) {
    const auto job = queue->claim(1s);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->id, expected);
    EXPECT_EQ(job->body, body_of(expected));
    queue->complete(*job);
  }
  EXPECT_FALSE(queue->claim(0ms).has_value());
}

TEST_P(QueueConformance, ClaimsInFifoOrder) {
  auto queue = open();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(queue->enqueue("EV_" + std::to_string(i), "b"));
  }
  for (int i = 0; i < 20; ++i) {
    const auto job = queue->claim(1s);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->id, "EV_" + std::to_string(i));
    queue->complete(*job);
  }
}

TEST_P(QueueConformance, ClaimTimesOutWhenEmpty) {
  auto queue = open();
  const auto start = Clock::now();
  EXPECT_FALSE(queue->claim(200ms).has_value());
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, 190ms);
  EXPECT_LT(waited, 2s);
}

TEST_P(QueueConformance, WaitingClaimWakesOnEnqueue) {
  auto queue = open();
  std::optional<WebhookJob> job;
  Clock::duration waited{};
  std::thread worker([&] {
    const auto start = Clock::now();
    job = queue->claim(10s);
    waited = Clock::now() - start;
  });
  std::this_thread::sleep_for(150ms);
  ASSERT_TRUE(queue->enqueue("EV_wake", "b"));
  worker.join();
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, "EV_wake");
  EXPECT_LT(waited, 2s);
}

TEST_P(QueueConformance, RetryDelaysAndIncrementsAttempt) {
  auto queue = open();
  ASSERT_TRUE(queue->enqueue("EV_retry", "b"));
  auto job = queue->claim(1s);
  ASSERT_TRUE(job.has_value());
  const auto start = Clock::now();
  queue->retry(*job, 400ms, "transient failure");
  EXPECT_FALSE(queue->claim(0ms).has_value());  // not due yet
  auto counts = queue->counts();
  EXPECT_EQ(counts.waiting, 1);  // waiting includes those waiting for a retry
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.failed, 1);
  EXPECT_FALSE(queue->enqueue("EV_retry", "b"));  // still queued
  job = queue->claim(5s);
  ASSERT_TRUE(job.has_value());
  EXPECT_GE(Clock::now() - start, 350ms);
  EXPECT_EQ(job->id, "EV_retry");
  EXPECT_EQ(job->attempt, 2);
  queue->retry(*job, 0ms, "again");
  job = queue->claim(1s);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->attempt, 3);
  queue->complete(*job);
  counts = queue->counts();
  EXPECT_EQ(counts.failed, 2);
  EXPECT_EQ(counts.completed, 1);
  EXPECT_EQ(counts.waiting, 0);
}

TEST_P(QueueConformance, BuryMovesJobToDeadLetters) {
  auto queue = open();
  ASSERT_TRUE(queue->enqueue("EV_dead", "b"));
  ASSERT_TRUE(queue->enqueue("EV_alive", "b"));
  const auto job = queue->claim(1s);
  ASSERT_TRUE(job.has_value());
  ASSERT_EQ(job->id, "EV_dead");
  queue->bury(*job, "permanent failure");
  const auto counts = queue->counts();
  EXPECT_EQ(counts.dead, 1);
  EXPECT_EQ(counts.waiting, 1);
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.failed, 1);
  const auto next = queue->claim(1s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->id, "EV_alive");
  // A buried id is no longer queued: LiveKit may deliver it again.
  EXPECT_TRUE(queue->enqueue("EV_dead", "b"));
}

TEST_P(QueueConformance, ExpiredLeaseIsTakenOverAndStaleCallsAreIgnored) {
  auto crashed = open(300ms);  // the instance that claims, then stops answering
  auto survivor = open(300ms);
  ASSERT_TRUE(crashed->enqueue("EV_lease", "b"));
  const auto first = crashed->claim(1s);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->attempt, 1);
  EXPECT_FALSE(survivor->claim(0ms).has_value());  // leased
  EXPECT_EQ(survivor->counts().active, 1);
  const auto second = survivor->claim(5s);  // after the lease ran out
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->id, "EV_lease");
  EXPECT_EQ(second->attempt, 2);
  // The stale worker wakes up late: its calls must not touch the new claim.
  crashed->complete(*first);
  crashed->retry(*first, 0ms, "late");
  crashed->bury(*first, "late");
  auto counts = survivor->counts();
  EXPECT_EQ(counts.active, 1);
  EXPECT_EQ(counts.dead, 0);
  EXPECT_FALSE(survivor->claim(0ms).has_value());
  survivor->complete(*second);
  counts = survivor->counts();
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.waiting, 0);
  EXPECT_EQ(counts.completed, 1);
}

TEST_P(QueueConformance, ClaimReadyFillsABatchAndCompleteAllSettlesIt) {
  auto queue = open();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(queue->enqueue("EV_b" + std::to_string(i), "b"));
  auto first = queue->claim(1s);
  ASSERT_TRUE(first.has_value());
  auto more = queue->claim_ready(3);  // no more than asked
  ASSERT_EQ(more.size(), 3u);
  std::vector<std::string> ids{first->id};
  for (const auto& job : more) {
    ids.push_back(job.id);
    EXPECT_EQ(job.attempt, 1);
    EXPECT_FALSE(job.receipt.empty());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"EV_b0", "EV_b1", "EV_b2", "EV_b3"}));  // FIFO
  EXPECT_EQ(queue->counts().active, 4);
  more.insert(more.begin(), *first);
  queue->complete_all(more);
  auto counts = queue->counts();
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.waiting, 2);
  EXPECT_EQ(counts.completed, 4);
  const auto rest = queue->claim_ready(10);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_TRUE(queue->claim_ready(10).empty());
  queue->complete_all(rest);
  queue->complete_all({});
  EXPECT_EQ(queue->counts().completed, 6);
  EXPECT_EQ(queue->counts().waiting, 0);
}

TEST_P(QueueConformance, CompleteAllLeavesATakenOverJobToItsNewOwner) {
  auto crashed = open(300ms);
  auto survivor = open(300ms);
  ASSERT_TRUE(crashed->enqueue("EV_t1", "b"));
  ASSERT_TRUE(crashed->enqueue("EV_t2", "b"));
  auto first = crashed->claim(1s);
  ASSERT_TRUE(first.has_value());
  auto second = crashed->claim_ready(1);
  ASSERT_EQ(second.size(), 1u);
  const auto takenOver = survivor->claim(5s);  // after the lease ran out
  ASSERT_TRUE(takenOver.has_value());
  const std::vector<domain::WebhookJob> stale{*first, second.front()};
  crashed->complete_all(stale);  // late: the job the survivor holds must stay its own
  const auto counts = survivor->counts();
  EXPECT_EQ(counts.active, 1);
  survivor->complete(*takenOver);
  EXPECT_EQ(survivor->counts().active, 0);
}

TEST_P(QueueConformance, ConcurrentWorkersCompleteEachJobExactlyOnce) {
  constexpr int kJobs = 2000;
  constexpr int kWorkers = 8;
  constexpr int kProducers = 4;
  // Two instances on the same storage, like two processes (or two replicas) sharing it.
  std::vector<std::unique_ptr<WebhookQueue>> queues;
  queues.push_back(open());
  queues.push_back(open());
  std::mutex mutex;
  std::map<std::string, int> seen;
  std::atomic<int> done{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = p; i < kJobs; i += kProducers) {
        if (!queues[static_cast<std::size_t>(p % 2)]->enqueue("EV_" + std::to_string(i), "b")) {
          failed = true;
        }
      }
    });
  }
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      auto& queue = *queues[static_cast<std::size_t>(w % 2)];
      const auto give_up = Clock::now() + 60s;
      while (done.load() < kJobs && Clock::now() < give_up) {
        const auto job = queue.claim(50ms);
        if (!job) {
          continue;
        }
        {
          const std::lock_guard lock(mutex);
          ++seen[job->id];
        }
        queue.complete(*job);
        ++done;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_FALSE(failed.load()) << "an enqueue of a fresh id returned false";
  EXPECT_EQ(done.load(), kJobs);
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kJobs));
  for (const auto& [id, times] : seen) {
    EXPECT_EQ(times, 1) << id;
  }
  const auto counts = queues[0]->counts();
  EXPECT_EQ(counts.waiting, 0);
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.completed + queues[1]->counts().completed, kJobs);
}

TEST_P(QueueConformance, CountsFollowTheJobs) {
  auto queue = open();
  EXPECT_EQ(queue->counts().waiting, 0);
  for (const char* id : {"EV_a", "EV_b", "EV_c"}) {
    ASSERT_TRUE(queue->enqueue(id, "b"));
  }
  const auto job = queue->claim(1s);
  ASSERT_TRUE(job.has_value());
  auto counts = queue->counts();
  EXPECT_EQ(counts.waiting, 2);
  EXPECT_EQ(counts.active, 1);
  EXPECT_EQ(counts.completed, 0);
  EXPECT_EQ(counts.failed, 0);
  EXPECT_EQ(counts.dead, 0);
  queue->complete(*job);
  counts = queue->counts();
  EXPECT_EQ(counts.waiting, 2);
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.completed, 1);
}

TEST_P(QueueConformance, CloseWakesWaitersAndEndsLaterClaims) {
  auto queue = open();
  std::vector<std::thread> waiters;
  std::atomic<int> returnedEmpty{0};
  const auto start = Clock::now();
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&] {
      if (!queue->claim(30s)) {
        ++returnedEmpty;
      }
    });
  }
  std::this_thread::sleep_for(150ms);
  queue->close();
  for (auto& t : waiters) {
    t.join();
  }
  EXPECT_EQ(returnedEmpty.load(), 3);
  EXPECT_LT(Clock::now() - start, 5s);
  ASSERT_TRUE(queue->enqueue("EV_after_close", "b"));  // the receiver may still be draining
  const auto again = Clock::now();
  EXPECT_FALSE(queue->claim(5s).has_value());
  EXPECT_LT(Clock::now() - again, 1s);
}

TEST_P(QueueConformance, CloseGivesBackJobsNoWorkerReceived) {
  auto closing = open();
  auto other = open();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(closing->enqueue("EV_" + std::to_string(i), "b"));
  }
  const auto first = closing->claim(1s);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->id, "EV_0");
  // An implementation may lease more than it handed out; closing must return those at once,
  // not after their lease (30 s here), and as if they had never been claimed.
  closing->close();
  for (int i = 1; i < 5; ++i) {
    const auto job = other->claim(2s);
    ASSERT_TRUE(job.has_value()) << i;
    EXPECT_EQ(job->id, "EV_" + std::to_string(i));
    EXPECT_EQ(job->attempt, 1);
    other->complete(*job);
  }
  closing->complete(*first);  // a worker may still finish its job after close()
  EXPECT_EQ(other->counts().waiting, 0);
  EXPECT_EQ(other->counts().active, 0);
}

TEST_P(QueueConformance, EnqueuedJobSurvivesReopen) {
  {
    auto queue = open();
    ASSERT_TRUE(queue->enqueue("EV_durable", "body"));
  }
  auto reopened = open();
  EXPECT_FALSE(reopened->enqueue("EV_durable", "body"));
  const auto job = reopened->claim(1s);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, "EV_durable");
  EXPECT_EQ(job->body, "body");
}

TEST_P(QueueConformance, ClaimOfDestroyedInstanceComesBackAfterLease) {
  {
    auto queue = open(300ms);
    ASSERT_TRUE(queue->enqueue("EV_inflight", "b"));
    ASSERT_TRUE(queue->claim(1s).has_value());
  }  // "crashes" with the job claimed
  auto reopened = open(300ms);
  const auto job = reopened->claim(5s);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, "EV_inflight");
  EXPECT_EQ(job->attempt, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueConformance, testing::ValuesIn(queue_backends()),
                         [](const testing::TestParamInfo<QueueBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace lso::test
