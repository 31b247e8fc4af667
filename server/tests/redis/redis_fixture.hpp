// Shared set-up for the Redis adapter tests: the test server from LSO_TEST_REDIS_URL (skip when
// unset, fail when LSO_REQUIRE_REDIS=1), a key prefix of each test's own, and a private
// redis-server for the tests that stop and restart Redis.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redis/client.hpp"

namespace lso::redis::test {

std::optional<std::string> redis_url();
bool redis_required();

#define LSO_REQUIRE_REDIS_OR_SKIP()                                            \
  do {                                                                         \
    if (!::lso::redis::test::redis_url()) {                                    \
      if (::lso::redis::test::redis_required()) {                              \
        FAIL() << "LSO_REQUIRE_REDIS=1 but LSO_TEST_REDIS_URL is not set";     \
      }                                                                        \
      GTEST_SKIP() << "Redis tests skipped: set LSO_TEST_REDIS_URL (see "      \
                      "scripts/lib/services.sh, lso_start_redis) to run them"; \
    }                                                                          \
  } while (false)

// "lso-test:<test name>:<random>:" — keys of concurrent runs and of other tests never meet.
std::string unique_prefix();

// A URL where nothing listens (a port just bound and released), for failure paths.
std::string unreachable_url();

// Polls `condition` until it holds or `timeout` passes; its last value.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Deletes every key under the prefix (SCAN + DEL), so tests leave the shared server clean.
void delete_keys(Client& client, const std::string& prefix);

// Closes, server side, every connection whose CLIENT SETNAME is `name`; how many it closed.
// Lets a test drop its own connections without disturbing other suites on the same server.
int kill_connections(Client& admin, const std::string& name);

// A fixture with a client on the test server and the test's key prefix, cleaned up afterwards.
class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  ClientOptions options() const;  // the test server, small timeouts, clientName = connectionName_

  std::unique_ptr<Client> client_;
  std::string prefix_;
  std::string connectionName_;  // the CLIENT SETNAME of this test's connections
};

// A redis-server of the test's own on 127.0.0.1 and a free port, which it may stop and start
// again (same port), stopped by its pid at the end. Needs redis-server on PATH.
class OwnRedisServer {
 public:
  explicit OwnRedisServer(std::vector<std::string> extraArgs = {});
  ~OwnRedisServer();
  OwnRedisServer(const OwnRedisServer&) = delete;
  OwnRedisServer& operator=(const OwnRedisServer&) = delete;

  bool start();  // false when redis-server cannot be run or does not answer
  void stop();
  int port() const { return port_; }
  std::string url(const std::string& userinfo = "") const;

 private:
  std::vector<std::string> extraArgs_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Starts an OwnRedisServer or skips the test (fails under LSO_REQUIRE_REDIS=1).
#define LSO_START_OWN_REDIS_OR_SKIP(server)                                            \
  do {                                                                                 \
    if (!(server).start()) {                                                           \
      if (::lso::redis::test::redis_required()) FAIL() << "cannot start redis-server"; \
      GTEST_SKIP() << "redis-server is not available to start";                        \
    }                                                                                  \
  } while (false)

}  // namespace lso::redis::test
