// RedisWebhookQueue: the queue port's semantics on Redis Streams — enqueue/claim/complete,
// duplicates, retry delays, dead letters, lease takeover between instances, exactly-once
// delivery under concurrency, close().
#include "redis/webhook_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>

#include "domain/errors.hpp"
#include "redis_fixture.hpp"

namespace lso::redis {
namespace {

using domain::WebhookJob;
using test::RedisTest;
using namespace std::chrono_literals;

// Whether a connection to `client`'s server sits blocked in a claim's XREADGROUP right now (so a
// test acts on a waiting claim, not on one still on its way to the server).
bool claim_blocked(Client& client) {
  const std::string list = client.call({"CLIENT", "LIST"}).as_string();
  std::size_t from = 0;
  while (from < list.size()) {
    const auto end = std::min(list.find('\n', from), list.size());
    const std::string_view line(list.data() + from, end - from);
    if (line.find(" flags=b ") != std::string_view::npos &&
        line.find(" cmd=xreadgroup") != std::string_view::npos)
      return true;
    from = end + 1;
  }
  return false;
}
using namespace std::string_literals;
using Clock = std::chrono::steady_clock;

class RedisWebhookQueueTest : public RedisTest {
 protected:
  std::unique_ptr<RedisWebhookQueue> open(std::chrono::milliseconds lease = 30s,
                                          Client* client = nullptr) {
    WebhookQueueOptions o;
    o.keyPrefix = prefix_;
    o.lease = lease;
    o.pollSlice = 100ms;
    return std::make_unique<RedisWebhookQueue>(client != nullptr ? *client : *client_, o);
  }
};

TEST_F(RedisWebhookQueueTest, EnqueueClaimComplete) {
  auto q = open();
  EXPECT_EQ(q->backend(), "redis");
  ASSERT_TRUE(q->enqueue("evt-1", R"({"event":"room_started"})"));
  auto c = q->counts();
  EXPECT_EQ(c.waiting, 1);
  EXPECT_EQ(c.active, 0);

  auto job = q->claim(1s);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->id, "evt-1");
  EXPECT_EQ(job->body, R"({"event":"room_started"})");
  EXPECT_EQ(job->attempt, 1);
  EXPECT_FALSE(job->receipt.empty());
  c = q->counts();
  EXPECT_EQ(c.waiting, 0);
  EXPECT_EQ(c.active, 1);
  EXPECT_FALSE(q->claim(0ms));  // claimed jobs are invisible to others

  q->complete(*job);
  c = q->counts();
  EXPECT_EQ(c.waiting, 0);
  EXPECT_EQ(c.active, 0);
  EXPECT_EQ(c.completed, 1);
  EXPECT_EQ(c.failed, 0);
  EXPECT_EQ(c.dead, 0);
  EXPECT_FALSE(q->claim(50ms));
}

TEST_F(RedisWebhookQueueTest, ClaimsInOrderAndKeepsBodiesBinarySafe) {
  auto q = open();
  const std::string binary = "{\"a\":\"\0\r\n\xff\"}"s;
  ASSERT_TRUE(q->enqueue("first", "1"));
  ASSERT_TRUE(q->enqueue("second", binary));
  auto a = q->claim(1s);
  auto b = q->claim(1s);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id, "first");
  EXPECT_EQ(b->id, "second");
  EXPECT_EQ(b->body, binary);
  // …also through the retry set, which stores jobs packed.
  q->retry(*b, 0ms, "transient");
  auto again = q->claim(1s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, binary);
  EXPECT_EQ(again->attempt, 2);
}

TEST_F(RedisWebhookQueueTest, RefusesADuplicateIdWhileItIsRemembered) {
  auto q = open();
  EXPECT_TRUE(q->enqueue("dup", "body"));
  EXPECT_FALSE(q->enqueue("dup", "body"));
  auto job = q->claim(1s);
  ASSERT_TRUE(job);
  q->complete(*job);
  EXPECT_FALSE(q->enqueue("dup", "body"));  // the marker outlives completion (its own TTL)
  EXPECT_EQ(q->counts().waiting, 0);
  const auto ttl = client_->call({"TTL", prefix_ + "webhook:queued:dup"}).as_integer();
  EXPECT_GT(ttl, 86000);
  EXPECT_LE(ttl, 86400);
}

