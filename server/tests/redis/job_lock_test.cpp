// RedisJobLock: one holder at a time across instances, extension by the holder, expiry, unlock
// only by the holder, and refusing (not running the job) when Redis is away.
#include "redis/job_lock.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "redis_fixture.hpp"

namespace lso::redis {
namespace {

using test::RedisTest;
using namespace std::chrono_literals;

class RedisJobLockTest : public RedisTest {
 protected:
  JobLockOptions lock_options(const std::string& token) const {
    JobLockOptions o;
    o.keyPrefix = prefix_ + "lock:";
    o.token = token;
    return o;
  }
};

TEST_F(RedisJobLockTest, OneInstanceHoldsTheLockAtATime) {
  RedisJobLock a(*client_, lock_options("instance-a"));
  RedisJobLock b(*client_, lock_options("instance-b"));
  EXPECT_TRUE(a.try_lock("reconcile", 10s));
  EXPECT_FALSE(b.try_lock("reconcile", 10s));
  EXPECT_TRUE(b.try_lock("cleanup", 10s));  // other names are other locks
  b.unlock("reconcile");                    // not b's: changes nothing
  EXPECT_FALSE(b.try_lock("reconcile", 10s));
  a.unlock("reconcile");
  EXPECT_TRUE(b.try_lock("reconcile", 10s));
  EXPECT_FALSE(a.try_lock("reconcile", 10s));
}

TEST_F(RedisJobLockTest, TheHolderMayTakeItAgainWhichExtendsIt) {
  RedisJobLock a(*client_, lock_options("instance-a"));
  EXPECT_TRUE(a.try_lock("job", 1s));
  EXPECT_TRUE(a.try_lock("job", 60s));
  EXPECT_GT(client_->call({"PTTL", prefix_ + "lock:job"}).as_integer(), 50000);
}

TEST_F(RedisJobLockTest, AnExpiredLockGoesToTheNextInstance) {
  RedisJobLock a(*client_, lock_options("instance-a"));
  RedisJobLock b(*client_, lock_options("instance-b"));
  EXPECT_TRUE(a.try_lock("job", 200ms));
  EXPECT_FALSE(b.try_lock("job", 200ms));
  ASSERT_TRUE(test::eventually([&] {
    return client_->call({"EXISTS", prefix_ + "lock:job"}).as_integer() == 0;
  }));
  EXPECT_TRUE(b.try_lock("job", 10s));
  a.unlock("job");  // a's lock expired: it must not free b's
  EXPECT_FALSE(a.try_lock("job", 10s));
}

TEST_F(RedisJobLockTest, DefaultTokensDifferPerInstance) {
  JobLockOptions o;
  o.keyPrefix = prefix_ + "lock:";
  RedisJobLock a(*client_, o);
  RedisJobLock b(*client_, o);
  EXPECT_TRUE(a.try_lock("job", 10s));
  EXPECT_FALSE(b.try_lock("job", 10s));
}

TEST(RedisJobLockOffline, RefusesWhenRedisIsAway) {
  ClientOptions o;
  o.url = test::unreachable_url();
  o.connectTimeout = 200ms;
  Client client(o);
  RedisJobLock lock(client);
  EXPECT_FALSE(lock.try_lock("job", 10s));
  EXPECT_NO_THROW(lock.unlock("job"));
}

}  // namespace
}  // namespace lso::redis
