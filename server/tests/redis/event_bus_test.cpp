// RedisEventBus: delivery between two instances, binary payloads, recovery after the server
// drops the subscriber or restarts, best-effort publish while Redis is down.
#include "redis/event_bus.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "redis_fixture.hpp"

namespace lso::redis {
namespace {

using test::eventually;
using test::RedisTest;
using namespace std::chrono_literals;
using namespace std::string_literals;

// What one instance's subscriber received.
struct Inbox {
  std::mutex mutex;
  std::vector<std::string> messages;
  void attach(RedisEventBus& bus) {
    bus.subscribe([this](std::string_view m) {
      const std::lock_guard lock(mutex);
      messages.emplace_back(m);
    });
  }
  std::size_t count(const std::string& m) {
    const std::lock_guard lock(mutex);
    return static_cast<std::size_t>(std::count(messages.begin(), messages.end(), m));
  }
};

EventBusOptions bus_options(const std::string& prefix) {
  EventBusOptions o;
  o.channel = prefix + "events";
  o.minBackoff = 20ms;
  o.maxBackoff = 200ms;
  return o;
}

class RedisEventBusTest : public RedisTest {};

TEST_F(RedisEventBusTest, DeliversToEveryInstanceIncludingThePublisher) {
  Client otherClient(options());  // a second instance has its own pool
  Inbox inboxA, inboxB;           // before the buses: outlives their threads
  RedisEventBus a(*client_, bus_options(prefix_));
  RedisEventBus b(otherClient, bus_options(prefix_));
  inboxA.attach(a);
  inboxB.attach(b);
  ASSERT_TRUE(eventually([&] { return a.healthy() && b.healthy(); }));

  a.publish("from a");
  b.publish("from b\0\r\n\xff"s);
  EXPECT_TRUE(
      eventually([&] { return inboxA.count("from a") == 1 && inboxB.count("from a") == 1; }));
  const std::string binary = "from b\0\r\n\xff"s;
  EXPECT_TRUE(eventually([&] { return inboxA.count(binary) == 1 && inboxB.count(binary) == 1; }));
}

TEST_F(RedisEventBusTest, OtherChannelsStaySeparate) {
  Inbox inboxB;
  RedisEventBus a(*client_, bus_options(prefix_ + "one:"));
  RedisEventBus b(*client_, bus_options(prefix_ + "two:"));
  inboxB.attach(b);
  ASSERT_TRUE(eventually([&] { return a.healthy() && b.healthy(); }));
  a.publish("only one");
  b.publish("only two");
  EXPECT_TRUE(eventually([&] { return inboxB.count("only two") == 1; }));
  EXPECT_EQ(inboxB.count("only one"), 0u);
}

TEST_F(RedisEventBusTest, ResubscribesAfterTheServerDropsTheSubscriber) {
  Inbox inbox;
  RedisEventBus bus(*client_, bus_options(prefix_));
  inbox.attach(bus);
  ASSERT_TRUE(eventually([&] { return bus.healthy(); }));

  ClientOptions admin = options();
  admin.clientName = "admin";
  Client killer(admin);
  ASSERT_GE(test::kill_connections(killer, connectionName_), 1);
  // It notices, reconnects and subscribes again; then messages flow as before.
  ASSERT_TRUE(eventually([&] {
    bus.publish("after kill");
    return inbox.count("after kill") > 0;
  }));
  EXPECT_TRUE(bus.healthy());
}

TEST(RedisEventBusOwnServer, UnhealthyWhileRedisIsDownThenRecovers) {
  LSO_REQUIRE_REDIS_OR_SKIP();
  test::OwnRedisServer server;
  LSO_START_OWN_REDIS_OR_SKIP(server);
  ClientOptions o;
  o.url = server.url();
  o.connectTimeout = 300ms;
  o.commandTimeout = 500ms;
  Client client(o);
  Inbox inbox;
  RedisEventBus bus(client, bus_options("own:"));
  inbox.attach(bus);
  ASSERT_TRUE(eventually([&] { return bus.healthy(); }));

  server.stop();
  EXPECT_TRUE(eventually([&] { return !bus.healthy(); }));
  EXPECT_NO_THROW(bus.publish("lost"));  // best effort: no exception, logged once

  ASSERT_TRUE(server.start());
  EXPECT_TRUE(eventually([&] { return bus.healthy(); }));
  EXPECT_TRUE(eventually([&] {
    bus.publish("back");
    return inbox.count("back") > 0;
  }));
  EXPECT_EQ(inbox.count("lost"), 0u);
}

TEST(RedisEventBusOffline, StartsAndStopsPromptlyWithoutRedis) {
  ClientOptions o;
  o.url = test::unreachable_url();
  o.connectTimeout = 200ms;
  Client client(o);
  const auto started = std::chrono::steady_clock::now();
  {
    RedisEventBus bus(client, bus_options("offline:"));
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(bus.healthy());
    EXPECT_NO_THROW(bus.publish("nowhere"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

}  // namespace
}  // namespace lso::redis