TEST_F(RedisWebhookQueueTest, RetryWaitsItsDelayThenComesBackWithTheNextAttempt) {
  auto q = open();
  ASSERT_TRUE(q->enqueue("r", "body"));
  auto job = q->claim(1s);
  ASSERT_TRUE(job);
  const auto retriedAt = Clock::now();
  q->retry(*job, 400ms, "database down");
  auto c = q->counts();
  EXPECT_EQ(c.waiting, 1);  // waiting for its retry
  EXPECT_EQ(c.active, 0);
  EXPECT_EQ(c.failed, 1);
  EXPECT_FALSE(q->claim(0ms));

  auto again = q->claim(3s);
  ASSERT_TRUE(again);
  EXPECT_GE(Clock::now() - retriedAt, 350ms);
  EXPECT_LT(Clock::now() - retriedAt, 1500ms);  // a waiting claim notices the due retry
  EXPECT_EQ(again->id, "r");
  EXPECT_EQ(again->body, "body");
  EXPECT_EQ(again->attempt, 2);
  q->retry(*again, 0ms, "still down");
  auto third = q->claim(1s);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->attempt, 3);
  q->complete(*third);
  c = q->counts();
  EXPECT_EQ(c.waiting, 0);
  EXPECT_EQ(c.completed, 1);
  EXPECT_EQ(c.failed, 2);
}

TEST_F(RedisWebhookQueueTest, BuryMovesTheJobToTheDeadLetterStream) {
  auto q = open();
  ASSERT_TRUE(q->enqueue("d", "body"));
  auto job = q->claim(1s);
  ASSERT_TRUE(job);
  q->bury(*job, "no such livestream");
  auto c = q->counts();
  EXPECT_EQ(c.dead, 1);
  EXPECT_EQ(c.waiting, 0);
  EXPECT_EQ(c.active, 0);
  EXPECT_EQ(c.failed, 1);
  EXPECT_FALSE(q->claim(0ms));

  Reply dead = client_->call({"XRANGE", prefix_ + "webhooks:dead", "-", "+"});
  ASSERT_EQ(dead.as_array().size(), 1u);
  std::map<std::string, std::string> fields;
  const auto& f = dead.elements[0].as_array().at(1).as_array();
  for (std::size_t i = 0; i + 1 < f.size(); i += 2) fields[f[i].str] = f[i + 1].str;
  EXPECT_EQ(fields["id"], "d");
  EXPECT_EQ(fields["body"], "body");
  EXPECT_EQ(fields["attempts"], "1");
  EXPECT_EQ(fields["error"], "no such livestream");
  EXPECT_FALSE(fields["at"].empty());
}

TEST_F(RedisWebhookQueueTest, AnotherInstanceTakesOverAJobWhoseLeaseExpired) {
  Client otherClient(options());
  auto crashed = open(300ms);
  auto survivor = open(300ms, &otherClient);
  EXPECT_NE(crashed->consumer(), survivor->consumer());
  ASSERT_TRUE(crashed->enqueue("orphan", "body"));
  auto held = crashed->claim(1s);
  ASSERT_TRUE(held);
  EXPECT_FALSE(survivor->claim(0ms));  // still leased

  auto taken = survivor->claim(3s);  // the "crashed" instance never settles it
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, "orphan");
  EXPECT_EQ(taken->body, "body");
  EXPECT_EQ(taken->attempt, 2);  // the lost delivery counts as an attempt
  EXPECT_EQ(taken->receipt.substr(0, taken->receipt.find('/')),
            held->receipt.substr(0, held->receipt.find('/')));
  EXPECT_NE(taken->receipt, held->receipt);  // same entry, another delivery

  // The stale worker finishing late must not touch the new claim.
  crashed->complete(*held);
  crashed->retry(*held, 0ms, "late");
  crashed->bury(*held, "late");
  auto c = survivor->counts();
  EXPECT_EQ(c.active, 1);
  EXPECT_EQ(c.dead, 0);
  EXPECT_EQ(c.waiting, 0);
  EXPECT_EQ(crashed->counts().completed, 0);
  EXPECT_EQ(crashed->counts().failed, 0);
  EXPECT_FALSE(survivor->enqueue("orphan", "body"));  // the stale bury kept it queued
  survivor->complete(*taken);
  c = survivor->counts();
  EXPECT_EQ(c.completed, 1);
  EXPECT_EQ(c.active, 0);
  EXPECT_EQ(c.waiting, 0);
}

