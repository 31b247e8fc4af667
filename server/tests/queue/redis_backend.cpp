// Registers the Redis Streams webhook queue with the conformance suite. The server comes from
// LSO_TEST_REDIS_URL (cases skip when it is unset, fail when LSO_REQUIRE_REDIS=1); each case
// gets a key prefix of its own, and its keys are deleted when the next case starts or at exit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "backends.hpp"
#include "redis/client.hpp"
#include "redis/webhook_queue.hpp"

namespace lso::test {
namespace {

std::string server_url() {
  const char* url = std::getenv("LSO_TEST_REDIS_URL");
  return url != nullptr ? url : "";
}

redis::ClientOptions client_options() {
  redis::ClientOptions o;
  o.url = server_url();
  o.poolSize = 16;
  o.clientName = "lso-queue-conformance";
  return o;
}

// The current case's key prefix; the previous case's keys are deleted when it changes and the
// last case's at exit.
class Scratch {
 public:
  ~Scratch() { drop(); }
  void next_case() {
    drop();
    static std::mt19937_64 rng{std::random_device{}()};
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info != nullptr ? info->name() : "case";
    for (auto& c : name)
      if (c == '/') c = '_';
    prefix_ = "lso-qtest:" + name + ":" + std::to_string(rng() % 1000000000) + ":";
  }
  const std::string& prefix() const { return prefix_; }

 private:
  void drop() noexcept {
    if (prefix_.empty()) return;
    try {
      redis::Client client(client_options());
      std::string cursor = "0";
      do {
        redis::Reply r = client.call({"SCAN", cursor, "MATCH", prefix_ + "*", "COUNT", "1000"});
        cursor = r.as_array().at(0).as_string();
        for (const auto& key : r.as_array().at(1).as_array()) client.call({"DEL", key.as_string()});
      } while (cursor != "0");
    } catch (const std::exception&) {
      // Best effort: a missing server was reported by the case itself.
    }
    prefix_.clear();
  }
  std::string prefix_;
};

Scratch& scratch() {
  static Scratch s;
  return s;
}

// A queue owning its client, as one instance would: two make() calls are two instances with
// separate connections and consumer names on the same keys.
class OwningRedisQueue final : public domain::WebhookQueue {
 public:
  OwningRedisQueue(std::chrono::milliseconds lease, const std::string& instance)
      : client_(client_options()), queue_(client_, options(lease, instance)) {}
  std::string_view backend() const override { return queue_.backend(); }
  bool enqueue(std::string_view id, std::string_view body) override {
    return queue_.enqueue(id, body);
  }
  std::optional<domain::WebhookJob> claim(std::chrono::milliseconds wait) override {
    return queue_.claim(wait);
  }
  std::vector<domain::WebhookJob> claim_ready(std::size_t max) override {
    return queue_.claim_ready(max);
  }
  void complete(const domain::WebhookJob& job) override { queue_.complete(job); }
  void complete_all(std::span<const domain::WebhookJob> jobs) override {
    queue_.complete_all(jobs);
  }
  void renew(std::span<const domain::WebhookJob> jobs) override { queue_.renew(jobs); }
  void release(std::span<const domain::WebhookJob> jobs) override { queue_.release(jobs); }
  void retry(const domain::WebhookJob& job, std::chrono::milliseconds delay,
             std::string_view error) override {
    queue_.retry(job, delay, error);
  }
  void bury(const domain::WebhookJob& job, std::string_view error) override {
    queue_.bury(job, error);
  }
  std::vector<domain::DeadJob> list_dead(std::size_t limit,
                                         std::optional<std::string_view> afterId) override {
    return queue_.list_dead(limit, afterId);
  }
  std::optional<domain::DeadJob> find_dead(std::string_view id) override {
    return queue_.find_dead(id);
  }
  bool replay_dead(std::string_view id) override { return queue_.replay_dead(id); }
  bool drop_dead(std::string_view id) override { return queue_.drop_dead(id); }
  domain::QueueCounts counts() override { return queue_.counts(); }
  void close() override { queue_.close(); }

 private:
  static redis::WebhookQueueOptions options(std::chrono::milliseconds lease,
                                            const std::string& instance) {
    redis::WebhookQueueOptions o;
    o.keyPrefix = scratch().prefix();
    o.lease = lease;
    o.consumer = instance;
    o.pollSlice = std::chrono::milliseconds(50);  // notice expired leases quickly in tests
    return o;
  }
  redis::Client client_;
  redis::RedisWebhookQueue queue_;
};

const QueueBackendRegistrar registrar{QueueBackend{
    "redis",
    [] { return server_url().empty() ? std::string("LSO_TEST_REDIS_URL is not set") : ""; },
    [] { return env_flag("LSO_REQUIRE_REDIS"); }, [] { scratch().next_case(); },
    [](std::chrono::milliseconds lease,
       const std::string& instance) -> std::unique_ptr<domain::WebhookQueue> {
      return std::make_unique<OwningRedisQueue>(lease, instance);
    }}};

}  // namespace
}  // namespace lso::test
