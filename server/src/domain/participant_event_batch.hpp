// An optional capability of a Store whose every statement is a network round trip (PostgreSQL):
// applying a run of participant_joined / participant_left / participant_connection_aborted events
// in one call, in order, each with its dedup record, by exactly the rules of WebhookProcessor
// (which holds the livestreams' locks already). It is found once at wiring and handed to the
// processor; without it (SQLite) the processor applies the events itself, statement by statement.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"
#include "domain/store.hpp"

namespace lso::domain {

struct ParticipantEvent {
  std::string webhookId;
  std::string event;
  std::string livestreamId;  // the locked active livestream of the room; empty when none
  std::string hostUserId;    // that livestream's createdBy
  std::string identity;
  std::string name;
  std::string sid;               // LiveKit participant sid, may be empty
  std::string roomSid;           // may be empty
  std::string newParticipantId;  // the id of a record the event creates
};

struct ParticipantEventResult {
  WebhookOutcome outcome = WebhookOutcome::NoEffect;
  std::optional<std::string> stateOf;   // livestream whose live state changed
  std::optional<std::int64_t> viewers;  // its viewerCount after the event, when it changed
};

class ParticipantEventBatchApplier {
 public:
  virtual ~ParticipantEventBatchApplier() = default;
  // One result per event, in order. `q` is the open write transaction, as the same store's
  // write() handed it out.
  virtual std::vector<ParticipantEventResult> apply_participant_events(
      Queries& q, const std::vector<ParticipantEvent>& events, TimePoint processedAt,
      TimePoint expiresAt) = 0;
};

}  // namespace lso::domain
