// Periodic background jobs on one thread: reconciliation every RECONCILIATION_INTERVAL and the
// hourly cleanup of processed webhook ids older than their retention.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lso::app {

class Scheduler {
 public:
  void every(std::string name, std::chrono::milliseconds period, std::function<void()> job);
  void start();
  void stop();
  ~Scheduler() { stop(); }

 private:
  struct Job {
    std::string name;
    std::chrono::milliseconds period;
    std::function<void()> fn;
    std::chrono::steady_clock::time_point next;
  };
  std::vector<Job> jobs_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace lso::app
