// The spool in front of a queue: while the queue refuses (Unavailable) every webhook is still
// accepted, durably, and reaches the queue once it is back; a restart forwards what the previous
// run spooled; a full spool is a 503, and a refusal of the webhook itself is not spooled.
#include "spool/spooled_webhook_queue.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "domain/errors.hpp"

namespace lso::spool {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// An in-memory queue whose backend can be taken away: enqueues throw AppError(Unavailable)
// while `down`, as the Redis and PostgreSQL queues do when their server is unreachable.
class SwitchableQueue final : public domain::WebhookQueue {
 public:
  std::atomic<bool> down{false};
  std::atomic<bool> refuseAsInvalid{false};
  std::atomic<int> refused{0};  // writes refused while down

  std::string_view backend() const override { return "test"; }
  bool enqueue(std::string_view id, std::string_view body) override {
    domain::EnqueueItem item{id, body, false, nullptr};
    enqueue_many(std::span<domain::EnqueueItem>(&item, 1));
    return item.stored;
  }
  void enqueue_many(std::span<domain::EnqueueItem> items) override {
    if (down) {
      ++refused;
      throw domain::AppError(domain::ErrorKind::Unavailable, "test queue: down");
    }
    if (refuseAsInvalid) throw domain::AppError(domain::ErrorKind::Validation, "test: refused");
    std::lock_guard lock(mutex);
    for (auto& item : items) {
      ++deliveries[std::string(item.id)];
      item.stored = jobs.emplace(item.id, item.body).second;
    }
  }
  std::map<std::string, std::string> snapshot() {
    std::lock_guard lock(mutex);
    return jobs;
  }
  int delivered(const std::string& id) {
    std::lock_guard lock(mutex);
    return deliveries[id];
  }

  std::optional<domain::WebhookJob> claim(std::chrono::milliseconds) override { return {}; }
  void complete(const domain::WebhookJob&) override {}
  void renew(std::span<const domain::WebhookJob>) override {}
  void release(std::span<const domain::WebhookJob>) override {}
  void retry(const domain::WebhookJob&, std::chrono::milliseconds, std::string_view) override {}
  void bury(const domain::WebhookJob&, std::string_view) override {}
  std::vector<domain::DeadJob> list_dead(std::size_t, std::optional<std::string_view>) override {
    return {};
  }
  std::optional<domain::DeadJob> find_dead(std::string_view) override { return {}; }
  bool replay_dead(std::string_view) override { return false; }
  bool drop_dead(std::string_view) override { return false; }
  domain::QueueCounts counts() override { return {}; }
  void close() override { closed = true; }

  std::atomic<bool> closed{false};
  std::mutex mutex;
  std::map<std::string, std::string> jobs;
  std::map<std::string, int> deliveries;
};

class SpooledQueue : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lso-spooled-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { fs::remove_all(dir); }

  // The queue under test and a handle on its backend (owned by it).
  std::unique_ptr<SpooledWebhookQueue> open(SwitchableQueue*& backend,
                                            std::uint64_t maxBytes = 1 << 20) {
    auto q = std::make_unique<SwitchableQueue>();
    backend = q.get();
    SpoolOptions o;
    o.directory = dir;
    o.instance = "test";
    o.maxBytes = maxBytes;
    SpooledWebhookQueue::Options options;
    options.retry = 20ms;
    options.maxRetry = 50ms;
    options.forwardBatch = 7;  // several batches per segment
    return std::make_unique<SpooledWebhookQueue>(std::move(q), o, options);
  }

  template <class Pred>
  static bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
    for (const auto end = std::chrono::steady_clock::now() + limit;
         std::chrono::steady_clock::now() < end; std::this_thread::sleep_for(5ms))
      if (pred()) return true;
    return pred();
  }

  fs::path dir;
};

std::vector<domain::EnqueueItem> batch(int from, int to, std::vector<std::string>& keep) {
  std::vector<domain::EnqueueItem> out;
  for (int i = from; i < to; ++i) keep.push_back("EV_" + std::to_string(i));
  for (int i = from; i < to; ++i)
    out.push_back(
        {keep[static_cast<std::size_t>(i)], keep[static_cast<std::size_t>(i)], false, nullptr});
  return out;
}

TEST_F(SpooledQueue, AReachableQueueGetsEverythingDirectly) {
  SwitchableQueue* backend = nullptr;
  auto queue = open(backend);
  EXPECT_TRUE(queue->enqueue("EV_1", "b1"));
  EXPECT_FALSE(queue->enqueue("EV_1", "b1")) << "the queue's own duplicate answer";
  EXPECT_FALSE(queue->spooling());
  EXPECT_EQ(queue->spooled_total(), 0u);
  EXPECT_EQ(backend->snapshot().size(), 1u);
}

