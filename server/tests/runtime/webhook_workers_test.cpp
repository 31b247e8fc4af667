// The webhook workers' pause: an unreachable store or queue spends no attempt and
// dead-letters nothing, the workers resume by themselves; a job's own failure is still retried,
// and the leases of jobs in hand are renewed. Also one_line, which folds driver messages.
#include "runtime/webhook_workers.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "domain/errors.hpp"
#include "domain/outage.hpp"

namespace lso::domain {
namespace {

using runtime::WebhookWorkers;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// An in-memory queue recording what the workers do with each job.
class RecordingQueue final : public WebhookQueue {
 public:
  std::string_view backend() const override { return "memory"; }
  bool enqueue(std::string_view id, std::string_view body) override {
    const std::lock_guard lock(mutex_);
    waiting_.push_back(WebhookJob{std::string(id), std::string(body), 1, std::string(id)});
    changed_.notify_all();
    return true;
  }
  std::optional<WebhookJob> claim(std::chrono::milliseconds wait) override {
    std::unique_lock lock(mutex_);
    if (claimsDown) throw AppError(ErrorKind::Unavailable, "queue down");
    changed_.wait_for(lock, wait, [this] { return !waiting_.empty() || closed_; });
    if (waiting_.empty()) return std::nullopt;
    auto job = std::move(waiting_.front());
    waiting_.pop_front();
    ++claims;
    return job;
  }
  std::vector<WebhookJob> claim_ready(std::size_t) override { return {}; }
  void complete(const WebhookJob& job) override {
    const std::lock_guard lock(mutex_);
    completed.push_back(job.id);
    changed_.notify_all();
  }
  void renew(std::span<const WebhookJob> jobs) override {
    const std::lock_guard lock(mutex_);
    renewed += jobs.size();
  }
  void release(std::span<const WebhookJob> jobs) override {
    const std::lock_guard lock(mutex_);
    for (const auto& job : jobs) waiting_.push_back(job);
  }
  void retry(const WebhookJob& job, std::chrono::milliseconds, std::string_view) override {
    const std::lock_guard lock(mutex_);
    retried.push_back(job.id);
    auto again = job;
    ++again.attempt;
    waiting_.push_back(std::move(again));
    changed_.notify_all();
  }
  void bury(const WebhookJob& job, std::string_view) override {
    const std::lock_guard lock(mutex_);
    buried.push_back(job.id);
    changed_.notify_all();
  }
  std::vector<DeadJob> list_dead(std::size_t, std::optional<std::string_view>) override {
    return {};
  }
  std::optional<DeadJob> find_dead(std::string_view) override { return std::nullopt; }
  bool replay_dead(std::string_view) override { return false; }
  bool drop_dead(std::string_view) override { return false; }
  QueueCounts counts() override { return {}; }
  void close() override {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  // Waits until `done` holds (checked under the queue's lock, at each change of the queue and
  // every millisecond for conditions outside it), at most `limit`.
  template <class Pred>
  bool wait_until(Pred done, std::chrono::milliseconds limit = 10s) {
    const auto deadline = Clock::now() + limit;
    std::unique_lock lock(mutex_);
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      changed_.wait_for(lock, 1ms);
    }
    return true;
  }

