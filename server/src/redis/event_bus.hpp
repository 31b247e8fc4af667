// The production event bus (livestream events to every instance's SSE subscribers): Redis Pub/Sub
// on one channel, so an event published on any instance reaches the subscriber of every instance,
// this one included.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "domain/coordination.hpp"
#include "redis/client.hpp"

namespace lso::redis {

struct EventBusOptions {
  std::string channel = "lso:events";
  std::chrono::milliseconds minBackoff{100};  // first reconnect delay after losing the subscription
  std::chrono::milliseconds maxBackoff{2000};
};

// One dedicated subscriber connection and thread per instance. While Redis is away the thread
// reconnects with growing backoff, forever, and healthy() is false; messages published in that
// time are lost (Pub/Sub keeps nothing), which the port allows: SSE clients resync from `state`.
// publish() goes through the shared pool and never throws: best effort, failures are logged once
// per outage.
class RedisEventBus final : public domain::EventBus {
 public:
  RedisEventBus(Client& client, EventBusOptions options = {});
  ~RedisEventBus() override;  // stops and joins the subscriber thread
  RedisEventBus(const RedisEventBus&) = delete;
  RedisEventBus& operator=(const RedisEventBus&) = delete;

  void publish(std::string_view message) override;
  void subscribe(std::function<void(std::string_view message)> handler) override;
  bool healthy() const override { return subscribed_.load(); }

 private:
  void run();
  // Holds one subscription until it breaks or stop; throws AppError(Unavailable) when it breaks.
  void listen();
  void deliver(std::string_view message);

  Client& client_;
  const EventBusOptions options_;
  WakeSignal stop_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> subscribed_{false};
  std::mutex handlerMutex_;
  std::function<void(std::string_view)> handler_;
  OutageLog publishLog_{"Redis event bus publish"};
  OutageLog subscribeLog_{"Redis event bus subscription"};
  std::thread thread_;  // last: starts once every other member exists
};

}  // namespace lso::redis
