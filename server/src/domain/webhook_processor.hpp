// Applies one LiveKit webhook event to the database, exactly once: the webhook id is
// recorded in the same transaction as the effects, so a duplicate delivery, a retry after a
// crash, or a second worker holding the same job changes nothing the second time.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/audience.hpp"
#include "domain/clock.hpp"
#include "domain/events.hpp"
#include "domain/livekit.hpp"
#include "domain/livestream_service.hpp"
#include "domain/participant_event_batch.hpp"
#include "domain/store.hpp"
#include "util/metrics_registry.hpp"

namespace lso::domain {

struct WebhookEvent {
  std::string id;
  std::string event;
  std::int64_t createdAt = 0;  // seconds
  std::optional<Room> room;
  std::optional<RoomParticipant> participant;
  std::optional<IngressInfo> ingress;
  std::optional<EgressInfo> egress;
};

struct WebhookCounters {
  std::atomic<std::int64_t> applied{0}, noEffect{0}, duplicate{0}, unknown{0};
};

class WebhookProcessor {
 public:
  // `batch`: the store's own way to apply a run of participant events in one call, when it has
  // one (PostgreSQL); null: each event is applied statement by statement.
  WebhookProcessor(Store& store, const TimeSource& time, LivestreamEvents& events,
                   ParticipantEventBatchApplier* batch = nullptr);

  // Applies events in one transaction (each still with its own dedup record, in order), so a
  // busy queue costs one commit per batch. If that transaction fails, the events are applied one
  // by one, so only the one that fails reports an error (a transient failure, such as the
  // database being unavailable: the queue retries that job).
  struct Result {
    WebhookOutcome outcome = WebhookOutcome::NoEffect;
    std::exception_ptr error;
  };
  std::vector<Result> apply_batch(const std::vector<WebhookEvent>& events);

  const WebhookCounters& counters() const { return counters_; }
  // lso_webhooks_applied_total by outcome, read when scraped.
  void register_metrics(util::MetricsRegistry& registry) const;
  // Called after a room_finished ended a livestream (set once at start-up): the ingest and
  // recordings clean-up, which calls LiveKit and so never runs inside the transaction.
  void on_ended(std::function<void(const std::string&)> hook) { onEnded_ = std::move(hook); }

 private:
  struct Effects {
    std::optional<std::string> stateOf;
    StateChange change = StateChange::ParticipantsChanged;
    std::optional<Livestream> livestream;  // status changed
  };
  // The livestreams a transaction has locked, by room name (nullopt: no active livestream), so
  // the events of a batch do not each look their livestream up again.
  using LockedRooms = std::map<std::string, std::optional<Livestream>, std::less<>>;
  // The active livestream the event's room had when the batch locked it (nullopt: none, or an
  // event that locks no livestream).
  static const std::optional<Livestream>& locked_livestream(const WebhookEvent& e,
                                                            const LockedRooms& locked);
  WebhookOutcome effects(Queries& q, const WebhookEvent& e, TimePoint now, Effects& fx,
                         LockedRooms& locked, audience::Tally& tally);
  void after_commit(const WebhookEvent& e, WebhookOutcome outcome, const Effects& fx);

  Store& store_;
  ParticipantEventBatchApplier* batch_;
  const TimeSource& time_;
  LivestreamEvents& events_;
  WebhookCounters counters_;
  std::function<void(const std::string&)> onEnded_;
};

}  // namespace lso::domain
