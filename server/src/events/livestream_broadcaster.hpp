// Turns domain changes into bus messages for SSE: livestream lifecycle at once; live state
// coalesced per livestream, read from the database (the source of truth), and viewer-count
// updates throttled through the shared push ledger, with a trailing flush so a small change is
// never left unsent. Runs on its own thread: domain callers only mark a livestream dirty.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "domain/coordination.hpp"
#include "domain/events.hpp"
#include "domain/store.hpp"

namespace lso::events {

class LivestreamBroadcaster final : public domain::LivestreamEvents {
 public:
  struct Options {
    std::chrono::milliseconds throttle{5000};  // small viewer-count changes at most this often
    // At most one state read per livestream per this interval: a burst of joins into a big
    // livestream costs a few reads a second, not one per join (state is O(participants)).
    std::chrono::milliseconds coalesce{200};
    // Pushed events are built once for every subscriber, so they carry the view everyone may
    // see: user ids only in open mode (AUTH_MODE=open), display names otherwise.
    bool userIds = true;
  };
  LivestreamBroadcaster(domain::Store& store, domain::EventBus& bus, domain::PushLedger& ledger,
                        Options options);
  ~LivestreamBroadcaster() override;

  void livestream_changed(const domain::Livestream& livestream, bool created) override;
  void state_changed(const std::string& livestreamId, domain::StateChange change) override;
  // Chat and stage events go out at once from the caller's thread (one bus publish each).
  void chat_message(const domain::ChatMessage& message) override;
  void chat_message_deleted(const std::string& livestreamId, const std::string& messageId) override;
  void stage_changed(const std::string& livestreamId) override;

  void stop();

 private:
  void run();
  void flush(const std::string& id, unsigned changes);

  domain::Store& store_;
  domain::EventBus& bus_;
  domain::PushLedger& ledger_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::unordered_map<std::string, unsigned> pending_;  // id → bits of StateChange
  std::map<std::string, std::chrono::steady_clock::time_point> trailing_;  // id → when to re-check
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> lastRead_;
  // How long the last state read of a livestream took: big livestreams are read less often, so
  // state reads stay under ~10% of a core however many participants there are.
  std::unordered_map<std::string, std::chrono::steady_clock::duration> readCost_;
  // Who was connected at the last flush: a change the viewer count does not show (the host
  // arrives, a person leaves while another arrives) goes out at once, unthrottled.
  struct Shape {
    std::size_t people = 0;  // a hash of their user ids
    bool host = false;
    std::int64_t viewers = 0;
  };
  std::unordered_map<std::string, Shape> lastShape_;
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, unsigned>> deferred_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace lso::events
