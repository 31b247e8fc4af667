// One reconciliation pass; see reconciler.hpp for the rules.
#include "domain/reconciler.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "domain/audience.hpp"
#include "domain/errors.hpp"
#include "domain/media.hpp"

namespace lso::domain {

Reconciler::Reconciler(Store& store, RoomService& rooms, LivestreamService& service, JobLock& lock,
                       const TimeSource& time, LivestreamEvents& events, Options options)
    : store_(store),
      rooms_(rooms),
      service_(service),
      lock_(lock),
      time_(time),
      events_(events),
      options_(options) {}

Reconciler::Report Reconciler::run_once() {
  Report report;
  if (!lock_.try_lock("reconciliation", options_.lockTtl)) return report;
  struct Unlock {
    JobLock& lock;
    ~Unlock() { lock.unlock("reconciliation"); }
  } unlock{lock_};

  std::set<std::string> present;
  try {
    for (const auto& room : rooms_.list_rooms({})) present.insert(room.name);
  } catch (const std::exception& e) {
    spdlog::warn("reconciliation skipped: LiveKit ListRooms failed: {}", e.what());
    return report;
  }
  report.ran = true;
  const auto now = time_.now();
  const auto live = store_.read(
      [](Queries& q) { return q.list_livestreams_with_status(LivestreamStatus::Live); });
  std::map<std::string, int> seen;
  for (const auto& l : live) {
    if (cancelled_) return report;  // shutting down: the next pass, here or elsewhere, goes on
    ++report.checked;
    if (now - l.startedAt.value_or(l.createdAt) < options_.grace) continue;
    if (!present.count(l.roomName)) {
      const int n = absences_[l.id] + 1;
      seen[l.id] = n;
      if (n < options_.absences) continue;
      spdlog::warn(
          "reconciliation: room '{}' of livestream {} missing from LiveKit {} times in a row, "
          "ending it",
          l.roomName, l.id, n);
      if (service_.finish(l.id)) ++report.ended;
      seen.erase(l.id);
      continue;
    }
    std::vector<RoomParticipant> listed;
    try {
      listed = rooms_.list_participants(l.roomName);
    } catch (const std::exception& e) {
      spdlog::warn("reconciliation: ListParticipants({}) failed: {}", l.roomName, e.what());
      continue;
    }
    std::set<std::string> connected;
    for (const auto& p : listed) connected.insert(p.identity);
    // Sessions LiveKit lists that no applied webhook connected (a lost participant_joined):
    // connected now, by the same rule as the webhook (a sid we saw leave stays gone). Found with
    // reads first, so a pass over a room whose webhooks all arrived takes no lock.
    std::vector<const RoomParticipant*> unseen;
    store_.read([&](Queries& q) {
      for (const auto& p : listed)
        if (!p.sid.empty() && !q.find_livekit_session(p.sid)) unseen.push_back(&p);
    });
    std::int64_t joined = 0;
    for (std::size_t from = 0; from < unseen.size() && !cancelled_; from += kLeftPerTransaction) {
      const auto to = std::min(unseen.size(), from + kLeftPerTransaction);
      joined += store_.write([&](Queries& q) {
        auto locked = q.lock_livestream_exclusive(l.id);
        if (!locked || locked->status != LivestreamStatus::Live) return std::int64_t{0};
        audience::Tally tally;
        std::int64_t n = 0;
        for (std::size_t i = from; i < to; ++i) {
          const auto& p = *unseen[i];
          if (audience::connect(q, *locked, {p.identity, p.name, p.sid, ""}, now, tally).outcome ==
              WebhookOutcome::Applied)
            ++n;
        }
        tally.write(q, now);
        return n;
      });
    }
    // Seats and connected people LiveKit does not list, past the grace period (a fresh join may
    // not have connected yet). One read of each list: paging through them by offset re-scanned
    // the earlier pages each time, quadratic in a room of 100k viewers.
    std::vector<std::string> gone;
    store_.read([&](Queries& q) {
      std::set<std::string> seen;
      for (auto& p : q.active_participants(l.id))
        if (!connected.count(p.userId) && now - p.joinedAt >= options_.grace &&
            seen.insert(p.userId).second)
          gone.push_back(std::move(p.userId));
      for (auto& p : q.connected_people(l.id))
        if (!connected.count(p.userId) && now - p.connectedAt >= options_.grace &&
            seen.insert(p.userId).second)
          gone.push_back(std::move(p.userId));
    });
    // In transactions of kLeftPerTransaction, so webhooks and API writes of the livestream are
    // not held behind one long transaction when a whole room vanished.
    std::int64_t left = 0;
    for (std::size_t from = 0; from < gone.size() && !cancelled_; from += kLeftPerTransaction) {
      const auto to = std::min(gone.size(), from + kLeftPerTransaction);
      left += store_.write([&](Queries& q) {
        // One writer of its participants at a time.
        auto locked = q.lock_livestream_exclusive(l.id);
        if (!locked) return std::int64_t{0};
        audience::Tally tally;
        const auto users = std::span<const std::string>(gone).subspan(from, to - from);
        const bool changed = audience::remove_users(q, *locked, users, now, tally);
        tally.write(q, now);
        return changed ? static_cast<std::int64_t>(users.size()) : std::int64_t{0};
      });
    }
    if (joined > 0) {
      report.participantsJoined += static_cast<int>(joined);
      spdlog::info(
          "reconciliation: {} LiveKit session(s) of livestream {} had no applied join, connected",
          joined, l.id);
    }
    if (left > 0) {
      report.participantsLeft += static_cast<int>(left);
      spdlog::info(
          "reconciliation: {} participant(s) of livestream {} no longer in LiveKit, marked LEFT",
          left, l.id);
    }
    if (joined > 0 || left > 0) events_.state_changed(l.id, StateChange::ParticipantsChanged);
  }
  absences_ = std::move(seen);  // only consecutive absences count
  if (!cancelled_) reconcile_media(report, now);
  return report;
}

void Reconciler::reconcile_media(Report& report, TimePoint now) {
  if (!ingress_ || !egress_) return;
  // Recordings our records call running that LiveKit does not list as active.
  const auto running = store_.read([](Queries& q) { return q.list_active_recordings(); });
  std::map<std::string, int> seenEgress;
  if (!running.empty()) {
    std::set<std::string> active;
    try {
      for (const auto& e : egress_->list_egress("", true)) active.insert(e.egressId);
    } catch (const std::exception& e) {
      spdlog::warn("reconciliation: ListEgress failed, recordings not compared: {}", e.what());
      return;
    }
    for (const auto& r : running) {
      if (active.count(r.egressId) || now - r.createdAt < options_.grace) continue;
      const int n = egressAbsences_[r.egressId] + 1;
      seenEgress[r.egressId] = n;
      if (n < options_.absences) continue;
      EgressInfo lost;
      lost.egressId = r.egressId;
      lost.status = "EGRESS_ABORTED";
      lost.error = "the recording was lost by LiveKit (reconciliation)";
      const auto changed = store_.write([&](Queries& q) {
        q.lock_livestream_exclusive(r.livestreamId);
        return media::apply_egress(q, "", lost, std::nullopt, now);
      });
      seenEgress.erase(r.egressId);
      if (!changed) continue;
      ++report.recordingsSettled;
      spdlog::warn("reconciliation: recording {} (egress {}) missing from LiveKit, aborted", r.id,
                   r.egressId);
      events_.state_changed(r.livestreamId, StateChange::RecordingChanged);
    }
  }
  egressAbsences_ = std::move(seenEgress);

  // Ingests shown buffering or publishing whose ingress LiveKit shows otherwise or not at all.
  const auto live = store_.read([](Queries& q) { return q.list_live_ingests(); });
  std::map<std::string, int> seenIngress;
  if (!live.empty()) {
    std::map<std::string, IngressInfo> listed;
    try {
      for (auto& i : ingress_->list_ingress("", "")) listed.emplace(i.ingressId, std::move(i));
    } catch (const std::exception& e) {
      spdlog::warn("reconciliation: ListIngress failed, ingests not compared: {}", e.what());
      return;
    }
    for (const auto& i : live) {
      auto it = listed.find(i.ingressId);
      const bool publishing = it != listed.end() && (it->second.status == "ENDPOINT_BUFFERING" ||
                                                     it->second.status == "ENDPOINT_PUBLISHING");
      if (publishing || now - i.updatedAt < options_.grace) continue;
      const int n = ingressAbsences_[i.ingressId] + 1;
      seenIngress[i.ingressId] = n;
      if (n < options_.absences) continue;
      IngressInfo ended;
      ended.ingressId = i.ingressId;
      ended.status = "ENDPOINT_INACTIVE";
      const auto changed = store_.write([&](Queries& q) {
        q.lock_livestream_exclusive(i.livestreamId);
        return media::apply_ingress(q, ended, true, now);
      });
      seenIngress.erase(i.ingressId);
      if (!changed) continue;
      ++report.ingestsSettled;
      spdlog::warn("reconciliation: ingress {} of livestream {} no longer publishing at LiveKit",
                   i.ingressId, i.livestreamId);
      events_.state_changed(i.livestreamId, StateChange::IngestChanged);
    }
  }
  ingressAbsences_ = std::move(seenIngress);
}

}  // namespace lso::domain
