// In-process rate limiting for embedded mode: the RateLimiter port's fixed windows in sharded
// maps (one instance, so nothing needs sharing).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/rate_limiter.hpp"

namespace lso::events {

using domain::RateDecision;

class LocalRateLimiter final : public domain::RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // For tests: decide as if it were `now`.
  RateDecision hit_at(Clock::time_point now, std::string_view rule, std::string_view key,
                      std::int64_t max, std::chrono::seconds window, int increment = 1);

 protected:
  RateDecision add(std::string_view rule, std::string_view key, std::int64_t max,
                   std::chrono::seconds window, int increment) override;

 private:
  struct Window {
    Clock::time_point start;
    std::chrono::seconds length{0};
    std::int64_t count = 0;
  };
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Window> windows;
    std::size_t sweeps = 0;
  };
  Shard shards_[kShards];
};

}  // namespace lso::events
