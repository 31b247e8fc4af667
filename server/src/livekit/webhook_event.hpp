// A LiveKit webhook body (WebhookEvent in LiveKit's protocol), reduced to what the orchestrator
// acts on. Parse only after WebhookVerifier has accepted the raw bytes.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/livekit.hpp"

namespace lso::livekit {

struct WebhookEvent {
  std::string id;     // unique per event: the deduplication key
  std::string event;  // "participant_joined", "room_finished", … (unknown names are kept as is)
  std::int64_t createdAt = 0;  // seconds since epoch
  std::optional<domain::Room> room;
  std::optional<domain::RoomParticipant> participant;
  std::optional<domain::IngressInfo> ingress;  // ingress_* events (ingressInfo)
  std::optional<domain::EgressInfo> egress;    // egress_* events (egressInfo)
};

// Accepts camelCase and snake_case names, 64-bit numbers as strings or numbers, and ignores
// fields it does not know. Throws domain::AppError(ErrorKind::Validation) on malformed JSON, a
// non-object body, a field of the wrong type, or a missing `event` or `id`.
WebhookEvent parse_webhook_event(std::string_view body);
// The same reading of a body already parsed (the receiver parses it once, depth-limited, and
// refuses with 400 what the workers would refuse).
WebhookEvent read_webhook_event(const boost::json::value& doc);

}  // namespace lso::livekit
