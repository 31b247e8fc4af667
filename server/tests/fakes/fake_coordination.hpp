// The ports instances share, in memory: an event bus that keeps what was published (and lets a
// test wait for it), a push ledger deciding by the shared throttling rule, and a job lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/coordination.hpp"

namespace lso::fakes {

class FakeEventBus final : public domain::EventBus {
 public:
  void publish(std::string_view message) override {
    std::function<void(std::string_view)> handler;
    {
      const std::lock_guard lock(mutex_);
      published_.emplace_back(message);
      handler = handler_;
    }
    changed_.notify_all();
    if (handler) handler(message);
  }
  void subscribe(std::function<void(std::string_view)> handler) override {
    const std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }
  bool healthy() const override { return true; }

  std::vector<std::string> published() const {
    const std::lock_guard lock(mutex_);
    return published_;
  }
  // Waits until `done(published)` holds, at most `limit` (a condition, not a fixed sleep).
  template <class Pred>
  bool wait_until(Pred done, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return done(published_); });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> published_;
  std::function<void(std::string_view)> handler_;
};

// Decides by domain::push_due, like every real ledger; time is the steady clock unless a test
// sets `now`.
class FakePushLedger final : public domain::PushLedger {
 public:
  using Clock = std::chrono::steady_clock;
  bool try_push(std::string_view livestreamId, std::int64_t count,
                std::chrono::milliseconds interval) override {
    const std::lock_guard lock(mutex_);
    const auto t = now ? now() : Clock::now();
    auto it = last_.find(livestreamId);
    const bool have = it != last_.end();
    const auto since =
        have ? std::chrono::duration_cast<std::chrono::milliseconds>(t - it->second.at).count() : 0;
    const bool due =
        domain::push_due(have, have ? it->second.count : 0, count, since, interval.count());
    ++tries;
    if (due) last_[std::string(livestreamId)] = {count, t};
    return due;
  }
  void forget(std::string_view livestreamId) override {
    const std::lock_guard lock(mutex_);
    forgotten.insert(std::string(livestreamId));
    if (auto it = last_.find(livestreamId); it != last_.end()) last_.erase(it);
  }

  std::function<Clock::time_point()> now;
  int tries = 0;
  std::set<std::string> forgotten;

 private:
  struct Last {
    std::int64_t count = 0;
    Clock::time_point at{};
  };
  std::mutex mutex_;
  std::map<std::string, Last, std::less<>> last_;
};

class FakeJobLock final : public domain::JobLock {
 public:
  bool try_lock(std::string_view name, std::chrono::milliseconds) override {
    const std::lock_guard lock(mutex_);
    if (heldElsewhere || held_.count(std::string(name))) return false;
    held_.insert(std::string(name));
    return true;
  }
  void unlock(std::string_view name) override {
    const std::lock_guard lock(mutex_);
    held_.erase(std::string(name));
  }
  bool held(std::string_view name) const {
    const std::lock_guard lock(mutex_);
    return held_.count(std::string(name)) != 0;
  }
  bool heldElsewhere = false;  // another instance holds every lock

 private:
  mutable std::mutex mutex_;
  std::set<std::string> held_;
};

}  // namespace lso::fakes
