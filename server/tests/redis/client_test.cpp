// Client: REDIS_URL parsing, binary-safe commands, reply types, scripts, the pool under threads,
// and recovery after Redis drops connections or restarts.
#include "redis/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "domain/errors.hpp"
#include "redis_fixture.hpp"

namespace lso::redis {
namespace {

using domain::AppError;
using domain::ErrorKind;
using test::RedisTest;
using namespace std::chrono_literals;
using namespace std::string_literals;

std::string validation_message(const std::string& url) {
  try {
    parse_redis_url(url);
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    return e.what();
  }
  return "";
}

TEST(RedisUrl, ParsesHostPortPasswordAndDatabase) {
  auto e = parse_redis_url("redis://127.0.0.1:6380");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.password, "");
  EXPECT_EQ(e.db, 0);

  e = parse_redis_url("redis://:s3cr%40t@redis.internal:6379/2");
  EXPECT_EQ(e.host, "redis.internal");
  EXPECT_EQ(e.username, "");
  EXPECT_EQ(e.password, "s3cr@t");
  EXPECT_EQ(e.db, 2);

  e = parse_redis_url("redis://worker:pw@localhost/");
  EXPECT_EQ(e.username, "worker");
  EXPECT_EQ(e.password, "pw");
  EXPECT_EQ(e.port, 6379);

  e = parse_redis_url("redis://onlypassword@localhost");
  EXPECT_EQ(e.username, "");
  EXPECT_EQ(e.password, "onlypassword");

  e = parse_redis_url("REDIS://[::1]:7000");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 7000);
}

TEST(RedisUrl, RejectsBadUrlsNamingTheVariableButNotThePassword) {
  for (const char* bad :
       {"", "localhost:6379", "http://localhost", "redis://", "redis://h:0", "redis://h:70000",
        "redis://h:12ab", "redis://h/x", "redis://h/-1", "redis://:hunter2@h:99999"}) {
    const std::string message = validation_message(bad);
    EXPECT_NE(message.find("REDIS_URL"), std::string::npos) << bad << ": " << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
  EXPECT_NE(validation_message("rediss://h:6380").find("TLS"), std::string::npos);
}

TEST(RedisClientOffline, UnreachableServerIsUnavailable) {
  ClientOptions o;
  o.url = test::unreachable_url();
  o.connectTimeout = 500ms;
  Client client(o);
  EXPECT_FALSE(client.ping());
  try {
    client.command({"PING"});
    FAIL() << "expected AppError";
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_EQ(std::string(e.what()).rfind("Redis", 0), 0u) << e.what();
  }
}

TEST(RedisClientOffline, AfterAFailedConnectCallsFailFastForAWhile) {
  ClientOptions o;
  o.url = "redis://10.255.255.1:6379";  // unroutable: a connect waits for its timeout
  o.connectTimeout = 300ms;
  o.reconnectDelay = 2s;
  Client client(o);
  EXPECT_THROW(client.command({"PING"}), AppError);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) EXPECT_THROW(client.command({"PING"}), AppError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);
}

class RedisClientTest : public RedisTest {};

TEST_F(RedisClientTest, PingsAndRoundTripsBinarySafeValues) {
  EXPECT_TRUE(client_->ping());
  // NUL bytes, CR LF and what would be a second command in an inline protocol stay one value.
  const std::string value = "a\0b\r\nFLUSHALL\r\n*1\r\n$4\r\nPING\r\n\xff"s;
  const std::string key = prefix_ + "k\0ey\r\n"s;
  EXPECT_EQ(client_->call({"SET", key, value}).as_string(), "OK");
  Reply got = client_->call({"GET", key});
  EXPECT_EQ(got.type, Reply::Type::String);
  EXPECT_EQ(got.str, value);
  EXPECT_EQ(client_->call({"EXISTS", key}).as_integer(), 1);
}