TEST_F(RedisWebhookQueueTest, TheSameInstanceRetakingItsOwnStaleJobFencesTheOldDelivery) {
  auto q = open(200ms);
  ASSERT_TRUE(q->enqueue("slow", "body"));
  auto first = q->claim(1s);
  ASSERT_TRUE(first);
  auto second = q->claim(3s);  // the lease ran out: the same consumer takes it again
  ASSERT_TRUE(second);
  EXPECT_EQ(second->attempt, 2);
  q->complete(*first);  // the first delivery's worker is too late
  EXPECT_EQ(q->counts().active, 1);
  q->complete(*second);
  EXPECT_EQ(q->counts().active, 0);
  EXPECT_EQ(q->counts().completed, 1);
}

TEST_F(RedisWebhookQueueTest, ABuriedIdMayBeQueuedAgain) {
  auto q = open();
  ASSERT_TRUE(q->enqueue("again", "body"));
  auto job = q->claim(1s);
  ASSERT_TRUE(job);
  q->bury(*job, "permanent");
  EXPECT_TRUE(q->enqueue("again", "body"));
  EXPECT_EQ(q->counts().waiting, 1);
}

TEST_F(RedisWebhookQueueTest, EightThreadsClaimEightThousandJobsExactlyOnce) {
  constexpr int kThreads = 8, kJobs = 1000;
  Client otherClient(options());
  auto instanceA = open();
  auto instanceB = open(30s, &otherClient);

  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t)
    producers.emplace_back([&, t] {
      auto& q = t % 2 == 0 ? *instanceA : *instanceB;
      for (int i = 0; i < kJobs; ++i) {
        const std::string id = "job-" + std::to_string(t) + "-" + std::to_string(i);
        EXPECT_TRUE(q.enqueue(id, "body of " + id));
      }
    });
  for (auto& p : producers) p.join();
  EXPECT_EQ(instanceA->counts().waiting, kThreads * kJobs);

  std::mutex mutex;
  std::map<std::string, int> seen;
  std::atomic<int> done{0}, mismatches{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.emplace_back([&, t] {
      auto& q = t % 2 == 0 ? *instanceA : *instanceB;
      while (done.load() < kThreads * kJobs) {
        auto job = q.claim(200ms);
        if (!job) continue;
        if (job->body != "body of " + job->id || job->attempt != 1) ++mismatches;
        {
          const std::lock_guard lock(mutex);
          ++seen[job->id];
        }
        q.complete(*job);
        ++done;
      }
    });
  for (auto& w : workers) w.join();
  EXPECT_EQ(mismatches.load(), 0);
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kJobs));
  for (const auto& [id, n] : seen) ASSERT_EQ(n, 1) << id;
  const auto a = instanceA->counts(), b = instanceB->counts();
  EXPECT_EQ(a.completed + b.completed, kThreads * kJobs);
  EXPECT_EQ(a.waiting, 0);
  EXPECT_EQ(a.active, 0);
}

TEST_F(RedisWebhookQueueTest, CloseWakesAWaitingClaimAndLaterClaimsReturnAtOnce) {
  auto q = open();
  std::optional<WebhookJob> result;
  Clock::duration waited{};
  std::thread waiter([&] {
    const auto start = Clock::now();
    result = q->claim(10s);
    waited = Clock::now() - start;
  });
  EXPECT_TRUE(test::eventually([&] { return claim_blocked(*client_); }));
  q->close();
  waiter.join();
  EXPECT_FALSE(result);
  EXPECT_LT(waited, 1s);
  ASSERT_TRUE(q->enqueue("after-close", "body"));  // enqueue still stores (the receiver may drain)
  const auto start = Clock::now();
  EXPECT_FALSE(q->claim(5s));
  EXPECT_LT(Clock::now() - start, 100ms);
}

