// ReplyCache: a stored reply is served until anything changes (the generation) or its time to
// live passes (on a clock the test moves); a read that raced a change is never stored.
#include "api/reply_cache.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace lso::api {
namespace {

using namespace std::chrono_literals;

TEST(ReplyCache, ServesWhatWasStoredWithItsGuard) {
  ReplyCache cache;
  CacheGuard guard{"alice", domain::Visibility::Private};
  cache.put("k", cache.generation(), "body", guard);
  const auto hit = cache.get("k");
  ASSERT_TRUE(hit);
  EXPECT_EQ(*hit->body, "body");
  EXPECT_EQ(hit->guard.createdBy, "alice");
  EXPECT_EQ(hit->guard.visibility, domain::Visibility::Private);
  EXPECT_FALSE(cache.get("other"));
}

TEST(ReplyCache, AnyChangeInvalidatesEverything) {
  ReplyCache cache;
  cache.put("a", cache.generation(), "A");
  cache.put("b", cache.generation(), "B");
  cache.invalidate_all();
  EXPECT_FALSE(cache.get("a"));
  EXPECT_FALSE(cache.get("b"));
}

TEST(ReplyCache, AReadThatRacedAChangeIsNotStored) {
  ReplyCache cache;
  const auto before = cache.generation();
  cache.invalidate_all();  // a change committed while the reply was being read
  cache.put("k", before, "stale");
  EXPECT_FALSE(cache.get("k"));
}

// The cache's clock, moved by the test.
ReplyCache::Clock::time_point fakeNow{};
ReplyCache::Clock::time_point fake_now() {
  return fakeNow;
}

TEST(ReplyCache, AnEntryIsServedUntilItsTimeToLiveHasPassed) {
  fakeNow = ReplyCache::Clock::time_point{} + 1h;
  ReplyCache cache(50ms, 20000, &fake_now);
  cache.put("k", cache.generation(), "body");
  fakeNow += 50ms;
  EXPECT_TRUE(cache.get("k"));  // exactly its time to live: still served
  fakeNow += 1ms;
  EXPECT_FALSE(cache.get("k"));
  cache.put("k", cache.generation(), "again");
  EXPECT_TRUE(cache.get("k"));  // a new entry lives from its own put
}

TEST(ReplyCache, StaysBoundedByMaxEntries) {
  ReplyCache cache(2s, 16);  // 8 shards: at most 2 entries per shard
  for (int i = 0; i < 1000; ++i) cache.put("k" + std::to_string(i), cache.generation(), "x");
  int held = 0;
  for (int i = 0; i < 1000; ++i) held += cache.get("k" + std::to_string(i)) ? 1 : 0;
  EXPECT_LE(held, 16);
  EXPECT_GE(held, 1);
}

}  // namespace
}  // namespace lso::api