TEST_F(RedisClientTest, ReturnsEveryReplyType) {
  EXPECT_TRUE(client_->call({"GET", prefix_ + "missing"}).is_nil());
  EXPECT_EQ(client_->call({"INCRBY", prefix_ + "n", "41"}).as_integer(), 41);
  client_->call({"RPUSH", prefix_ + "list", "x", "", "z"});
  Reply list = client_->call({"LRANGE", prefix_ + "list", "0", "-1"});
  ASSERT_EQ(list.as_array().size(), 3u);
  EXPECT_EQ(list.elements[1].str, "");
  EXPECT_EQ(client_->call({"PING"}).type, Reply::Type::Status);

  client_->call({"SET", prefix_ + "s", "text"});
  Reply error = client_->command({"INCR", prefix_ + "s"});
  EXPECT_TRUE(error.is_error());
  EXPECT_TRUE(error.error_starts_with("ERR"));
  try {
    client_->call({"INCR", prefix_ + "s"});
    FAIL() << "expected AppError";
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
  }
  EXPECT_THROW(client_->call({"GET", prefix_ + "s"}).as_integer(), AppError);
}

TEST_F(RedisClientTest, RunsScriptsAndReloadsThemAfterTheCacheIsFlushed) {
  const Script script("return {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1}");
  EXPECT_EQ(script.sha1().size(), 40u);
  auto check = [&] {
    Reply r = client_->eval(script, {prefix_ + "k"}, {"v", "41"});
    const auto& a = r.as_array();
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0].str, prefix_ + "k");
    EXPECT_EQ(a[1].str, "v");
    EXPECT_EQ(a[2].as_integer(), 42);
  };
  check();
  client_->call({"SCRIPT", "FLUSH"});
  check();  // NOSCRIPT → EVAL
  check();  // cached again
}

TEST_F(RedisClientTest, ServesManyThreadsAtOnce) {
  constexpr int kThreads = 8, kEach = 500;
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        try {
          client_->call({"INCR", prefix_ + "counter"});
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(client_->call({"GET", prefix_ + "counter"}).as_integer(), kThreads * kEach);
}

TEST_F(RedisClientTest, RecoversAfterTheServerDropsItsConnections) {
  // Warm several pooled connections, then have the server close every normal client.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) client_->call({"INCR", prefix_ + "warm"});
    });
  for (auto& t : threads) t.join();
  ClientOptions admin = options();
  admin.clientName = "admin";
  Client killer(admin);
  EXPECT_GE(test::kill_connections(killer, connectionName_), 1);
  // Every dropped idle connection is noticed before use: no call fails.
  for (int i = 0; i < 20; ++i) EXPECT_NO_THROW(client_->call({"INCR", prefix_ + "after"}));
  EXPECT_EQ(client_->call({"GET", prefix_ + "after"}).as_integer(), 20);
}

TEST(RedisClientOwnServer, FailsWhileRedisIsDownAndRecoversWhenItIsBack) {
  LSO_REQUIRE_REDIS_OR_SKIP();
  test::OwnRedisServer server;
  LSO_START_OWN_REDIS_OR_SKIP(server);
  ClientOptions o;
  o.url = server.url();
  o.connectTimeout = 500ms;
  o.commandTimeout = 1000ms;
  Client client(o);
  ASSERT_EQ(client.call({"SET", "k", "1"}).as_string(), "OK");

  server.stop();
  EXPECT_FALSE(client.ping());
  EXPECT_THROW(client.call({"GET", "k"}), AppError);

  ASSERT_TRUE(server.start());
  EXPECT_TRUE(test::eventually([&] { return client.ping(); }));
  EXPECT_TRUE(client.call({"GET", "k"}).is_nil());  // a fresh server without persistence
}

TEST(RedisClientOwnServer, AuthenticatesAndSelectsTheDatabase) {
  LSO_REQUIRE_REDIS_OR_SKIP();
  test::OwnRedisServer server({"--requirepass", "p@ss word"});
  LSO_START_OWN_REDIS_OR_SKIP(server);

  ClientOptions o;
  o.url = server.url(":p%40ss%20word") + "/3";
  Client db3(o);
  EXPECT_TRUE(db3.ping());
  db3.call({"SET", "only-in-3", "x"});
  o.url = server.url(":p%40ss%20word");
  Client db0(o);
  EXPECT_TRUE(db0.call({"GET", "only-in-3"}).is_nil());

  o.url = server.url(":wrong");
  Client wrong(o);
  try {
    wrong.command({"PING"});
    FAIL() << "expected AppError";
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_NE(std::string(e.what()).find("AUTH"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lso::redis
