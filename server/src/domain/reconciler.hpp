// Reconciliation (a background job): repairs drift when webhooks were missed. A LIVE livestream
// whose room LiveKit no longer lists is ended — only after several consecutive absences and never
// while younger than the grace period (ListRooms can briefly omit a live room); a JOINED
// participant LiveKit no longer lists is marked LEFT. A LiveKit outage ends nothing. One instance
// at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <string>

#include "domain/clock.hpp"
#include "domain/coordination.hpp"
#include "domain/events.hpp"
#include "domain/livekit.hpp"
#include "domain/livestream_service.hpp"
#include "domain/store.hpp"

namespace lso::domain {

class Reconciler {
 public:
  struct Options {
    int absences = 3;
    std::chrono::seconds grace{120};
    std::chrono::milliseconds lockTtl{std::chrono::minutes(5)};
  };
  struct Report {
    bool ran = false;  // false: another instance holds the lock, or LiveKit did not answer
    int checked = 0;
    int ended = 0;
    int participantsLeft = 0;
    int participantsJoined = 0;  // sessions LiveKit lists that no webhook had connected
    int recordingsSettled = 0;   // active recordings LiveKit lost, marked aborted
    int ingestsSettled = 0;      // publishing ingests LiveKit shows inactive or lost, inactive
  };

  Reconciler(Store& store, RoomService& rooms, LivestreamService& service, JobLock& lock,
             const TimeSource& time, LivestreamEvents& events, Options options);
  // Also compare active recordings and publishing ingests with ListEgress / ListIngress (set
  // once at start-up).
  void with_media(IngressService& ingress, EgressService& egress) {
    ingress_ = &ingress;
    egress_ = &egress;
  }
  Report run_once();
  // Makes a pass in progress stop at its next livestream or transaction (shutdown).
  void cancel() { cancelled_ = true; }

 private:
  Store& store_;
  RoomService& rooms_;
  LivestreamService& service_;
  JobLock& lock_;
  const TimeSource& time_;
  LivestreamEvents& events_;
  Options options_;
  // Recordings and ingests by the same rule as rooms: settled after `absences` passes in a row.
  void reconcile_media(Report& report, TimePoint now);
  IngressService* ingress_ = nullptr;
  EgressService* egress_ = nullptr;
  std::map<std::string, int> absences_;         // livestream id → consecutive absences seen here
  std::map<std::string, int> egressAbsences_;   // egress id → consecutive absences
  std::map<std::string, int> ingressAbsences_;  // ingress id → consecutive absences
  std::atomic<bool> cancelled_{false};
  static constexpr std::size_t kLeftPerTransaction = 500;
};

}  // namespace lso::domain