TEST_F(SpooledQueue, AnOutageIsSpooledAndForwardedWhenTheQueueIsBack) {
  SwitchableQueue* backend = nullptr;
  auto queue = open(backend);
  std::vector<std::string> keep;
  keep.reserve(100);
  auto before = batch(0, 10, keep);
  queue->enqueue_many(before);
  backend->down = true;
  for (int b = 1; b < 10; ++b) {
    auto items = batch(b * 10, b * 10 + 10, keep);
    ASSERT_NO_THROW(queue->enqueue_many(items));
    for (const auto& item : items) {
      EXPECT_TRUE(item.stored);
      EXPECT_FALSE(item.error);
    }
  }
  EXPECT_TRUE(queue->spooling());
  EXPECT_EQ(queue->spooled_now(), 90);
  EXPECT_EQ(queue->spooled_total(), 90u);
  // The forwarder probes and backs off meanwhile, forwarding nothing.
  const int refusedBefore = backend->refused;
  ASSERT_TRUE(eventually([&] { return backend->refused >= refusedBefore + 2; }));
  EXPECT_EQ(backend->snapshot().size(), 10u);

  backend->down = false;
  ASSERT_TRUE(eventually([&] { return !queue->spooling() && queue->spooled_now() == 0; }));
  const auto jobs = backend->snapshot();
  ASSERT_EQ(jobs.size(), 100u);
  for (const auto& id : keep) {
    ASSERT_TRUE(jobs.count(id)) << id;
    EXPECT_EQ(jobs.at(id), id);
  }
  EXPECT_EQ(queue->forwarded_total(), 90u);
  EXPECT_TRUE(fs::is_empty(dir)) << "forwarded segments are deleted";

  auto after = batch(100, 101, keep);
  queue->enqueue_many(after);
  EXPECT_EQ(backend->snapshot().size(), 101u) << "straight to the queue again";
}

TEST_F(SpooledQueue, ARestartForwardsWhatThePreviousRunSpooled) {
  std::vector<std::string> keep;
  keep.reserve(20);
  {
    SwitchableQueue* backend = nullptr;
    auto queue = open(backend);
    backend->down = true;
    auto items = batch(0, 20, keep);
    queue->enqueue_many(items);
    EXPECT_EQ(queue->spooled_now(), 20);
    queue->close();  // the process ends with the queue still down
    EXPECT_TRUE(backend->closed);
  }
  SwitchableQueue* backend = nullptr;
  auto queue = open(backend);
  EXPECT_EQ(queue->spooled_now(), 20) << "counted at start";
  ASSERT_TRUE(eventually([&] { return backend->snapshot().size() == 20; }));
  ASSERT_TRUE(eventually([&] { return queue->spooled_now() == 0; }));
  for (const auto& id : keep) EXPECT_EQ(backend->delivered(id), 1) << id;
}

TEST_F(SpooledQueue, AFullSpoolIsUnavailableSoTheSenderRetries) {
  SwitchableQueue* backend = nullptr;
  auto queue = open(backend, 300);
  backend->down = true;
  std::vector<std::string> keep;
  keep.reserve(20);
  auto fits = batch(0, 5, keep);
  queue->enqueue_many(fits);
  auto more = batch(5, 20, keep);
  try {
    queue->enqueue_many(more);
    FAIL() << "accepted beyond the spool's limit";
  } catch (const domain::AppError& e) {
    EXPECT_EQ(e.kind(), domain::ErrorKind::Unavailable);
  }
  backend->down = false;
  ASSERT_TRUE(eventually([&] { return !queue->spooling(); }));
  EXPECT_EQ(backend->snapshot().size(), 5u) << "what was accepted arrives, nothing else";
}

TEST_F(SpooledQueue, ARefusalOfTheWebhookItselfIsNotSpooled) {
  SwitchableQueue* backend = nullptr;
  auto queue = open(backend);
  backend->refuseAsInvalid = true;
  try {
    queue->enqueue("EV_1", "b");
    FAIL() << "a refusal of the webhook was swallowed";
  } catch (const domain::AppError& e) {
    EXPECT_EQ(e.kind(), domain::ErrorKind::Validation);
  }
  EXPECT_FALSE(queue->spooling());
  EXPECT_EQ(queue->spooled_total(), 0u);
}

TEST_F(SpooledQueue, EnqueuesRacingTheEndOfAnOutageAreAllDelivered) {
  SwitchableQueue* backend = nullptr;
  auto queue = open(backend);
  backend->down = true;
  constexpr int kThreads = 4, kPerThread = 300;
  std::vector<std::vector<std::string>> keep(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      keep[t].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) {
        keep[t].push_back("EV_" + std::to_string(t) + "_" + std::to_string(i));
        domain::EnqueueItem item{keep[t].back(), "b", false, nullptr};
        queue->enqueue_many(std::span<domain::EnqueueItem>(&item, 1));
        if (t == 0 && i == kPerThread / 2) backend->down = false;  // back in the middle
      }
    });
  for (auto& th : threads) th.join();
  ASSERT_TRUE(eventually([&] {
    return !queue->spooling() && queue->spooled_now() == 0 &&
           backend->snapshot().size() == kThreads * kPerThread;
  })) << backend->snapshot().size();
}

}  // namespace
}  // namespace lso::spool
