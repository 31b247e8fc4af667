// A clock the tests set by hand, so token lifetimes can be checked at exact instants.
#pragma once

#include <chrono>
#include <cstdint>

#include "domain/clock.hpp"

namespace lso::livekit::testing {

class FixedTime final : public domain::TimeSource {
 public:
  explicit FixedTime(std::int64_t epochSeconds) { set(epochSeconds); }
  void set(std::int64_t epochSeconds) {
    now_ = domain::TimePoint{std::chrono::seconds{epochSeconds}};
  }
  domain::TimePoint now() const override { return now_; }

 private:
  domain::TimePoint now_;
};

}  // namespace lso::livekit::testing
