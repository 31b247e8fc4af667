// The reply cache's view of livestream events: a livestream changing on this instance empties
// the cache at once (other instances learn it from the bus), then the events go on to `next`
// (the broadcaster).
#pragma once

#include <string>

#include "api/reply_cache.hpp"
#include "domain/events.hpp"

namespace lso::api {

class InvalidatingEvents final : public domain::LivestreamEvents {
 public:
  InvalidatingEvents(domain::LivestreamEvents& next, ReplyCache& cache)
      : next_(next), cache_(cache) {}
  void livestream_changed(const domain::Livestream& l, bool created) override {
    cache_.invalidate_all();
    next_.livestream_changed(l, created);
  }
  void state_changed(const std::string& id, domain::StateChange change) override {
    next_.state_changed(id, change);
  }
  void chat_message(const domain::ChatMessage& m) override { next_.chat_message(m); }
  void chat_message_deleted(const std::string& id, const std::string& messageId) override {
    next_.chat_message_deleted(id, messageId);
  }
  void stage_changed(const std::string& id) override { next_.stage_changed(id); }

 private:
  domain::LivestreamEvents& next_;
  ReplyCache& cache_;
};

}  // namespace lso::api
