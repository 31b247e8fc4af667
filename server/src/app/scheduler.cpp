// Scheduler loop: run what is due, sleep until the next one; a failing job is logged, not fatal.
#include "app/scheduler.hpp"

#include <spdlog/spdlog.h>

namespace lso::app {

void Scheduler::every(std::string name, std::chrono::milliseconds period,
                      std::function<void()> job) {
  jobs_.push_back(
      {std::move(name), period, std::move(job), std::chrono::steady_clock::now() + period});
}

void Scheduler::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      auto next = std::chrono::steady_clock::time_point::max();
      for (auto& j : jobs_) {
        if (j.next <= std::chrono::steady_clock::now()) {
          lock.unlock();
          try {
            j.fn();
          } catch (const std::exception& e) {
            spdlog::error("background job {} failed: {}", j.name, e.what());
          }
          lock.lock();
          j.next = std::chrono::steady_clock::now() + j.period;
          if (stop_) return;
        }
        next = std::min(next, j.next);
      }
      cv_.wait_until(lock, next, [this] { return stop_; });
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace lso::app
