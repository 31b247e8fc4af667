// The rate-limiter port: fixed windows of `max` hits per `window`, counted per rule and key (a
// client, an account), like express-rate-limit. Embedded mode counts in process
// (events::LocalRateLimiter); production shares the counters through Redis so every instance
// enforces one limit.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace lso::domain {

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

}  // namespace lso::domain
