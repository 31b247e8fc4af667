// Webhook effects. Order independence comes from three rules: a participant_left for a session we
// never saw leaves a LEFT tombstone carrying its sid, so the late participant_joined finds it and
// does nothing; a participant_joined for an identity with no record adopts it (LiveKit is the
// truth about who is connected); room events older than the livestream are stale and ignored.
// Counts are derived from participant records, so they can never go negative.
#include "domain/webhook_processor.hpp"

#include <spdlog/spdlog.h>

#include "domain/errors.hpp"
#include "util/uuid.hpp"

namespace lso::domain {

namespace {

constexpr std::chrono::hours kWebhookRecordTtl{24};
// Clock skew allowed between LiveKit's event times and ours when deciding an event is stale.
constexpr std::int64_t kStaleLeewaySeconds = 2;

std::int64_t seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool is_stale(const WebhookEvent& e, const Livestream& l) {
  return e.createdAt > 0 && e.createdAt + kStaleLeewaySeconds < seconds(l.createdAt);
}

// The participant record a webhook implies: adopted (JOINED) or a LEFT tombstone with its sid.
Participant participant_from(const WebhookEvent& e, const Livestream& l, ParticipantStatus status,
                             TimePoint now) {
  const auto& identity = e.participant->identity;
  Participant p;
  p.id = util::new_uuid();
  p.livestreamId = l.id;
  p.userId = identity;
  p.displayName = e.participant->name.empty() ? identity : e.participant->name;
  p.role = identity == l.createdBy ? ParticipantRole::Host : ParticipantRole::Viewer;
  p.status = status;
  p.metadata = nullptr;
  if (!e.participant->sid.empty()) p.livekitParticipantSid = e.participant->sid;
  if (e.room && !e.room->sid.empty()) p.livekitRoomSid = e.room->sid;
  p.joinedAt = now;
  if (status == ParticipantStatus::Left) p.leftAt = now;
  return p;
}

bool is_participant_event(const WebhookEvent& e) {
  return e.event == "participant_joined" || e.event == "participant_left" ||
         e.event == "participant_connection_aborted";
}

// Events whose effects read and write one livestream's participants or status.
bool locks_livestream(const WebhookEvent& e) {
  return e.room && !e.room->name.empty() &&
         (is_participant_event(e) || e.event == "room_started" || e.event == "room_finished");
}

// A participant event as Queries::apply_participant_events takes it; `l` is what effects() would
// read from the batch's locks.
Queries::ParticipantEvent participant_event(const WebhookEvent& e,
                                            const std::optional<Livestream>& l) {
  Queries::ParticipantEvent p;
  p.webhookId = e.id;
  p.event = e.event;
  if (l) {
    p.livestreamId = l->id;
    p.hostUserId = l->createdBy;
  }
  if (e.room) p.roomSid = e.room->sid;
  if (e.participant) {
    p.identity = e.participant->identity;
    p.name = e.participant->name;
    p.sid = e.participant->sid;
  }
  p.newParticipantId = util::new_uuid();
  return p;
}

}  // namespace

WebhookProcessor::WebhookProcessor(Store& store, const TimeSource& time, LivestreamEvents& events)
    : store_(store), time_(time), events_(events) {}

const std::optional<Livestream>& WebhookProcessor::locked_livestream(const WebhookEvent& e,
                                                                     const LockedRooms& locked) {
  static const std::optional<Livestream> kNone;
  if (!locks_livestream(e)) return kNone;
  return locked.at(e.room->name);
}

WebhookOutcome WebhookProcessor::effects(Queries& q, const WebhookEvent& e, TimePoint now,
                                         Effects& fx, LockedRooms& locked) {
  const std::string roomName = e.room ? e.room->name : std::string();
  const std::string identity = e.participant ? e.participant->identity : std::string();
  const std::string sid = e.participant ? e.participant->sid : std::string();
  // The livestream was locked by apply_batch before anything else, the dedup inserts included:
  // every transaction takes its locks before it can make another wait on an uncommitted webhook
  // id, so no cycle (and no deadlock) can form between workers applying duplicates of one
  // another's events.
  const std::optional<Livestream> l = locked_livestream(e, locked);  // a copy: `locked` changes
  if (!q.record_webhook(e.id, e.event, now, now + kWebhookRecordTtl)) {
    return WebhookOutcome::Duplicate;
  }

  if (e.event == "participant_joined") {
    if (!l || identity.empty()) return WebhookOutcome::Unknown;
    auto session = q.find_participant_session(l->id, identity, sid);
    if (session.bySid) return WebhookOutcome::NoEffect;  // seen (joined, or left before)
    if (auto& active = session.active) {
      if (sid.empty() || active->livekitParticipantSid == sid) return WebhookOutcome::NoEffect;
      q.attach_livekit_session(l->id, identity, sid, e.room->sid);
      return WebhookOutcome::Applied;
    }
    // Connected without (or after leaving) an API join: LiveKit says they are there. A conflict
    // means an API join committed meanwhile: the job is retried and then finds it.
    if (!q.insert_participant_if_absent(participant_from(e, *l, ParticipantStatus::Joined, now)))
      throw AppError(ErrorKind::Conflict, "participant changed concurrently; retried");
    fx.stateOf = l->id;
    return WebhookOutcome::Applied;
  }

  if (e.event == "participant_left" || e.event == "participant_connection_aborted") {
    // Under the livestream's lock (taken above), so this leave and a concurrent join of the same
    // session are applied one after the other.
    if (!sid.empty()) {
      if (auto p = q.mark_participant_left_by_sid(sid, now)) {
        fx.stateOf = p->livestreamId;
        return WebhookOutcome::Applied;
      }
      if (q.find_participant_by_sid(sid)) return WebhookOutcome::NoEffect;  // already LEFT
    }
    if (!l || identity.empty()) return WebhookOutcome::Unknown;
    auto active = q.find_active_participant(l->id, identity);
    if (active && (sid.empty() || !active->livekitParticipantSid)) {
      // The join webhook has not attached a sid yet: this leave is for the active session. The
      // sid is recorded on it, so that join, when it comes late, finds the session LEFT.
      if (!sid.empty()) q.attach_livekit_session(l->id, identity, sid, e.room->sid);
      q.mark_participant_left(l->id, identity, now);
      fx.stateOf = l->id;
      return WebhookOutcome::Applied;
    }
    if (sid.empty()) return WebhookOutcome::NoEffect;
    // A leave before its join (or of an older session): remember the sid as LEFT.
    if (!q.insert_participant_if_absent(participant_from(e, *l, ParticipantStatus::Left, now)))
      throw AppError(ErrorKind::Conflict, "participant changed concurrently; retried");
    return WebhookOutcome::NoEffect;
  }

  if (e.event == "room_started") {
    if (!l) return WebhookOutcome::Unknown;
    if (is_stale(e, *l)) return WebhookOutcome::NoEffect;
    if (l->status == LivestreamStatus::Scheduled) {
      fx.livestream = q.mark_livestream_live(l->id, now);
      if (fx.livestream) locked[roomName] = fx.livestream;
    }
    fx.stateOf = l->id;
    fx.change = StateChange::RoomStarted;
    return WebhookOutcome::Applied;
  }

  if (e.event == "room_finished") {
    if (roomName.empty()) return WebhookOutcome::Unknown;
    if (!l) return WebhookOutcome::NoEffect;  // ended already (DELETE or reconciliation came first)
    if (is_stale(e, *l))
      return WebhookOutcome::NoEffect;  // the finish of an earlier room of the same name
    fx.livestream = q.mark_livestream_ended(l->id, now);
    q.mark_all_participants_left(l->id, now);
    locked[roomName] = std::nullopt;  // later events of the batch find no active livestream
    fx.stateOf = l->id;
    fx.change = StateChange::RoomEnded;
    return WebhookOutcome::Applied;
  }

  // track_*, egress_*, ingress_* and anything newer: acknowledged, counted, nothing to do.
  return WebhookOutcome::Unknown;
}

void WebhookProcessor::after_commit(const WebhookEvent& e, WebhookOutcome outcome,
                                    const Effects& fx) {
  const std::string roomName = e.room ? e.room->name : std::string();
  const std::string identity = e.participant ? e.participant->identity : std::string();
  switch (outcome) {
    case WebhookOutcome::Applied:
      ++counters_.applied;
      break;
    case WebhookOutcome::NoEffect:
      ++counters_.noEffect;
      break;
    case WebhookOutcome::Duplicate:
      ++counters_.duplicate;
      break;
    case WebhookOutcome::Unknown:
      ++counters_.unknown;
      spdlog::info("webhook {} ({}) for room '{}' / participant '{}': nothing known to apply it to",
                   e.id, e.event, roomName, identity);
      break;
  }
  if (fx.stateOf) events_.state_changed(*fx.stateOf, fx.change);
  if (fx.livestream) events_.livestream_changed(*fx.livestream, false);
}

std::vector<WebhookProcessor::Result> WebhookProcessor::apply_batch(
    const std::vector<WebhookEvent>& events) {
  std::vector<Result> results(events.size());
  if (events.empty()) return results;
  std::vector<Effects> fxs(events.size());
  const auto now = time_.now();
  try {
    store_.write([&](Queries& q) {
      // Every livestream the batch touches is locked up front, in one global order (room name),
      // so batches of concurrent workers queue behind each other instead of deadlocking.
      // (A std::map iterates in that order.)
      LockedRooms locked;
      for (const auto& e : events)
        if (locks_livestream(e)) locked.emplace(e.room->name, std::nullopt);
      for (auto& [room, livestream] : locked) livestream = q.lock_active_livestream_by_room(room);
      // Consecutive participant events go to the store as one run when it offers that (one
      // round trip on PostgreSQL); room events change `locked`, so a run ends before each.
      const bool storeApplies = q.applies_participant_events();
      std::vector<std::size_t> run;
      auto flush = [&] {
        if (run.empty()) return;
        std::vector<Queries::ParticipantEvent> in;
        in.reserve(run.size());
        for (auto i : run)
          in.push_back(participant_event(events[i], locked_livestream(events[i], locked)));
        auto out = q.apply_participant_events(in, now, now + kWebhookRecordTtl);
        for (std::size_t k = 0; k < run.size(); ++k) {
          fxs[run[k]] = {};
          fxs[run[k]].stateOf = std::move(out[k].stateOf);
          results[run[k]].outcome = out[k].outcome;
        }
        run.clear();
      };
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (storeApplies && is_participant_event(events[i])) {
          run.push_back(i);
          continue;
        }
        flush();
        fxs[i] = {};
        results[i].outcome = effects(q, events[i], now, fxs[i], locked);
      }
      flush();
    });
  } catch (const std::exception&) {
    if (events.size() == 1) {
      results[0].error = std::current_exception();
      return results;
    }
    // Each event in a transaction of its own, so only the one that fails reports an error.
    for (std::size_t i = 0; i < events.size(); ++i) results[i] = apply_batch({events[i]})[0];
    return results;
  }
  for (std::size_t i = 0; i < events.size(); ++i)
    after_commit(events[i], results[i].outcome, fxs[i]);
  return results;
}

}  // namespace lso::domain
