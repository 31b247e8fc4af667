// Time as the domain sees it: injectable so tests can hold or move it.
#pragma once

#include "domain/model.hpp"

namespace lso::domain {

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual TimePoint now() const = 0;
};

class SystemTimeSource final : public TimeSource {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(Clock::now());
  }
};

}  // namespace lso::domain