  std::atomic<bool> claimsDown{false};
  std::vector<std::string> completed, retried, buried;
  std::size_t renewed = 0;
  int claims = 0;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<WebhookJob> waiting_;
  bool closed_ = false;
};

WebhookEvent parse(std::string_view body) {
  WebhookEvent e;
  e.id = std::string(body);
  e.event = "room_started";
  return e;
}

// A store that is unreachable while `down` is set; records what it applied.
struct FakeStore {
  std::atomic<bool> down{false};
  std::atomic<int> calls{0};
  std::set<std::string> failing;  // events whose own application fails (not an outage)
  std::vector<WebhookProcessor::Result> apply(const std::vector<WebhookEvent>& events) {
    ++calls;
    std::vector<WebhookProcessor::Result> out(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (down)
        out[i].error =
            std::make_exception_ptr(AppError(ErrorKind::Unavailable,
                                             "PostgreSQL unavailable: server closed the "
                                             "connection unexpectedly\n\tThis probably means…\n"));
      else if (failing.count(events[i].id) != 0)
        out[i].error = std::make_exception_ptr(std::runtime_error("constraint violated"));
    }
    return out;
  }
};

WebhookWorkers::Options fast_options() {
  WebhookWorkers::Options o;
  o.concurrency = 2;
  o.maxAttempts = 2;
  o.backoffBase = 1ms;
  o.backoffMax = 1ms;
  o.renewEvery = 20ms;
  o.pauseFirst = 5ms;
  o.pauseMax = 40ms;
  return o;
}

WebhookWorkers::Applier applier(FakeStore& store) {
  return [&store](const std::vector<WebhookEvent>& events) { return store.apply(events); };
}

TEST(WebhookWorkers, AnUnreachableStorePausesWithoutSpendingAttemptsAndResumesByItself) {
  RecordingQueue queue;
  FakeStore store;
  store.down = true;
  WebhookWorkers workers(queue, applier(store), parse, fast_options());
  for (int i = 0; i < 10; ++i) queue.enqueue("EV_" + std::to_string(i), "EV_" + std::to_string(i));
  // Far more tries than maxAttempts (2) while it is down…
  ASSERT_TRUE(queue.wait_until([&] { return store.calls >= 20; }));
  EXPECT_TRUE(workers.paused());
  EXPECT_TRUE(workers.database().down());
  // …no job was retried or buried, and the workers stopped claiming more than they hold (the
  // queue has 10 jobs; at most the two workers' first jobs were claimed).
  EXPECT_TRUE(queue.retried.empty());
  EXPECT_TRUE(queue.buried.empty());
  EXPECT_LE(queue.claims, 2);
  store.down = false;
  ASSERT_TRUE(queue.wait_until([&] { return queue.completed.size() == 10; }));
  EXPECT_FALSE(workers.paused());
  EXPECT_TRUE(queue.retried.empty());
  EXPECT_TRUE(queue.buried.empty());
  EXPECT_EQ(workers.database().outages(), 1);
}

TEST(WebhookWorkers, AJobsOwnFailureStillSpendsAttempts) {
  RecordingQueue queue;
  FakeStore store;
  store.failing.insert("EV_bad");
  WebhookWorkers workers(queue, applier(store), parse, fast_options());
  queue.enqueue("EV_bad", "EV_bad");
  queue.enqueue("EV_good", "EV_good");
  ASSERT_TRUE(
      queue.wait_until([&] { return queue.buried.size() == 1 && !queue.completed.empty(); }));
  EXPECT_EQ(queue.retried, std::vector<std::string>{"EV_bad"});  // attempt 1 → 2, then buried
  EXPECT_EQ(queue.completed, std::vector<std::string>{"EV_good"});
  EXPECT_FALSE(workers.paused());
}

TEST(WebhookWorkers, AnUnreachableQueuePausesClaimsAndResumesByItself) {
  RecordingQueue queue;
  FakeStore store;
  queue.claimsDown = true;
  WebhookWorkers workers(queue, applier(store), parse, fast_options());
  queue.enqueue("EV_q", "EV_q");
  ASSERT_TRUE(queue.wait_until([&] { return workers.queue().down(); }));
  EXPECT_TRUE(workers.paused());
  queue.claimsDown = false;
  ASSERT_TRUE(queue.wait_until([&] { return queue.completed.size() == 1; }));
  EXPECT_FALSE(workers.queue().down());
}

TEST(WebhookWorkers, LeasesOfJobsInHandAreRenewedWhileTheStoreIsAway) {
  RecordingQueue queue;
  FakeStore store;
  store.down = true;
  WebhookWorkers workers(queue, applier(store), parse, fast_options());
  queue.enqueue("EV_held", "EV_held");
  ASSERT_TRUE(queue.wait_until([&] { return queue.renewed >= 3; }));
  store.down = false;
  ASSERT_TRUE(queue.wait_until([&] { return queue.completed.size() == 1; }));
}

TEST(WebhookWorkers, StoppingDuringAnOutageGivesTheJobsBack) {
  RecordingQueue queue;
  FakeStore store;
  store.down = true;
  {
    WebhookWorkers workers(queue, applier(store), parse, fast_options());
    queue.enqueue("EV_back", "EV_back");
    ASSERT_TRUE(queue.wait_until([&] { return store.calls >= 1; }));
  }
  // Given back unspent: claimable again as attempt 1.
  const auto job = queue.claim(0ms);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->id, "EV_back");
  EXPECT_EQ(job->attempt, 1);
  EXPECT_TRUE(queue.retried.empty());
}

// The log lines of an outage, captured from the default logger while `body` runs.
template <class Fn>
std::vector<std::string> logged(Fn&& body) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_pattern("%l %v");
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  body();
  spdlog::set_default_logger(previous);
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Outage, OneLineWhenItStartsAndOneWhenItEndsWithRepeatsCounted) {
  Outage database("database", "webhook workers paused", std::chrono::seconds(3600));
  const auto lines = logged([&] {
    for (int i = 0; i < 4700; ++i)
      database.failed("PostgreSQL unavailable: connection refused\n\tIs the server running?\n");
    EXPECT_TRUE(database.down());
    database.recovered();
    database.recovered();  // no outage: nothing to say
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "error database unreachable, webhook workers paused: PostgreSQL unavailable: "
            "connection refused Is the server running?");
  EXPECT_EQ(lines[1].rfind("info database back after ", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find("(4700 failed tries)"), std::string::npos) << lines[1];
  EXPECT_FALSE(database.down());
  EXPECT_EQ(database.outages(), 1);
}

TEST(Outage, RepeatsAtMostOncePerIntervalWithTheirCount) {
  Outage queue("webhook queue", "webhook workers paused", std::chrono::seconds(0));
  const auto lines = logged([&] {
    queue.failed("down");
    queue.failed("down");
    queue.failed("still down");
  });
  ASSERT_EQ(lines.size(), 3u);  // interval 0: every repeat is a line, each counting one try
  EXPECT_NE(lines[2].find("(1 failed tries since the last line): still down"), std::string::npos)
      << lines[2];
}

TEST(OneLine, FoldsDriverMessages) {
  EXPECT_EQ(one_line("connection to server failed: Connection refused\n\tIs the server "
                     "running?\n"),
            "connection to server failed: Connection refused Is the server running?");
  EXPECT_EQ(one_line("plain"), "plain");
  EXPECT_EQ(one_line("a\r\n  b  "), "a b");
}

}  // namespace
}  // namespace lso::domain
