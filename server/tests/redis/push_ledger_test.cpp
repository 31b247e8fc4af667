// RedisPushLedger: the same rule table as domain::push_due, decided by the Lua port; recording
// only pushed counts; the interval on Redis's clock; TTL; forget; pushing when Redis is away.
#include "redis/push_ledger.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "redis_fixture.hpp"

namespace lso::redis {
namespace {

using test::RedisTest;
using namespace std::chrono_literals;

class RedisPushLedgerTest : public RedisTest {
 protected:
  PushLedgerOptions ledger_options() const {
    PushLedgerOptions o;
    o.keyPrefix = prefix_ + "push:";
    return o;
  }
};

struct Case {
  std::int64_t last, count;
};

// Equal, both directions, around the 5-viewer and the 10% thresholds, from and to zero.
constexpr Case kCases[] = {
    {0, 0},       {0, 1},     {1, 0},
    {10, 10},     {10, 11},   {10, 9},
    {10, 14},     {10, 15},   {10, 5},
    {20, 21},     {20, 22},   {20, 18},
    {49, 53},     {50, 54},   {50, 55},
    {100, 104},   {100, 105}, {100, 96},
    {100, 95},    {200, 204}, {200, 196},
    {1000, 1004}, {3, 4},     {3, 2},
    {5, 0},       {4, 0},     {1000000, 1000001},
};

TEST_F(RedisPushLedgerTest, FollowsPushDueForEveryCase) {
  RedisPushLedger ledger(*client_, ledger_options());
  // The interval decides the small changes: 0 → always due by time; an hour → never.
  for (auto interval : {0ms, std::chrono::milliseconds(3600000)}) {
    for (const auto& c : kCases) {
      const std::string id = "ls-" + std::to_string(c.last) + "-" + std::to_string(c.count);
      ledger.forget(id);
      EXPECT_EQ(ledger.try_push(id, c.last, interval),
                domain::push_due(false, 0, c.last, 0, interval.count()))
          << "first push of " << c.last;
      const bool expected = domain::push_due(true, c.last, c.count, 0, interval.count());
      EXPECT_EQ(ledger.try_push(id, c.count, interval), expected)
          << c.last << " -> " << c.count << " interval " << interval.count();
      ledger.forget(id);
    }
  }
}

TEST_F(RedisPushLedgerTest, RecordsOnlyWhatItPushed) {
  RedisPushLedger ledger(*client_, ledger_options());
  EXPECT_TRUE(ledger.try_push("ls", 100, 1h));
  EXPECT_FALSE(ledger.try_push("ls", 103, 1h));  // held back: the ledger still says 100
  EXPECT_TRUE(ledger.try_push("ls", 106, 1h));   // 6 from 100 (3 from 103 would wait)
  EXPECT_FALSE(ledger.try_push("ls", 106, 1h));  // unchanged
}

TEST_F(RedisPushLedgerTest, ASmallChangeGoesOutOnceTheIntervalPassed) {
  RedisPushLedger ledger(*client_, ledger_options());
  const auto pushed = std::chrono::steady_clock::now();
  EXPECT_TRUE(ledger.try_push("ls", 100, 300ms));
  EXPECT_FALSE(ledger.try_push("ls", 101, 300ms));
  // Held back until the interval has passed, then let through: polled, not slept for.
  ASSERT_TRUE(test::eventually([&] { return ledger.try_push("ls", 101, 300ms); }));
  EXPECT_GE(std::chrono::steady_clock::now() - pushed, 300ms);
  EXPECT_FALSE(ledger.try_push("ls", 102, 300ms));  // the interval counts from the last push
}

TEST_F(RedisPushLedgerTest, KeepsEntriesForADayAndForgets) {
  RedisPushLedger ledger(*client_, ledger_options());
  EXPECT_TRUE(ledger.try_push("ls", 7, 1h));
  const auto ttl = client_->call({"TTL", prefix_ + "push:ls"}).as_integer();
  EXPECT_GT(ttl, 86000);
  EXPECT_LE(ttl, 86400);
  ledger.forget("ls");
  EXPECT_EQ(client_->call({"EXISTS", prefix_ + "push:ls"}).as_integer(), 0);
  EXPECT_TRUE(ledger.try_push("ls", 7, 1h));
}

TEST_F(RedisPushLedgerTest, TwoInstancesPushAChangeOnce) {
  Client otherClient(options());
  RedisPushLedger a(*client_, ledger_options());
  RedisPushLedger b(otherClient, ledger_options());
  EXPECT_TRUE(a.try_push("ls", 10, 1h));
  EXPECT_FALSE(b.try_push("ls", 10, 1h));
  EXPECT_TRUE(b.try_push("ls", 20, 1h));
  EXPECT_FALSE(a.try_push("ls", 20, 1h));
}

TEST(RedisPushLedgerOffline, PushesWhenRedisIsAway) {
  ClientOptions o;
  o.url = test::unreachable_url();
  o.connectTimeout = 200ms;
  Client client(o);
  RedisPushLedger ledger(client);
  EXPECT_TRUE(ledger.try_push("ls", 1, 1h));
  EXPECT_TRUE(ledger.try_push("ls", 1, 1h));
  EXPECT_NO_THROW(ledger.forget("ls"));
}

}  // namespace
}  // namespace lso::redis
