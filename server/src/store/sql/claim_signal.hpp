// The blocking part of WebhookQueue::claim() shared by the SQL queues: wait for a wake-up from
// this process (enqueue, retry), poll now and then for work other processes added or whose retry
// delay ran out, and stop at once on close().
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace lso::store::sql {

class ClaimSignal {
 public:
  using Clock = std::chrono::steady_clock;

  // Take a ticket before looking for work; wait(ticket, …) then returns at once if notify()
  // came in between, so a wake-up is never lost between the look and the wait.
  std::uint64_t ticket() {
    const std::lock_guard lock(mutex_);
    return generation_;
  }
  void notify() {
    {
      const std::lock_guard lock(mutex_);
      ++generation_;
    }
    changed_.notify_all();
  }
  void close() {
    {
      const std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }
  bool closed() {
    const std::lock_guard lock(mutex_);
    return closed_;
  }
  void wait(std::uint64_t ticket, Clock::time_point until) {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, until, [&] { return closed_ || generation_ != ticket; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t generation_ = 0;
  bool closed_ = false;
};

// claim() of the SQL queues: try_claim() runs one claiming transaction and returns the job or
// nullopt; between tries it waits for a notify() or at most `poll`.
template <class Job, class TryClaim>
std::optional<Job> claim_with_wait(ClaimSignal& signal, std::chrono::milliseconds wait,
                                   std::chrono::milliseconds poll, TryClaim&& try_claim) {
  const auto deadline = ClaimSignal::Clock::now() + wait;
  for (;;) {
    if (signal.closed()) {
      return std::nullopt;
    }
    const auto ticket = signal.ticket();
    if (auto job = try_claim()) {
      return job;
    }
    const auto now = ClaimSignal::Clock::now();
    if (now >= deadline) {
      return std::nullopt;
    }
    signal.wait(ticket, std::min(deadline, now + poll));
  }
}

}  // namespace lso::store::sql
