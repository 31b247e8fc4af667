// RedisRateLimiter: counting and blocking per rule and key, the window's reset, one limit shared
// by two instances, and failing open when Redis is away.
#include "redis/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "redis_fixture.hpp"

namespace lso::redis {
namespace {

using test::RedisTest;
using namespace std::chrono_literals;

class RedisRateLimiterTest : public RedisTest {
 protected:
  RateLimiterOptions limiter_options() const { return RateLimiterOptions{prefix_ + "rl:"}; }
};

TEST_F(RedisRateLimiterTest, CountsHitsAndBlocksAboveTheLimit) {
  RedisRateLimiter limiter(*client_, limiter_options());
  for (std::int64_t i = 1; i <= 3; ++i) {
    auto d = limiter.hit("api", "10.0.0.1", 3, 60s);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 3);
    EXPECT_EQ(d.remaining, 3 - i);
    EXPECT_GT(d.reset.count(), 0);
    EXPECT_LE(d.reset.count(), 60);
  }
  auto blocked = limiter.hit("api", "10.0.0.1", 3, 60s);
  EXPECT_FALSE(blocked.allowed);
  EXPECT_EQ(blocked.remaining, 0);
  EXPECT_GE(blocked.reset.count(), 59);

  // Other clients and other rules have their own windows.
  EXPECT_TRUE(limiter.hit("api", "10.0.0.2", 3, 60s).allowed);
  EXPECT_TRUE(limiter.hit("create", "10.0.0.1", 3, 60s).allowed);
  const auto pttl = client_->call({"PTTL", prefix_ + "rl:api:10.0.0.1"}).as_integer();
  EXPECT_GT(pttl, 55000);
  EXPECT_LE(pttl, 60000);
}

TEST_F(RedisRateLimiterTest, ANewWindowStartsWhenTheOldOneEnds) {
  RedisRateLimiter limiter(*client_, limiter_options());
  EXPECT_TRUE(limiter.hit("w", "k", 1, 1s).allowed);
  auto blocked = limiter.hit("w", "k", 1, 1s);
  EXPECT_FALSE(blocked.allowed);
  EXPECT_EQ(blocked.reset.count(), 1);
  // The window ends when Redis expires its counter.
  ASSERT_TRUE(test::eventually([&] {
    return client_->call({"EXISTS", prefix_ + "rl:w:k"}).as_integer() == 0;
  }));
  auto fresh = limiter.hit("w", "k", 1, 1s);
  EXPECT_TRUE(fresh.allowed);
  EXPECT_EQ(fresh.remaining, 0);
}

TEST_F(RedisRateLimiterTest, InstancesShareOneLimit) {
  Client otherClient(options());
  RedisRateLimiter a(*client_, limiter_options());
  RedisRateLimiter b(otherClient, limiter_options());
  int allowed = 0;
  for (int i = 0; i < 10; ++i) {
    allowed += a.hit("api", "shared", 5, 60s).allowed ? 1 : 0;
    allowed += b.hit("api", "shared", 5, 60s).allowed ? 1 : 0;
  }
  EXPECT_EQ(allowed, 5);
}

TEST_F(RedisRateLimiterTest, RepairsACounterWithoutExpiry) {
  client_->call({"SET", prefix_ + "rl:api:stuck", "100"});
  RedisRateLimiter limiter(*client_, limiter_options());
  EXPECT_FALSE(limiter.hit("api", "stuck", 5, 2s).allowed);
  EXPECT_GT(client_->call({"PTTL", prefix_ + "rl:api:stuck"}).as_integer(), 0);
}

TEST(RedisRateLimiterOwnServer, FailsOpenWhileRedisIsDownAndCountsAgainAfterwards) {
  LSO_REQUIRE_REDIS_OR_SKIP();
  test::OwnRedisServer server;
  LSO_START_OWN_REDIS_OR_SKIP(server);
  ClientOptions o;
  o.url = server.url();
  o.connectTimeout = 300ms;
  o.reconnectDelay = 50ms;
  Client client(o);
  RedisRateLimiter limiter(client);
  EXPECT_TRUE(limiter.hit("api", "k", 1, 60s).allowed);
  EXPECT_FALSE(limiter.hit("api", "k", 1, 60s).allowed);
  server.stop();
  EXPECT_TRUE(limiter.hit("api", "k", 1, 60s).allowed);
  EXPECT_TRUE(limiter.hit("api", "k", 1, 60s).allowed);
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(test::eventually([&] { return client.ping(); }));
  EXPECT_TRUE(limiter.hit("api", "k", 1, 60s).allowed);  // a fresh Redis: a fresh window
  EXPECT_FALSE(limiter.hit("api", "k", 1, 60s).allowed);
}

TEST(RedisRateLimiterOffline, FailsOpen) {
  ClientOptions o;
  o.url = test::unreachable_url();
  o.connectTimeout = 200ms;
  Client client(o);
  RedisRateLimiter limiter(client);
  for (int i = 0; i < 5; ++i) {
    auto d = limiter.hit("api", "k", 2, 60s);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.limit, 2);
    EXPECT_EQ(d.reset, 60s);
  }
}

}  // namespace
}  // namespace lso::redis