TEST_F(RedisWebhookQueueTest, AJobArrivingAsCloseWakesAWaiterIsNeverStranded) {
  // Enqueue and close race a waiting claim: either the claim got the job, or any other
  // instance gets it at once with its attempt unchanged — never only after the 30 s lease.
  Client otherClient(options());
  auto other = open(30s, &otherClient);
  for (int i = 0; i < 20; ++i) {
    auto closing = open(30s);
    std::optional<WebhookJob> got;
    std::thread waiter([&] { got = closing->claim(10s); });
    EXPECT_TRUE(test::eventually([&] { return claim_blocked(*client_); }));
    const std::string id = "race-" + std::to_string(i);
    std::thread producer([&] { ASSERT_TRUE(other->enqueue(id, "body")); });
    std::this_thread::sleep_for(std::chrono::microseconds(100 * (i % 10)));
    closing->close();
    producer.join();
    waiter.join();
    if (got) {
      EXPECT_EQ(got->id, id);
      EXPECT_EQ(got->attempt, 1);
      closing->complete(*got);
    } else {
      auto job = other->claim(1s);
      ASSERT_TRUE(job) << id;
      EXPECT_EQ(job->id, id);
      EXPECT_EQ(job->attempt, 1);
      other->complete(*job);
    }
  }
  const auto c = other->counts();
  EXPECT_EQ(c.waiting, 0);
  EXPECT_EQ(c.active, 0);
}

TEST_F(RedisWebhookQueueTest, RecreatesTheGroupWhenRedisLostIt) {
  auto q = open();
  client_->call({"DEL", prefix_ + "webhooks"});  // as after a restart without persistence
  ASSERT_TRUE(q->enqueue("new", "body"));
  auto job = q->claim(1s);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->id, "new");
  q->complete(*job);
  client_->call({"DEL", prefix_ + "webhooks"});
  EXPECT_FALSE(q->claim(300ms));  // recreated again, nothing to claim
  EXPECT_EQ(q->counts().waiting, 0);
}

TEST(RedisWebhookQueueOwnServer, AWaitingClaimFailsWhenRedisGoesAwayAndTheQueueWorksOnceItIsBack) {
  LSO_REQUIRE_REDIS_OR_SKIP();
  test::OwnRedisServer server;
  LSO_START_OWN_REDIS_OR_SKIP(server);
  ClientOptions o;
  o.url = server.url();
  o.connectTimeout = 300ms;
  o.commandTimeout = 500ms;
  o.reconnectDelay = 50ms;
  Client client(o);
  WebhookQueueOptions qo;
  qo.pollSlice = 2s;  // the claim below sits in one long blocking read
  RedisWebhookQueue q(client, qo);
  ASSERT_TRUE(q.enqueue("before", "body"));
  ASSERT_TRUE(q.claim(1s));

  std::atomic<bool> threw{false};
  std::thread waiter([&] {
    try {
      q.claim(5s);
    } catch (const domain::AppError& e) {
      threw = e.kind() == domain::ErrorKind::Unavailable;
    }
  });
  EXPECT_TRUE(test::eventually([&] { return claim_blocked(client); }));
  server.stop();
  waiter.join();
  EXPECT_TRUE(threw.load());  // the worker learns at once and backs off
  EXPECT_THROW(q.enqueue("during", "body"), domain::AppError);

  ASSERT_TRUE(server.start());  // an empty Redis: no stream, no group
  ASSERT_TRUE(test::eventually([&] { return client.ping(); }));
  ASSERT_TRUE(q.enqueue("after", "body"));
  auto job = q.claim(2s);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->id, "after");
  q.complete(*job);
  EXPECT_EQ(q.counts().waiting, 0);
}

TEST(RedisWebhookQueueOffline, FailuresAreUnavailable) {
  ClientOptions o;
  o.url = test::unreachable_url();
  o.connectTimeout = 200ms;
  Client client(o);
  RedisWebhookQueue q(client);
  try {
    q.enqueue("x", "y");
    FAIL() << "expected AppError";
  } catch (const domain::AppError& e) {
    EXPECT_EQ(e.kind(), domain::ErrorKind::Unavailable);
  }
  EXPECT_THROW(q.claim(0ms), domain::AppError);
  EXPECT_THROW(q.counts(), domain::AppError);
}

}  // namespace
}  // namespace lso::redis
