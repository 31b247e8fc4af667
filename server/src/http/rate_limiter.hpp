// Per-client fixed-window rate limiting (SPEC §4), like the original's express-rate-limit:
// `max` hits per `window`, counted per key. In-process here; production mode shares the
// counters through Redis behind the same interface.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace lso::http {

struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;
  std::chrono::seconds reset{0};  // until the window ends
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Counts one hit for `key` under the named rule and decides.
  RateDecision hit(std::string_view rule, std::string_view key, std::int64_t max,
                   std::chrono::seconds window) {
    return add(rule, key, max, window, 1);
  }
  // Decides as hit() would, without counting (login throttling checks before it counts failures).
  RateDecision peek(std::string_view rule, std::string_view key, std::int64_t max,
                    std::chrono::seconds window) {
    return add(rule, key, max, window, 0);
  }
  // Takes one hit back (a create that failed); nothing when the window has ended.
  void give_back(std::string_view rule, std::string_view key, std::chrono::seconds window) {
    add(rule, key, 0, window, -1);
  }

 protected:
  // Adds `increment` (1, 0 or -1) to the key's count in its current window and decides.
  virtual RateDecision add(std::string_view rule, std::string_view key, std::int64_t max,
                           std::chrono::seconds window, int increment) = 0;
};

class LocalRateLimiter final : public RateLimiter {
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

}  // namespace lso::http
