// RedisEventBus: the subscriber thread's connect → SUBSCRIBE → read loop, its reconnect backoff,
// and best-effort PUBLISH through the pool.
#include "redis/event_bus.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "domain/errors.hpp"

namespace lso::redis {

namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A subscription that stays silent this long is probed with PING, so a connection that died
// without a FIN (network partition) is noticed within about one interval plus a timeout.
constexpr milliseconds kPingInterval{5000};

[[noreturn]] void lost(const std::string& why) {
  throw domain::AppError(domain::ErrorKind::Unavailable, "Redis subscription " + why);
}

}  // namespace

RedisEventBus::RedisEventBus(Client& client, EventBusOptions options)
    : client_(client), options_(std::move(options)), thread_([this] { run(); }) {}

RedisEventBus::~RedisEventBus() {
  stopping_ = true;
  stop_.notify();
  thread_.join();
}

void RedisEventBus::publish(std::string_view message) {
  try {
    client_.call({"PUBLISH", options_.channel, message});
    publishLog_.succeeded();
  } catch (const std::exception& e) {
    publishLog_.failed(e);
  }
}

void RedisEventBus::subscribe(std::function<void(std::string_view)> handler) {
  const std::lock_guard lock(handlerMutex_);
  handler_ = std::move(handler);
}

void RedisEventBus::deliver(std::string_view message) {
  const std::lock_guard lock(handlerMutex_);
  if (!handler_) return;
  try {
    handler_(message);
  } catch (const std::exception& e) {
    spdlog::error("event bus handler failed: {}", e.what());
  }
}

void RedisEventBus::run() {
  milliseconds backoff = options_.minBackoff;
  while (!stopping_) {
    try {
      listen();
    } catch (const std::exception& e) {
      subscribeLog_.failed(e);
    }
    const bool wasSubscribed = subscribed_.exchange(false);
    if (stopping_) break;
    if (wasSubscribed) backoff = options_.minBackoff;  // a fresh outage starts with a short delay
    pollfd p{stop_.fd(), POLLIN, 0};
    poll(&p, 1, static_cast<int>(backoff.count()));
    backoff = std::min(backoff * 2, options_.maxBackoff);
  }
}

void RedisEventBus::listen() {
  const milliseconds timeout = client_.options().commandTimeout;
  auto connection = client_.connect_dedicated(timeout);
  connection->send(std::initializer_list<std::string_view>{"SUBSCRIBE", options_.channel});
  auto confirm = connection->receive(timeout, stop_.fd());
  if (stopping_) return;
  if (!confirm) lost("was not confirmed in time");
  if (!confirm->is_array() || confirm->elements.size() != 3 ||
      confirm->elements[0].str != "subscribe")
    lost("was refused: " + (confirm->is_error() ? confirm->str : std::string("unexpected reply")));
  subscribed_ = true;
  subscribeLog_.succeeded();
  spdlog::info("event bus subscribed to Redis channel {}", options_.channel);

  auto lastHeard = Clock::now();
  bool awaitingPong = false;
  Clock::time_point pongDue{};
  while (!stopping_) {
    auto reply = connection->receive(milliseconds(500), stop_.fd());
    const auto now = Clock::now();
    if (!reply) {
      if (awaitingPong && now > pongDue) lost("stopped answering PING");
      if (!awaitingPong && now - lastHeard >= kPingInterval) {
        connection->send(std::initializer_list<std::string_view>{"PING"});
        awaitingPong = true;
        pongDue = now + timeout;
      }
      continue;
    }
    lastHeard = now;
    awaitingPong = false;
    // Pushes are ["message", channel, payload]; ["pong", ""] answers our probe.
    if (reply->is_array() && reply->elements.size() == 3 && reply->elements[0].str == "message")
      deliver(reply->elements[2].str);
  }
}

}  // namespace lso::redis
