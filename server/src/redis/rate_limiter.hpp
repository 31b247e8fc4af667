// Rate limiting shared by every instance: the same fixed windows as events::LocalRateLimiter,
// counted in Redis so N instances enforce one limit, not N.
#pragma once

#include <string>

#include "domain/rate_limiter.hpp"
#include "redis/client.hpp"

namespace lso::redis {

struct RateLimiterOptions {
  std::string keyPrefix = "lso:ratelimit:";  // key = prefix + rule + ":" + client key
};

// One script per hit: INCR, PEXPIRE on the window's first hit, PTTL for the reset time. Windows
// start at a client's first hit and end by key expiry (Redis's clock), like the local limiter.
//
// When Redis fails the limiter fails OPEN: the request is allowed and the outage logged once.
// Rate limits protect against abuse, not correctness; refusing every request while Redis is down
// would turn a degraded cache into a full outage of an API whose database may be fine.
class RedisRateLimiter final : public domain::RateLimiter {
 public:
  explicit RedisRateLimiter(Client& client, RateLimiterOptions options = {});

 protected:
  domain::RateDecision add(std::string_view rule, std::string_view key, std::int64_t max,
                           std::chrono::seconds window, int increment) override;

 private:
  Client& client_;
  const RateLimiterOptions options_;
  OutageLog outage_{"Redis rate limiter (failing open)"};
};

}  // namespace lso::redis
