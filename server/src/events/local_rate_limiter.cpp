// Fixed windows in sharded maps; expired windows are swept now and then so the map stays
// bounded by the clients seen within one window.
#include "events/local_rate_limiter.hpp"

#include <algorithm>
#include <functional>

namespace lso::events {

RateDecision LocalRateLimiter::add(std::string_view rule, std::string_view key, std::int64_t max,
                                   std::chrono::seconds window, int increment) {
  return hit_at(Clock::now(), rule, key, max, window, increment);
}

RateDecision LocalRateLimiter::hit_at(Clock::time_point now, std::string_view rule,
                                      std::string_view key, std::int64_t max,
                                      std::chrono::seconds window, int increment) {
  std::string k;
  k.reserve(rule.size() + 1 + key.size());
  k.append(rule).push_back('|');
  k.append(key);
  auto& shard = shards_[std::hash<std::string>{}(k) % kShards];
  std::lock_guard lock(shard.mutex);
  if (++shard.sweeps % 4096 == 0) {
    for (auto it = shard.windows.begin(); it != shard.windows.end();)
      it = now - it->second.start >= it->second.length ? shard.windows.erase(it) : std::next(it);
  }
  auto& w = shard.windows[k];
  if (w.count == 0 || now - w.start >= window) {
    w.start = now;
    w.length = window;
    w.count = 0;
  }
  w.count = std::max<std::int64_t>(0, w.count + increment);
  RateDecision d;
  d.limit = max;
  // A peek is refused once the count has reached the limit: the next hit would exceed it.
  d.allowed = increment > 0 ? w.count <= max : w.count < max;
  d.remaining = d.allowed ? max - w.count : 0;
  const auto left = std::chrono::ceil<std::chrono::seconds>(w.start + window - now);
  d.reset = left.count() > 0 ? left : std::chrono::seconds(1);
  return d;
}

}  // namespace lso::events
