// GroupCommit: every request lands in exactly one batch, callers return only once their batch
// is committed, one batch at a time, batches bounded, a failure reaches every caller of its
// batch and no other, and concurrent callers share commits.
#include "util/group_commit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace lso::util {
namespace {

struct Request {
  int id = 0;
  bool bad = false;        // its batch fails
  bool committed = false;  // set by the commit
};

TEST(GroupCommit, AloneACallerCommitsItsOwnBatchOfOne) {
  GroupCommit<Request> group;
  Request r{1, false, false};
  std::vector<std::size_t> sizes;
  group.submit(r, [&](std::vector<Request*>& batch) {
    sizes.push_back(batch.size());
    for (auto* q : batch) q->committed = true;
  });
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(sizes, std::vector<std::size_t>{1});
}

TEST(GroupCommit, AFailedCommitIsRethrownToItsCaller) {
  GroupCommit<Request> group;
  Request r{1, false, false};
  EXPECT_THROW(group.submit(r, [](std::vector<Request*>&) { throw std::runtime_error("x"); }),
               std::runtime_error);
  // The group goes on after a failure.
  group.submit(r, [](std::vector<Request*>& batch) { batch.front()->committed = true; });
  EXPECT_TRUE(r.committed);
}

TEST(GroupCommit, ConcurrentCallersShareCommitsAndEveryRequestIsInExactlyOneBatch) {
  constexpr int kThreads = 8, kEach = 200;
  constexpr std::size_t kMaxBatch = 5;
  GroupCommit<Request> group(kMaxBatch);
  std::mutex m;
  std::multiset<int> seen;        // every request id a commit was given
  std::set<int> inFailedBatches;  // ids of requests whose batch threw
  std::atomic<int> commits{0}, writing{0}, overlaps{0}, oversized{0};
  auto commit = [&](std::vector<Request*>& batch) {
    if (++writing > 1) ++overlaps;
    ++commits;
    if (batch.size() > kMaxBatch) ++oversized;
    bool fail = false;
    {
      const std::lock_guard lock(m);
      for (auto* r : batch) {
        seen.insert(r->id);
        fail = fail || r->bad;
      }
      if (fail)
        for (auto* r : batch) inFailedBatches.insert(r->id);
    }
    // A commit costs time (an fsync): callers arriving meanwhile queue for the next batch.
    for (int i = 0; i < 50; ++i) std::this_thread::yield();
    if (!fail)
      for (auto* r : batch) r->committed = true;
    --writing;
    if (fail) throw std::runtime_error("batch failed");
  };
  std::atomic<int> notCommittedOnReturn{0};
  std::set<int> threw;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Request r{t * kEach + i, i % 50 == 7, false};
        try {
          group.submit(r, commit);
          if (!r.committed) ++notCommittedOnReturn;
        } catch (const std::runtime_error&) {
          const std::lock_guard lock(m);
          threw.insert(r.id);
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kEach));
  for (int id = 0; id < kThreads * kEach; ++id) ASSERT_EQ(seen.count(id), 1u) << id;
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(oversized.load(), 0);
  EXPECT_EQ(notCommittedOnReturn.load(), 0);
  EXPECT_EQ(threw, inFailedBatches);            // a failure reaches its whole batch, and only it
  EXPECT_LT(commits.load(), kThreads * kEach);  // callers shared commits
}

}  // namespace
}  // namespace lso::util
