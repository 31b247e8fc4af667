// A clock that moves only when a test says so: the domain's TimeSource, held still or advanced.
#pragma once

#include <atomic>
#include <chrono>

#include "domain/clock.hpp"

namespace lso::fakes {

class FakeClock final : public domain::TimeSource {
 public:
  // Starts at a fixed, readable instant (2026-01-01T00:00:00Z), not at the system's time.
  FakeClock() : FakeClock(domain::TimePoint(std::chrono::seconds(1767225600))) {}
  explicit FakeClock(domain::TimePoint start) : micros_(start.time_since_epoch().count()) {}

  domain::TimePoint now() const override {
    return domain::TimePoint(std::chrono::microseconds(micros_.load()));
  }
  void set(domain::TimePoint t) { micros_ = t.time_since_epoch().count(); }
  template <class Rep, class Period>
  void advance(std::chrono::duration<Rep, Period> d) {
    micros_ += std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  }

 private:
  std::atomic<std::int64_t> micros_;
};

}  // namespace lso::fakes
