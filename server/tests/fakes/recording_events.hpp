// A LivestreamEvents sink that keeps what the domain announced, in order.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "domain/events.hpp"

namespace lso::fakes {

class RecordingEvents final : public domain::LivestreamEvents {
 public:
  struct Changed {
    std::string id;
    domain::LivestreamStatus status;
    bool created;
  };
  struct State {
    std::string id;
    domain::StateChange change;
  };
  void livestream_changed(const domain::Livestream& l, bool created) override {
    const std::lock_guard lock(mutex_);
    changed.push_back({l.id, l.status, created});
  }
  void state_changed(const std::string& id, domain::StateChange change) override {
    const std::lock_guard lock(mutex_);
    states.push_back({id, change});
  }
  bool saw(const std::string& id, domain::StateChange change) const {
    const std::lock_guard lock(mutex_);
    for (const auto& s : states)
      if (s.id == id && s.change == change) return true;
    return false;
  }

  std::vector<Changed> changed;
  std::vector<State> states;

 private:
  mutable std::mutex mutex_;
};

}  // namespace lso::fakes
