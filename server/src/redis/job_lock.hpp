// Named locks for one-at-a-time background jobs across instances (reconciliation):
// a Redis key holding this instance's token, expiring on its own if the holder dies.
#pragma once

#include <string>

#include "domain/coordination.hpp"
#include "redis/client.hpp"

namespace lso::redis {

struct JobLockOptions {
  std::string keyPrefix = "lso:lock:";
  std::string token;  // this instance's identity in lock values; empty → hostname:pid:random
};

// try_lock: SET key token NX PX ttl — or, when this instance already holds the lock, extends it
// (a job that runs again before its lock expired keeps it). unlock deletes the key only while it
// still holds this instance's token, so an instance whose lock expired never frees another's.
// When Redis fails, try_lock answers false: skipping one run of a periodic job is safe, running
// it on every instance at once is what the lock exists to prevent.
class RedisJobLock final : public domain::JobLock {
 public:
  explicit RedisJobLock(Client& client, JobLockOptions options = {});

  bool try_lock(std::string_view name, std::chrono::milliseconds ttl) override;
  void unlock(std::string_view name) override;

 private:
  Client& client_;
  const JobLockOptions options_;
  const std::string token_;
  OutageLog outage_{"Redis job lock"};
};

}  // namespace lso::redis
