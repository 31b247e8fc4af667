// Embedded-mode coordination: a function call for the bus, maps under a mutex for the rest.
#include "events/local_coordination.hpp"

namespace lso::events {

void LocalEventBus::publish(std::string_view message) {
  if (handler_) handler_(message);
}

void LocalEventBus::subscribe(std::function<void(std::string_view)> handler) {
  handler_ = std::move(handler);
}

bool LocalPushLedger::try_push(std::string_view livestreamId, std::int64_t count,
                               std::chrono::milliseconds interval) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto it = last_.find(std::string(livestreamId));
  const bool have = it != last_.end();
  const auto since =
      have ? std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second.at).count() : 0;
  if (!domain::push_due(have, have ? it->second.count : 0, count, since, interval.count()))
    return false;
  last_[std::string(livestreamId)] = {count, now};
  return true;
}

void LocalPushLedger::forget(std::string_view livestreamId) {
  std::lock_guard lock(mutex_);
  last_.erase(std::string(livestreamId));
}

bool LocalJobLock::try_lock(std::string_view name, std::chrono::milliseconds ttl) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto it = held_.find(name);
  if (it != held_.end() && it->second > now) return false;
  held_[std::string(name)] = now + ttl;
  return true;
}

void LocalJobLock::unlock(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = held_.find(name); it != held_.end()) held_.erase(it);
}

}  // namespace lso::events
