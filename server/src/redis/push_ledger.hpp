// The viewer-count push ledger shared by every instance (viewer-count throttling): one decision per
// livestream across N instances, so a change is pushed once, not once per instance that saw it.
#pragma once

#include <chrono>
#include <string>

#include "domain/coordination.hpp"
#include "redis/client.hpp"

namespace lso::redis {

struct PushLedgerOptions {
  std::string keyPrefix = "lso:push:";  // hash per livestream: {count, at (ms, Redis TIME)}
  std::chrono::seconds ttl{86400};      // a ledger entry no push refreshes for this long goes away
};

// Each try_push() is one Lua script applying domain::push_due atomically against the last push,
// timed by Redis's clock so instances with skewed clocks agree.
//
// When Redis fails, try_push() answers true: an extra update is harmless, a lost one leaves
// viewers with a stale count. forget() then only logs.
class RedisPushLedger final : public domain::PushLedger {
 public:
  explicit RedisPushLedger(Client& client, PushLedgerOptions options = {});

  bool try_push(std::string_view livestreamId, std::int64_t count,
                std::chrono::milliseconds interval) override;
  void forget(std::string_view livestreamId) override;

 private:
  Client& client_;
  const PushLedgerOptions options_;
  OutageLog outage_{"Redis push ledger (pushing every change)"};
};

}  // namespace lso::redis
