// The WebhookQueue contract (domain/webhook_queue.hpp), checked against every backend
// in the registry of backends.hpp: order, dedup, leases and takeover, retries, dead letters,
// concurrency, shutdown, durability, and the dead-letter list operators act on.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
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
  std::unique_ptr<WebhookQueue> open(std::chrono::milliseconds lease = 30s,
                                     const std::string& instance = {}) {
    return GetParam().make(lease, instance);
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

// Claims like a worker: one job waited for, then the batch filled with what is ready.
std::vector<WebhookJob> claim_batch(WebhookQueue& queue, std::chrono::milliseconds wait,
                                    std::size_t max = 256) {
  std::vector<WebhookJob> jobs;
  auto first = queue.claim(wait);
  if (!first) return jobs;
  jobs.push_back(std::move(*first));
  for (auto& job : queue.claim_ready(max - 1)) jobs.push_back(std::move(job));
  return jobs;
}

// A crashed instance held many claimed jobs: once their lease runs out a survivor takes them
// over batch after batch, as fast as it claims fresh work, not one per look for expired leases.
TEST_P(QueueConformance, DeadConsumersJobsAreTakenOverInBatchesAfterTheLease) {
  constexpr int kJobs = 600;
  constexpr auto kLease = 1s;
  auto crashed = open(kLease);
  auto survivor = open(kLease);
  std::vector<std::string> bodies;
  for (int i = 0; i < kJobs; ++i) bodies.push_back("b" + std::to_string(i));
  std::vector<std::string> ids;
  for (int i = 0; i < kJobs; ++i) ids.push_back("EV_crash" + std::to_string(i));
  std::vector<domain::EnqueueItem> items;
  for (int i = 0; i < kJobs; ++i) items.push_back({ids[i], bodies[i], false, nullptr});
  crashed->enqueue_many(items);
  std::size_t held = 0;
  const auto claimedFrom = Clock::now();  // no lease began before this
  while (held < kJobs) {
    const auto batch = claim_batch(*crashed, 1s);
    ASSERT_FALSE(batch.empty());
    held += batch.size();
  }
  const auto crashedAt = Clock::now();
  // Nothing comes before the lease ran out…
  EXPECT_TRUE(claim_batch(*survivor, 0ms).empty());
  std::set<std::string> taken;
  std::size_t batches = 0;
  Clock::time_point firstAt{};
  while (taken.size() < static_cast<std::size_t>(kJobs) && Clock::now() - crashedAt < 20s) {
    const auto batch = claim_batch(*survivor, 100ms);
    if (batch.empty()) continue;
    if (batches++ == 0) firstAt = Clock::now();
    for (const auto& job : batch) {
      EXPECT_TRUE(taken.insert(job.id).second) << job.id << " taken over twice";
      EXPECT_EQ(job.attempt, 2);
    }
    survivor->complete_all(batch);
  }
  ASSERT_EQ(taken.size(), static_cast<std::size_t>(kJobs));
  EXPECT_GE(firstAt - claimedFrom, kLease);
  // …then everything within a few batches' time: a look per second taking one job would need
  // ten minutes here.
  EXPECT_LT(Clock::now() - firstAt, 3s) << batches << " batches";
  EXPECT_LE(batches, 20u);
  EXPECT_EQ(survivor->counts().active, 0);
  EXPECT_EQ(survivor->counts().waiting, 0);
}

// An instance restarting under its name takes back what its previous run held at once, not
// after the lease (30 s here), and those claims spent no attempt: the crash was not the jobs'.
TEST_P(QueueConformance, RestartedInstanceRetakesItsOwnClaimsAtOnce) {
  constexpr int kJobs = 20;
  {
    auto before = open(30s, "instance-a");
    for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(before->enqueue("EV_own" + std::to_string(i), "b"));
    std::size_t held = 0;
    while (held < kJobs) {
      const auto batch = claim_batch(*before, 1s);
      ASSERT_FALSE(batch.empty());
      held += batch.size();
    }
  }  // "killed" holding every job
  auto other = open(30s, "instance-b");
  EXPECT_TRUE(claim_batch(*other, 0ms).empty());  // another name: still leased
  auto after = open(30s, "instance-a");
  const auto start = Clock::now();
  std::set<std::string> taken;
  while (taken.size() < static_cast<std::size_t>(kJobs) && Clock::now() - start < 5s) {
    const auto batch = claim_batch(*after, 100ms);
    for (const auto& job : batch) {
      taken.insert(job.id);
      EXPECT_EQ(job.attempt, 1) << job.id;
    }
    after->complete_all(batch);
  }
  EXPECT_EQ(taken.size(), static_cast<std::size_t>(kJobs));
  EXPECT_LT(Clock::now() - start, 5s);
}

// A batch taking longer than the lease is not taken over while its worker renews the leases.
TEST_P(QueueConformance, RenewedLeasesKeepASlowBatchFromBeingTakenOver) {
  constexpr auto kLease = 900ms;
  auto slow = open(kLease);
  auto other = open(kLease);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(slow->enqueue("EV_slow" + std::to_string(i), "b"));
  const auto batch = claim_batch(*slow, 1s);
  ASSERT_EQ(batch.size(), 5u);
  // Four leases' time, renewed every third of one: nothing for the other instance.
  const auto until = Clock::now() + 4 * kLease;
  while (Clock::now() < until) {
    slow->renew(batch);
    EXPECT_TRUE(claim_batch(*other, kLease / 3).empty());
  }
  slow->complete_all(batch);
  EXPECT_EQ(other->counts().active, 0);
  EXPECT_EQ(other->counts().waiting, 0);
  EXPECT_EQ(slow->counts().completed, 5);
}

// Renewing is fenced like settling: a stale worker renewing a job taken over from it leaves
// the new claim alone, and an unrenewed batch is taken over after its lease.
TEST_P(QueueConformance, RenewingATakenOverJobLeavesTheNewClaimAlone) {
  auto crashed = open(300ms);
  auto survivor = open(300ms);
  ASSERT_TRUE(crashed->enqueue("EV_stale", "b"));
  const auto first = crashed->claim(1s);
  ASSERT_TRUE(first.has_value());
  const auto second = survivor->claim(5s);  // after the lease ran out
  ASSERT_TRUE(second.has_value());
  crashed->renew(std::vector<WebhookJob>{*first});
  crashed->release(std::vector<WebhookJob>{*first});
  EXPECT_FALSE(survivor->claim(0ms).has_value());
  EXPECT_EQ(survivor->counts().active, 1);
  survivor->complete(*second);
  EXPECT_EQ(survivor->counts().completed, 1);
}

// Released jobs (the store was unreachable) are claimable at once with the attempt they had.
TEST_P(QueueConformance, ReleasedJobsComeBackAtOnceWithoutSpendingAnAttempt) {
  auto queue = open(30s);
  auto other = open(30s);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(queue->enqueue("EV_rel" + std::to_string(i), "b"));
  const auto batch = claim_batch(*queue, 1s);
  ASSERT_EQ(batch.size(), 3u);
  queue->release(batch);
  std::set<std::string> again;
  const auto start = Clock::now();
  while (again.size() < 3 && Clock::now() - start < 5s) {
    for (const auto& job : claim_batch(*other, 100ms)) {
      EXPECT_EQ(job.attempt, 1) << job.id;
      again.insert(job.id);
      other->complete(job);
    }
  }
  EXPECT_EQ(again.size(), 3u);
  EXPECT_LT(Clock::now() - start, 5s);
}

// Enqueues, claims and buries one job; `attempts` claims in all (retried in between).
void bury_job(WebhookQueue& queue, const std::string& id, const std::string& body,
              const std::string& error, int attempts = 1) {
  ASSERT_TRUE(queue.enqueue(id, body));
  for (int attempt = 1;; ++attempt) {
    const auto job = queue.claim(5s);
    ASSERT_TRUE(job.has_value());
    ASSERT_EQ(job->id, id);
    ASSERT_EQ(job->attempt, attempt);
    if (attempt == attempts) {
      queue.bury(*job, error);
      return;
    }
    queue.retry(*job, 0ms, "again");
  }
}

// The ids of every dead letter, oldest first.
std::vector<std::string> dead_ids(WebhookQueue& queue) {
  std::vector<std::string> ids;
  for (const auto& dead : queue.list_dead(1000)) ids.push_back(dead.id);
  return ids;
}

TEST_P(QueueConformance, DeadLettersAreListedInOrderWithoutBodiesAndShownWithThem) {
  auto queue = open();
  const std::string body1 = std::string("{\"x\":\"\xC3\xA9\"}\n") + std::string(1, '\x01');
  const std::string body2 = body_of("EV_d2");
  const auto before = std::chrono::system_clock::now();
  bury_job(*queue, "EV_d1", body1, "permanent failure");
  bury_job(*queue, "EV_d2", body2, "failed twice", 2);
  const auto after = std::chrono::system_clock::now();

  const auto all = queue->list_dead(10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].webhookId, "EV_d1");
  EXPECT_EQ(all[0].attempts, 1);
  EXPECT_EQ(all[0].lastError, "permanent failure");
  EXPECT_EQ(all[0].bodySize, static_cast<std::int64_t>(body1.size()));  // bytes
  EXPECT_TRUE(all[0].body.empty());
  EXPECT_EQ(all[1].webhookId, "EV_d2");
  EXPECT_EQ(all[1].attempts, 2);
  EXPECT_EQ(all[1].lastError, "failed twice");
  EXPECT_NE(all[0].id, all[1].id);
  for (const auto& dead : all) {
    // The database's or Redis's clock: allow for a little skew.
    EXPECT_GE(dead.diedAt, before - 60s);
    EXPECT_LE(dead.diedAt, after + 60s);
  }

  const auto shown = queue->find_dead(all[0].id);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(shown->id, all[0].id);
  EXPECT_EQ(shown->webhookId, "EV_d1");
  EXPECT_EQ(shown->body, body1);  // byte for byte
  EXPECT_EQ(shown->bodySize, static_cast<std::int64_t>(body1.size()));
  EXPECT_EQ(shown->attempts, 1);

  // Pages: after a page's last id comes the rest.
  const auto first = queue->list_dead(1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, all[0].id);
  const auto rest = queue->list_dead(10, first[0].id);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, all[1].id);
  EXPECT_TRUE(queue->list_dead(10, rest[0].id).empty());
  EXPECT_TRUE(queue->list_dead(0).empty());
  // Listing and showing change nothing.
  EXPECT_EQ(queue->counts().dead, 2);
}

