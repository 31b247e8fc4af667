// Webhook events as LiveKit sends them, and the way the queue's workers apply them, for the effect
// tests of every backend.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "domain/clock.hpp"
#include "domain/webhook_processor.hpp"

namespace lso::store::test {

// A clock the test moves.
class ManualTime final : public domain::TimeSource {
 public:
  explicit ManualTime(domain::TimePoint t) : now_(t) {}
  domain::TimePoint now() const override { return now_.load(); }
  void advance(std::chrono::microseconds d) { now_ = now_.load() + d; }

 private:
  std::atomic<domain::TimePoint> now_;
};

inline domain::WebhookEvent participant_event(const std::string& name, const std::string& room,
                                              const std::string& identity, const std::string& sid,
                                              const std::string& eventId) {
  domain::WebhookEvent e;
  e.id = eventId;
  e.event = name;
  e.createdAt =
      std::chrono::duration_cast<std::chrono::seconds>(domain::Clock::now().time_since_epoch())
          .count();
  e.room = domain::Room{};
  e.room->name = room;
  e.room->sid = "RM_" + room;
  e.participant = domain::RoomParticipant{};
  e.participant->identity = identity;
  e.participant->sid = sid;
  e.participant->name = identity;
  return e;
}

// Applies the events from `threads` threads, taking them in order from one shared index, in
// batches of `batch` (as the workers claim them); a failed event is applied again, as a retry.
inline void apply_concurrently(domain::WebhookProcessor& processor,
                               const std::vector<domain::WebhookEvent>& events, int threads,
                               std::size_t batch) {
  std::atomic<std::size_t> next{0};
  std::latch start(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      start.arrive_and_wait();
      for (;;) {
        const std::size_t from = next.fetch_add(batch);
        if (from >= events.size()) return;
        std::vector<domain::WebhookEvent> mine(
            events.begin() + static_cast<std::ptrdiff_t>(from),
            events.begin() + static_cast<std::ptrdiff_t>(std::min(from + batch, events.size())));
        auto results = processor.apply_batch(mine);
        for (std::size_t i = 0; i < mine.size(); ++i) {
          for (int attempt = 1; results[i].error && attempt <= 5; ++attempt) {
            results[i] = processor.apply_batch({mine[i]})[0];
          }
          if (results[i].error) ADD_FAILURE() << "event " << mine[i].id << " kept failing";
        }
      }
    });
  }
  for (auto& w : workers) w.join();
}

}  // namespace lso::store::test
