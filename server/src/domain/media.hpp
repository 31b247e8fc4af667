// Ingest (an encoder feeding the livestream through LiveKit Ingress) and recordings (LiveKit
// Egress): the records, their status machines, and the folds of LiveKit's IngressInfo /
// EgressInfo into them. Webhooks, API calls and reconciliation all change records through these,
// so "never backwards" holds whatever the order (docs/architecture.md, "Ingest and recordings").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/livekit.hpp"
#include "domain/model.hpp"

namespace lso::domain {

class Queries;

enum class IngestStatus { Inactive, Buffering, Publishing, Error };
enum class RecordingStatus { Starting, Active, Ending, Complete, Failed, Aborted, LimitReached };

// Wire/database spelling: "inactive" …, "starting" …, "limit_reached"; "rtmp" | "whip".
std::string_view to_string(IngestStatus s);
std::string_view to_string(RecordingStatus s);
std::string_view to_string(IngressInput i);
std::optional<IngestStatus> parse_ingest_status(std::string_view s);
std::optional<RecordingStatus> parse_recording_status(std::string_view s);
std::optional<IngressInput> parse_ingress_input(std::string_view s);

// One per livestream. The stream key is not kept: LiveKit has it (see docs/security.md).
struct Ingest {
  std::string livestreamId;
  std::string ingressId;
  IngressInput input = IngressInput::Rtmp;
  std::string url;
  IngestStatus status = IngestStatus::Inactive;
  std::optional<std::string> error;
  // The encoder session the status belongs to (LiveKit's state.started_at, ns) and the status's
  // rank within it: 0 none yet, 1 buffering, 2 publishing, 3 ended.
  std::int64_t sessionStartedAt = 0;
  std::int32_t rank = 0;
  TimePoint createdAt{};
  TimePoint updatedAt{};
};

struct Recording {
  std::string id;  // UUID
  std::string livestreamId;
  std::string egressId;
  RecordingStatus status = RecordingStatus::Starting;
  std::optional<std::string> requestedBy;
  std::optional<TimePoint> startedAt;
  std::optional<TimePoint> endedAt;
  std::optional<std::int64_t> durationMs;
  std::optional<std::int64_t> sizeBytes;
  std::optional<std::string> fileLocation;
  std::optional<std::string> playlistLocation;
  std::optional<std::string> error;
  std::int64_t livekitUpdatedAt = 0;  // ns: orders updates of the same rank
  TimePoint createdAt{};
  TimePoint updatedAt{};
};

bool is_terminal(RecordingStatus s);
int rank(RecordingStatus s);
// LiveKit's EGRESS_* name → ours; nullopt for a name we do not know.
std::optional<RecordingStatus> recording_status_from_livekit(std::string_view s);

namespace media {

// Folds an EgressInfo into a recording: the result, or nullopt when it would not move the record
// forwards (older, equal, or a status we do not know).
std::optional<Recording> fold(const Recording& current, const EgressInfo& info, TimePoint now);
// A new record from an EgressInfo.
Recording from_egress(std::string id, std::string livestreamId, const EgressInfo& info,
                      std::optional<std::string> requestedBy, TimePoint now);

// Folds an IngressInfo (from ingress_started / ingress_ended, or ListIngress) into an ingest:
// the result, or nullopt when stale or not forwards. `ended` says the event reports the end of
// the session (ingress_ended) whatever its status field says.
std::optional<Ingest> fold(const Ingest& current, const IngressInfo& info, bool ended,
                           TimePoint now);

// In the caller's transaction, which holds the livestream's lock when it has one:
// the recording of `info.egressId` created (for `livestreamId`, when not empty, with id `newId`
// or a fresh one) or folded. Returns the record after the change, or nullopt when nothing
// changed.
std::optional<Recording> apply_egress(Queries& q, const std::string& livestreamId,
                                      const EgressInfo& info,
                                      const std::optional<std::string>& requestedBy, TimePoint now,
                                      const std::string& newId = {});
// The ingest of `info.ingressId` folded; nullopt when unknown or unchanged.
std::optional<Ingest> apply_ingress(Queries& q, const IngressInfo& info, bool ended, TimePoint now);

}  // namespace media

}  // namespace lso::domain