TEST_P(QueueConformance, ReplayMovesADeadLetterBackAsAFirstAttempt) {
  auto queue = open();
  const std::string body = body_of("EV_replay");
  bury_job(*queue, "EV_replay", body, "store down", 3);
  const auto dead = queue->list_dead(10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_TRUE(queue->replay_dead(dead[0].id));
  auto counts = queue->counts();
  EXPECT_EQ(counts.dead, 0);
  EXPECT_EQ(counts.waiting, 1);
  EXPECT_FALSE(queue->find_dead(dead[0].id).has_value());
  EXPECT_FALSE(queue->enqueue("EV_replay", body));  // queued again: LiveKit's copy is a duplicate
  const auto job = queue->claim(5s);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, "EV_replay");
  EXPECT_EQ(job->body, body);
  EXPECT_EQ(job->attempt, 1);  // a fresh start, not attempt 4
  queue->complete(*job);
  counts = queue->counts();
  EXPECT_EQ(counts.waiting, 0);
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.dead, 0);
}

TEST_P(QueueConformance, ReplayingTwiceLeavesOneJob) {
  auto queue = open();
  bury_job(*queue, "EV_twice", "b", "failed");
  const auto id = dead_ids(*queue).at(0);
  EXPECT_TRUE(queue->replay_dead(id));
  EXPECT_FALSE(queue->replay_dead(id));  // already replayed
  EXPECT_EQ(queue->counts().waiting, 1);
  const auto job = queue->claim(5s);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, "EV_twice");
  EXPECT_TRUE(queue->claim_ready(10).empty());
  queue->complete(*job);
  EXPECT_EQ(queue->counts().waiting, 0);
}

