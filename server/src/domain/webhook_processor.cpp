// Webhook effects. Participant events are the audience rules (audience.hpp), keyed by LiveKit
// session id; room events older than the livestream are stale and ignored.
#include "domain/webhook_processor.hpp"

#include <spdlog/spdlog.h>

#include "domain/audience.hpp"
#include "domain/errors.hpp"
#include "domain/media.hpp"
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

bool is_participant_event(const WebhookEvent& e) {
  return e.event == "participant_joined" || e.event == "participant_left" ||
         e.event == "participant_connection_aborted";
}

bool is_ingress_event(const WebhookEvent& e) {
  return e.ingress && (e.event == "ingress_started" || e.event == "ingress_ended");
}

bool is_egress_event(const WebhookEvent& e) {
  return e.egress &&
         (e.event == "egress_started" || e.event == "egress_updated" || e.event == "egress_ended");
}

// Events whose effects read and write one livestream's participants, status, ingest or
// recordings.
bool locks_livestream(const WebhookEvent& e) {
  return e.room && !e.room->name.empty() &&
         (is_participant_event(e) || e.event == "room_started" || e.event == "room_finished" ||
          is_ingress_event(e) || is_egress_event(e));
}

// A participant event as ParticipantEventBatchApplier takes it; `l` is what effects() would read
// from the batch's locks.
ParticipantEvent participant_event(const WebhookEvent& e, const std::optional<Livestream>& l) {
  ParticipantEvent p;
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

WebhookProcessor::WebhookProcessor(Store& store, const TimeSource& time, LivestreamEvents& events,
                                   ParticipantEventBatchApplier* batch)
    : store_(store), batch_(batch), time_(time), events_(events) {}

const std::optional<Livestream>& WebhookProcessor::locked_livestream(const WebhookEvent& e,
                                                                     const LockedRooms& locked) {
  static const std::optional<Livestream> kNone;
  if (!locks_livestream(e)) return kNone;
  return locked.at(e.room->name);
}

WebhookOutcome WebhookProcessor::effects(Queries& q, const WebhookEvent& e, TimePoint now,
                                         Effects& fx, LockedRooms& locked, audience::Tally& tally) {
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

  if (is_participant_event(e)) {
    const audience::SessionRef session{identity, e.participant ? e.participant->name : "", sid,
                                       e.room ? e.room->sid : ""};
    audience::Effect effect;
    if (e.event == "participant_joined") {
      if (!l) return WebhookOutcome::Unknown;
      effect = audience::connect(q, *l, session, now, tally);
    } else {
      effect = audience::disconnect(q, l, session, now, tally);
    }
    fx.stateOf = std::move(effect.stateOf);
    return effect.outcome;
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
    audience::end_all(q, *l, now, tally);
    locked[roomName] = std::nullopt;  // later events of the batch find no active livestream
    fx.stateOf = l->id;
    fx.change = StateChange::RoomEnded;
    return WebhookOutcome::Applied;
  }

  // Ingest and recordings (media.hpp): folded forwards only, so any order ends the same.
  if (is_ingress_event(e)) {
    auto changed = media::apply_ingress(q, *e.ingress, e.event == "ingress_ended", now);
    if (!changed) return WebhookOutcome::NoEffect;
    fx.stateOf = changed->livestreamId;
    fx.change = StateChange::IngestChanged;
    return WebhookOutcome::Applied;
  }
  if (is_egress_event(e)) {
    // A recording we have not stored yet (its egress_* came before the API's answer was
    // written, or someone else started it) is created for the room's active livestream.
    auto changed = media::apply_egress(q, l ? l->id : std::string(), *e.egress, std::nullopt, now);
    if (!changed) return WebhookOutcome::NoEffect;
    fx.stateOf = changed->livestreamId;
    fx.change = StateChange::RecordingChanged;
    return WebhookOutcome::Applied;
  }

  // track_* and anything newer: acknowledged, counted, nothing to do.
  return WebhookOutcome::Unknown;
}

void WebhookProcessor::after_commit(const WebhookEvent& e, WebhookOutcome outcome,
                                    const Effects& fx) {
  const std::string roomName = e.room ? e.room->name : std::string();
  const std::string identity = e.participant ? e.participant->identity : std::string();
  switch (outcome) {
    case WebhookOutcome::Applied: ++counters_.applied; break;
    case WebhookOutcome::NoEffect: ++counters_.noEffect; break;
    case WebhookOutcome::Duplicate: ++counters_.duplicate; break;
    case WebhookOutcome::Unknown:
      ++counters_.unknown;
      spdlog::info("webhook {} ({}) for room '{}' / participant '{}': nothing known to apply it to",
                   e.id, e.event, roomName, identity);
      break;
  }
  if (fx.stateOf) events_.state_changed(*fx.stateOf, fx.change);
  if (fx.livestream) events_.livestream_changed(*fx.livestream, false);
  if (outcome == WebhookOutcome::Applied && fx.change == StateChange::RoomEnded && fx.stateOf &&
      onEnded_)
    onEnded_(*fx.stateOf);
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
      audience::Tally tally;
      for (const auto& e : events)
        if (locks_livestream(e)) locked.emplace(e.room->name, std::nullopt);
      for (auto& [room, livestream] : locked) livestream = q.lock_active_livestream_by_room(room);
      // Consecutive participant events go to the store as one run when it offers that (one
      // round trip on PostgreSQL); room events change `locked`, so a run ends before each.
      const bool storeApplies = batch_ != nullptr;
      std::vector<std::size_t> run;
      auto flush = [&] {
        if (run.empty()) return;
        std::vector<ParticipantEvent> in;
        in.reserve(run.size());
        for (auto i : run)
          in.push_back(participant_event(events[i], locked_livestream(events[i], locked)));
        auto out = batch_->apply_participant_events(q, in, now, now + kWebhookRecordTtl);
        for (std::size_t k = 0; k < run.size(); ++k) {
          fxs[run[k]] = {};
          fxs[run[k]].stateOf = std::move(out[k].stateOf);
          results[run[k]].outcome = out[k].outcome;
          if (out[k].viewers && in[k].livestreamId.size())
            tally.observe(in[k].livestreamId, *out[k].viewers);
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
        results[i].outcome = effects(q, events[i], now, fxs[i], locked, tally);
      }
      flush();
      tally.write(q, now);
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

void WebhookProcessor::register_metrics(util::MetricsRegistry& registry) const {
  registry.add([this](util::MetricsWriter& w) {
    const auto& c = counters_;
    w.family("lso_webhooks_applied_total", util::MetricType::Counter, "webhook effects by outcome");
    w.sample(c.applied.load(), {{"outcome", "applied"}});
    w.sample(c.noEffect.load(), {{"outcome", "no_effect"}});
    w.sample(c.duplicate.load(), {{"outcome", "duplicate"}});
    w.sample(c.unknown.load(), {{"outcome", "unknown"}});
  });
}

}  // namespace lso::domain
