// The in-process rate limiter's fixed windows: per rule and key, the reset, the next window.
#include "events/local_rate_limiter.hpp"

#include <gtest/gtest.h>

using lso::events::LocalRateLimiter;

TEST(LocalRateLimiter, FixedWindowPerRuleAndKey) {
  LocalRateLimiter l;
  const auto t0 = LocalRateLimiter::Clock::now();
  const auto w = std::chrono::seconds(60);
  for (int i = 1; i <= 3; ++i) {
    auto d = l.hit_at(t0, "create", "1.2.3.4", 3, w);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 3 - i);
    EXPECT_EQ(d.limit, 3);
  }
  auto denied = l.hit_at(t0 + std::chrono::seconds(10), "create", "1.2.3.4", 3, w);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0);
  EXPECT_EQ(denied.reset, std::chrono::seconds(50));
  EXPECT_TRUE(l.hit_at(t0, "create", "5.6.7.8", 3, w).allowed);      // another client
  EXPECT_TRUE(l.hit_at(t0, "api", "1.2.3.4", 3, w).allowed);         // another rule
  EXPECT_TRUE(l.hit_at(t0 + w, "create", "1.2.3.4", 3, w).allowed);  // next window
}