TEST_P(QueueConformance, ConcurrentReplaysOnTwoInstancesLeaveOneJobEach) {
  constexpr int kJobs = 20;
  std::vector<std::unique_ptr<WebhookQueue>> queues;
  queues.push_back(open());
  queues.push_back(open());
  for (int i = 0; i < kJobs; ++i) bury_job(*queues[0], "EV_race" + std::to_string(i), "b", "x");
  const auto ids = dead_ids(*queues[1]);
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kJobs));
  std::atomic<int> replayed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto& queue = *queues[static_cast<std::size_t>(t % 2)];
      for (const auto& id : ids)
        if (queue.replay_dead(id)) ++replayed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(replayed.load(), kJobs);  // each dead letter replayed by exactly one call
  const auto counts = queues[0]->counts();
  EXPECT_EQ(counts.dead, 0);
  EXPECT_EQ(counts.waiting, kJobs);
  // One instance claims them all (an instance may lease jobs ahead of its own claims).
  std::map<std::string, int> seen;
  for (int i = 0; i < kJobs; ++i) {
    const auto job = queues[0]->claim(5s);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->attempt, 1);
    ++seen[job->id];
    queues[0]->complete(*job);
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kJobs));
  EXPECT_FALSE(queues[0]->claim(100ms).has_value());
}

