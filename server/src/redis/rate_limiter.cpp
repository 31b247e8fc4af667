// RedisRateLimiter: the fixed-window script and its fail-open fallback.
#include "redis/rate_limiter.hpp"

#include <algorithm>

#include "domain/errors.hpp"

namespace lso::redis {

namespace {

// KEYS: counter. ARGV: window ms, increment (1 hit, 0 peek, -1 give back).
// → {count in this window, ms until it ends}.
const Script& hit_script() {
  static const Script s(R"lua(
local inc = tonumber(ARGV[2])
if inc < 0 then
  -- Giving a hit back never creates a window (nor one without an expiry).
  if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
  local left = redis.call('DECR', KEYS[1])
  if left < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL') end
  return {math.max(left, 0), redis.call('PTTL', KEYS[1])}
end
local count = redis.call('INCRBY', KEYS[1], inc)
if count == inc then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  -- A counter without expiry (written by something else) would block a client forever.
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
)lua");
  return s;
}

}  // namespace

RedisRateLimiter::RedisRateLimiter(Client& client, RateLimiterOptions options)
    : client_(client), options_(std::move(options)) {}

domain::RateDecision RedisRateLimiter::add(std::string_view rule, std::string_view key,
                                           std::int64_t max, std::chrono::seconds window,
                                           int increment) {
  domain::RateDecision d;
  d.limit = max;
  std::string k;
  k.reserve(options_.keyPrefix.size() + rule.size() + 1 + key.size());
  k.append(options_.keyPrefix).append(rule).append(":").append(key);
  const std::string windowMs = std::to_string(std::max<std::int64_t>(1, window.count()) * 1000);
  try {
    Reply r = client_.eval(hit_script(), {k}, {windowMs, std::to_string(increment)});
    const auto& a = r.as_array();  // an error reply throws here
    if (a.size() != 2)
      throw domain::AppError(domain::ErrorKind::Unavailable, "Redis: malformed rate limit reply");
    const std::int64_t count = a[0].as_integer();
    const std::int64_t ttlMs = a[1].as_integer();
    outage_.succeeded();
    d.allowed = increment > 0 ? count <= max : count < max;
    d.remaining = d.allowed ? max - count : 0;
    d.reset = std::chrono::seconds(std::max<std::int64_t>(1, (ttlMs + 999) / 1000));
  } catch (const std::exception& e) {
    outage_.failed(e);
    d.allowed = true;
    d.remaining = max > 0 ? max - 1 : 0;
    d.reset = window.count() > 0 ? window : std::chrono::seconds(1);
  }
  return d;
}

}  // namespace lso::redis
