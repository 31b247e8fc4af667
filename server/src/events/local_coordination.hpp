// In-process implementations of the coordination ports (domain/coordination.hpp) for embedded
// mode, where one instance is the whole deployment.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/coordination.hpp"

namespace lso::events {

// Delivers synchronously on the publishing thread.
class LocalEventBus final : public domain::EventBus {
 public:
  void publish(std::string_view message) override;
  void subscribe(std::function<void(std::string_view)> handler) override;
  bool healthy() const override { return true; }

 private:
  std::function<void(std::string_view)> handler_;
};

class LocalPushLedger final : public domain::PushLedger {
 public:
  bool try_push(std::string_view livestreamId, std::int64_t count,
                std::chrono::milliseconds interval) override;
  void forget(std::string_view livestreamId) override;

 private:
  struct Last {
    std::int64_t count = 0;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Last> last_;
};

class LocalJobLock final : public domain::JobLock {
 public:
  bool try_lock(std::string_view name, std::chrono::milliseconds ttl) override;
  void unlock(std::string_view name) override;

 private:
  std::mutex mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> held_;
};

}  // namespace lso::events
