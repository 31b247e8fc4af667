// RedisJobLock: take-or-extend and compare-and-delete, each one script.
#include "redis/job_lock.hpp"

#include <algorithm>

namespace lso::redis {

namespace {

// KEYS: lock. ARGV: token, ttl ms. → 1 held by us now, 0 held by another instance.
const Script& lock_script() {
  static const Script s(R"lua(
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
)lua");
  return s;
}

// KEYS: lock. ARGV: token. → 1 released, 0 not ours (expired, taken by another instance).
const Script& unlock_script() {
  static const Script s(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");
  return s;
}

}  // namespace

RedisJobLock::RedisJobLock(Client& client, JobLockOptions options)
    : client_(client),
      options_(std::move(options)),
      token_(options_.token.empty() ? unique_instance_name() : options_.token) {}

bool RedisJobLock::try_lock(std::string_view name, std::chrono::milliseconds ttl) {
  const std::string key = options_.keyPrefix + std::string(name);
  const std::string ttlMs = std::to_string(std::max<std::int64_t>(1, ttl.count()));
  try {
    const bool held = client_.eval(lock_script(), {key}, {token_, ttlMs}).as_integer() == 1;
    outage_.succeeded();
    return held;
  } catch (const std::exception& e) {
    outage_.failed(e);
    return false;
  }
}

void RedisJobLock::unlock(std::string_view name) {
  const std::string key = options_.keyPrefix + std::string(name);
  try {
    client_.eval(unlock_script(), {key}, {token_}).as_integer();
    outage_.succeeded();
  } catch (const std::exception& e) {
    outage_.failed(e);  // the lock expires on its own after its TTL
  }
}

}  // namespace lso::redis