TEST_P(QueueConformance, ReplayOfAnIdQueuedAgainOnlyRemovesTheDeadLetter) {
  auto queue = open();
  bury_job(*queue, "EV_again", "b", "failed");
  ASSERT_TRUE(queue->enqueue("EV_again", "b"));  // LiveKit delivered it once more meanwhile
  EXPECT_TRUE(queue->replay_dead(dead_ids(*queue).at(0)));
  const auto counts = queue->counts();
  EXPECT_EQ(counts.dead, 0);
  EXPECT_EQ(counts.waiting, 1);  // the queued job does the work; no second one
}

TEST_P(QueueConformance, ReplayWakesAWaitingClaim) {
  auto queue = open();
  bury_job(*queue, "EV_wake_dead", "b", "failed");
  const auto id = dead_ids(*queue).at(0);
  std::optional<WebhookJob> job;
  Clock::duration waited{};
  std::thread worker([&] {
    const auto start = Clock::now();
    job = queue->claim(10s);
    waited = Clock::now() - start;
  });
  std::this_thread::sleep_for(150ms);
  ASSERT_TRUE(queue->replay_dead(id));
  worker.join();
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, "EV_wake_dead");
  EXPECT_EQ(job->attempt, 1);
  EXPECT_LT(waited, 2s);
}

TEST_P(QueueConformance, ReplayAllReplaysEveryDeadLetterOnce) {
  auto queue = open();
  for (const char* id : {"EV_all1", "EV_all2", "EV_all3"}) bury_job(*queue, id, "b", "failed");
  EXPECT_EQ(queue->replay_all_dead(), 3u);
  EXPECT_EQ(queue->replay_all_dead(), 0u);
  auto counts = queue->counts();
  EXPECT_EQ(counts.dead, 0);
  EXPECT_EQ(counts.waiting, 3);
  for (const char* expected : {"EV_all1", "EV_all2", "EV_all3"}) {
    const auto job = queue->claim(5s);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->id, expected);  // in the order they were buried
    EXPECT_EQ(job->attempt, 1);
    queue->complete(*job);
  }
}

TEST_P(QueueConformance, DropDeletesADeadLetter) {
  auto queue = open();
  bury_job(*queue, "EV_drop", "b", "failed");
  bury_job(*queue, "EV_keep", "b", "failed");
  const auto ids = dead_ids(*queue);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_TRUE(queue->drop_dead(ids[0]));
  EXPECT_FALSE(queue->drop_dead(ids[0]));
  EXPECT_FALSE(queue->find_dead(ids[0]).has_value());
  EXPECT_FALSE(queue->replay_dead(ids[0]));
  EXPECT_EQ(dead_ids(*queue), std::vector<std::string>{ids[1]});
  const auto counts = queue->counts();
  EXPECT_EQ(counts.dead, 1);
  EXPECT_EQ(counts.waiting, 0);
  EXPECT_FALSE(queue->claim(100ms).has_value());
}

TEST_P(QueueConformance, UnknownIdsNameNoDeadLetter) {
  auto queue = open();
  bury_job(*queue, "EV_known", "b", "failed");
  // Well-formed ids of no dead letter on one backend or the other, and ids of no form at all.
  for (const char* id : {"999999", "999999-0", "0", "-1", "", "nope", "1-x", "EV_known"}) {
    EXPECT_FALSE(queue->find_dead(id).has_value()) << id;
    EXPECT_FALSE(queue->replay_dead(id)) << id;
    EXPECT_FALSE(queue->drop_dead(id)) << id;
  }
  EXPECT_TRUE(queue->list_dead(10, std::string_view("nope")).empty());
  const auto counts = queue->counts();
  EXPECT_EQ(counts.dead, 1);
  EXPECT_EQ(counts.waiting, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueConformance, testing::ValuesIn(queue_backends()),
                         [](const testing::TestParamInfo<QueueBackend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace lso::test
