// The webhook workers' pause: an unreachable store or queue spends no attempt and
// dead-letters nothing, the workers resume by themselves; a job's own failure is still retried,
// and the leases of jobs in hand are renewed. Also one_line, which folds driver messages.
#include "runtime/webhook_workers.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <set>
#include <sstream>

#include "domain/errors.hpp"
#include "domain/outage.hpp"
#include "domain/webhook_retry.hpp"
#include "fakes/fake_webhook_queue.hpp"

namespace lso::domain {
namespace {

using runtime::WebhookWorkers;
using namespace std::chrono_literals;

using RecordingQueue = fakes::FakeWebhookQueue;

WebhookEvent parse(std::string_view body) {
  if (body.starts_with("{broken")) throw std::runtime_error("not JSON");
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

// --- retry, backoff and the dead-letter list ---

TEST(WebhookWorkersBackoff, DoublesFromTheBaseAndStopsAtTheCap) {
  WebhookWorkers::Options o;
  o.backoffBase = 1000ms;
  o.backoffMax = 30000ms;
  EXPECT_EQ(backoff(1, WebhookWorkers::retry_policy(o)), 1000ms);
  EXPECT_EQ(backoff(2, WebhookWorkers::retry_policy(o)), 2000ms);
  EXPECT_EQ(backoff(3, WebhookWorkers::retry_policy(o)), 4000ms);
  EXPECT_EQ(backoff(5, WebhookWorkers::retry_policy(o)), 16000ms);
  EXPECT_EQ(backoff(6, WebhookWorkers::retry_policy(o)), 30000ms);   // 32 s, capped
  EXPECT_EQ(backoff(60, WebhookWorkers::retry_policy(o)), 30000ms);  // no overflow far past the cap
}

TEST(WebhookWorkersRetry, AFailingJobIsRetriedWithBackoffThenBuriedAfterTheLastAttempt) {
  RecordingQueue queue;
  FakeStore store;
  store.failing.insert("EV_bad");
  auto o = fast_options();
  o.concurrency = 1;
  o.maxAttempts = 4;
  o.backoffBase = 10ms;
  o.backoffMax = 25ms;
  WebhookWorkers workers(queue, applier(store), parse, o);
  queue.enqueue("EV_bad", "EV_bad");
  ASSERT_TRUE(queue.wait_until([&] { return queue.buried.size() == 1; }));
  workers.stop();
  // Attempts 1, 2, 3 retried after 10, 20, 25 (capped) ms; attempt 4 is the last: buried.
  EXPECT_EQ(queue.retried, (std::vector<std::string>{"EV_bad", "EV_bad", "EV_bad"}));
  EXPECT_EQ(queue.retryDelays, (std::vector<std::chrono::milliseconds>{10ms, 20ms, 25ms}));
  EXPECT_EQ(queue.buriedAttempts, std::vector<int>{4});
  EXPECT_EQ(queue.buriedErrors, std::vector<std::string>{"constraint violated"});
  EXPECT_TRUE(queue.completed.empty());
}

TEST(WebhookWorkersRetry, AnUnparseableBodyIsBuriedAtOnceWithoutBeingApplied) {
  RecordingQueue queue;
  FakeStore store;
  WebhookWorkers workers(queue, applier(store), parse, fast_options());
  queue.enqueue("EV_broken", "{broken");
  ASSERT_TRUE(queue.wait_until([&] { return queue.buried.size() == 1; }));
  workers.stop();
  EXPECT_EQ(queue.buriedAttempts, std::vector<int>{1});  // no retry can fix it
  EXPECT_TRUE(queue.retried.empty());
  EXPECT_EQ(store.calls.load(), 0);
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
