// The ingest and recording status machines and their folds (see media.hpp).
#include "domain/media.hpp"

#include <tuple>

#include "domain/errors.hpp"
#include "domain/store.hpp"
#include "util/uuid.hpp"

namespace lso::domain {

std::string_view to_string(IngestStatus s) {
  switch (s) {
    case IngestStatus::Inactive: return "inactive";
    case IngestStatus::Buffering: return "buffering";
    case IngestStatus::Publishing: return "publishing";
    case IngestStatus::Error: return "error";
  }
  return "inactive";
}

std::string_view to_string(RecordingStatus s) {
  switch (s) {
    case RecordingStatus::Starting: return "starting";
    case RecordingStatus::Active: return "active";
    case RecordingStatus::Ending: return "ending";
    case RecordingStatus::Complete: return "complete";
    case RecordingStatus::Failed: return "failed";
    case RecordingStatus::Aborted: return "aborted";
    case RecordingStatus::LimitReached: return "limit_reached";
  }
  return "starting";
}

std::string_view to_string(IngressInput i) {
  return i == IngressInput::Whip ? "whip" : "rtmp";
}

std::optional<IngestStatus> parse_ingest_status(std::string_view s) {
  for (auto v : {IngestStatus::Inactive, IngestStatus::Buffering, IngestStatus::Publishing,
                 IngestStatus::Error})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::optional<RecordingStatus> parse_recording_status(std::string_view s) {
  for (auto v : {RecordingStatus::Starting, RecordingStatus::Active, RecordingStatus::Ending,
                 RecordingStatus::Complete, RecordingStatus::Failed, RecordingStatus::Aborted,
                 RecordingStatus::LimitReached})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::optional<IngressInput> parse_ingress_input(std::string_view s) {
  if (s == "rtmp") return IngressInput::Rtmp;
  if (s == "whip") return IngressInput::Whip;
  return std::nullopt;
}

bool is_terminal(RecordingStatus s) {
  return rank(s) == 3;
}

int rank(RecordingStatus s) {
  switch (s) {
    case RecordingStatus::Starting: return 0;
    case RecordingStatus::Active: return 1;
    case RecordingStatus::Ending: return 2;
    default: return 3;
  }
}

std::optional<RecordingStatus> recording_status_from_livekit(std::string_view s) {
  if (s == "EGRESS_STARTING") return RecordingStatus::Starting;
  if (s == "EGRESS_ACTIVE") return RecordingStatus::Active;
  if (s == "EGRESS_ENDING") return RecordingStatus::Ending;
  if (s == "EGRESS_COMPLETE") return RecordingStatus::Complete;
  if (s == "EGRESS_FAILED") return RecordingStatus::Failed;
  if (s == "EGRESS_ABORTED") return RecordingStatus::Aborted;
  if (s == "EGRESS_LIMIT_REACHED") return RecordingStatus::LimitReached;
  return std::nullopt;
}

namespace media {

namespace {

std::optional<TimePoint> time_from_ns(std::int64_t ns) {
  if (ns <= 0) return std::nullopt;
  return TimePoint(std::chrono::microseconds(ns / 1000));
}

// What a recording shows; two records with the same are the same to readers.
auto shown(const Recording& r) {
  return std::tie(r.status, r.startedAt, r.endedAt, r.durationMs, r.sizeBytes, r.fileLocation,
                  r.playlistLocation, r.error, r.livekitUpdatedAt);
}

void take(std::optional<std::string>& field, const std::string& value) {
  if (!value.empty()) field = value;
}

}  // namespace

std::optional<Recording> fold(const Recording& current, const EgressInfo& info, TimePoint now) {
  const auto status = recording_status_from_livekit(info.status);
  if (!status) return std::nullopt;
  const int next = rank(*status), was = rank(current.status);
  if (next < was) return std::nullopt;
  if (next == was && (is_terminal(current.status) || info.updatedAt <= current.livekitUpdatedAt))
    return std::nullopt;
  Recording r = current;
  r.status = *status;
  if (auto t = time_from_ns(info.startedAt)) r.startedAt = t;
  if (auto t = time_from_ns(info.endedAt)) r.endedAt = t;
  if (info.durationNs > 0) r.durationMs = info.durationNs / 1'000'000;
  if (info.sizeBytes > 0) r.sizeBytes = info.sizeBytes;
  take(r.fileLocation, info.fileLocation);
  take(r.playlistLocation, info.playlistLocation);
  take(r.error, info.error);
  r.livekitUpdatedAt = std::max(current.livekitUpdatedAt, info.updatedAt);
  if (shown(r) == shown(current)) return std::nullopt;
  r.updatedAt = now;
  return r;
}

Recording from_egress(std::string id, std::string livestreamId, const EgressInfo& info,
                      std::optional<std::string> requestedBy, TimePoint now) {
  Recording r;
  r.id = std::move(id);
  r.livestreamId = std::move(livestreamId);
  r.egressId = info.egressId;
  r.requestedBy = std::move(requestedBy);
  r.createdAt = r.updatedAt = now;
  r.livekitUpdatedAt = -1;  // any first answer moves it
  if (auto folded = fold(r, info, now)) r = std::move(*folded);
  if (r.livekitUpdatedAt < 0) r.livekitUpdatedAt = 0;
  return r;
}

std::optional<Ingest> fold(const Ingest& current, const IngressInfo& info, bool ended,
                           TimePoint now) {
  std::int32_t next = 3;
  IngestStatus status = IngestStatus::Inactive;
  if (info.status == "ENDPOINT_ERROR" || (ended && !info.error.empty())) {
    status = IngestStatus::Error;
  } else if (!ended && info.status == "ENDPOINT_BUFFERING") {
    next = 1;
    status = IngestStatus::Buffering;
  } else if (!ended && info.status == "ENDPOINT_PUBLISHING") {
    next = 2;
    status = IngestStatus::Publishing;
  }
  const std::int64_t session = info.startedAt > 0 ? info.startedAt : current.sessionStartedAt;
  if (session < current.sessionStartedAt) return std::nullopt;  // an earlier encoder session
  if (session == current.sessionStartedAt && next <= current.rank) return std::nullopt;
  Ingest i = current;
  i.sessionStartedAt = session;
  i.rank = next;
  i.status = status;
  i.error = status == IngestStatus::Error
                ? std::optional<std::string>(info.error.empty() ? "ingress failed" : info.error)
                : std::nullopt;
  i.updatedAt = now;
  return i;
}

std::optional<Recording> apply_egress(Queries& q, const std::string& livestreamId,
                                      const EgressInfo& info,
                                      const std::optional<std::string>& requestedBy, TimePoint now,
                                      const std::string& newId) {
  if (info.egressId.empty()) return std::nullopt;
  if (!livestreamId.empty()) {
    auto fresh =
        from_egress(newId.empty() ? util::new_uuid() : newId, livestreamId, info, requestedBy, now);
    if (q.insert_recording_if_absent(fresh)) return fresh;
  }
  auto current = q.lock_recording_by_egress(info.egressId);
  if (!current) return std::nullopt;
  auto next = fold(*current, info, now);
  if (next) q.update_recording(*next);
  return next;
}

std::optional<Ingest> apply_ingress(Queries& q, const IngressInfo& info, bool ended,
                                    TimePoint now) {
  if (info.ingressId.empty()) return std::nullopt;
  auto current = q.lock_ingest_by_ingress(info.ingressId);
  if (!current) return std::nullopt;
  auto next = fold(*current, info, ended, now);
  if (next) q.upsert_ingest(*next);
  return next;
}

}  // namespace media

}  // namespace lso::domain
