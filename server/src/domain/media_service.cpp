// Ingest and recording use cases: LiveKit is called outside any transaction; what it answers is
// written under the livestream's row lock and folded by the rules of media.hpp, so an API answer
// and a webhook about the same egress or ingress end in the same record whatever their order.
#include "domain/media_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "domain/errors.hpp"
#include "util/uuid.hpp"

namespace lso::domain {

namespace {

AppError no_livestream(std::string_view id) {
  return AppError(ErrorKind::NotFound, fmt::format("Livestream {} not found", id));
}

bool ended(const Livestream& l) {
  return l.status == LivestreamStatus::Ended || l.status == LivestreamStatus::Error;
}

std::optional<std::string> requester(const Actor& actor) {
  if (actor.userId.empty()) return std::nullopt;
  return actor.userId;
}

}  // namespace

MediaService::MediaService(Store& store, IngressService& ingress, EgressService& egress,
                           const TimeSource& time, LivestreamEvents& events,
                           PermissionPolicy permissions, RecordingSettings recording,
                           AuditTrail* audit)
    : store_(store),
      ingress_(ingress),
      egress_(egress),
      time_(time),
      events_(events),
      permissions_(permissions),
      recording_(std::move(recording)),
      audit_(audit) {}

Livestream MediaService::authorized(const Principal& principal, std::string_view livestreamId,
                                    Action action) {
  if (!util::is_uuid(livestreamId)) throw no_livestream(livestreamId);
  const Actor actor = actor_of(principal);
  // One read: the livestream and, when it decides, its invite list.
  auto [l, d] = store_.read([&](Queries& q) {
    auto found = q.find_livestream(livestreamId);
    if (!found) throw no_livestream(livestreamId);
    Subject s;
    s.livestream = &*found;
    const auto decision = decide_reading_invites(permissions_, actor, action, s, q);
    return std::pair{std::move(*found), decision};
  });
  if (!d.allowed) {
    if (action != Action::ReadRecordings)
      audit(actor, action == Action::ManageIngest ? "ingest.manage" : "recording.manage", l.id,
            "refused");
    throw AppError(d.refusal, d.reason);
  }
  return l;
}

void MediaService::audit(const Actor& actor, std::string_view action, std::string_view target,
                         std::string_view outcome) {
  if (audit_) audit_->audit(actor, action, target, outcome);
}

// --- ingest ---

IngestView MediaService::open_ingest(const Actor& actor, const Livestream& l, IngressInput input) {
  IngressOptions options;
  options.input = input;
  options.name = l.id;
  options.roomName = l.roomName;
  options.participantIdentity = l.createdBy;  // the encoder publishes as the host
  options.participantName = l.creatorName.empty() ? l.createdBy : l.creatorName;
  const IngressInfo info = ingress_.create_ingress(options);
  const auto now = time_.now();
  Ingest ingest;
  ingest.livestreamId = l.id;
  ingest.ingressId = info.ingressId;
  ingest.input = input;
  ingest.url = info.url;
  ingest.createdAt = ingest.updatedAt = now;
  std::optional<std::string> replaced;
  const bool stored = store_.write([&](Queries& q) {
    auto locked = q.lock_livestream_exclusive(l.id);
    if (!locked || ended(*locked)) return false;
    if (auto old = q.find_ingest(l.id)) {
      replaced = old->ingressId;
      ingest.createdAt = old->createdAt;
    }
    q.upsert_ingest(ingest);
    return true;
  });
  // The ingress we made and cannot keep, or the one the new one replaced, goes at LiveKit.
  const auto drop = [&](const std::string& id) {
    try {
      ingress_.delete_ingress(id);
    } catch (const LiveKitError& e) {
      if (!e.is_not_found())
        spdlog::warn("DeleteIngress {} of livestream {} failed: {}", id, l.id, e.what());
    }
  };
  if (!stored) {
    drop(info.ingressId);
    throw AppError(ErrorKind::Validation, "The livestream has ended");
  }
  if (replaced) drop(*replaced);
  events_.state_changed(l.id, StateChange::IngestChanged);
  audit(actor, replaced ? "ingest.reset" : "ingest.create", l.id);
  return {std::move(ingest), info.streamKey};
}

IngestView MediaService::create_ingest(const Principal& principal, std::string_view livestreamId,
                                       IngressInput input) {
  const auto l = authorized(principal, livestreamId, Action::ManageIngest);
  if (ended(l)) throw AppError(ErrorKind::Validation, "The livestream has ended");
  if (store_.read([&](Queries& q) { return q.find_ingest(l.id).has_value(); }))
    throw AppError(ErrorKind::Conflict,
                   "This livestream has an ingest endpoint already (reset it for a new key)");
  return open_ingest(actor_of(principal), l, input);
}

IngestView MediaService::get_ingest(const Principal& principal, std::string_view livestreamId) {
  const auto l = authorized(principal, livestreamId, Action::ManageIngest);
  auto ingest = store_.read([&](Queries& q) { return q.find_ingest(l.id); });
  if (!ingest) throw AppError(ErrorKind::NotFound, "This livestream has no ingest endpoint");
  IngestView view{std::move(*ingest), std::nullopt};
  for (auto& info : ingress_.list_ingress("", view.ingest.ingressId))
    if (info.ingressId == view.ingest.ingressId) view.streamKey = std::move(info.streamKey);
  return view;
}

IngestView MediaService::reset_ingest(const Principal& principal, std::string_view livestreamId) {
  const auto l = authorized(principal, livestreamId, Action::ManageIngest);
  if (ended(l)) throw AppError(ErrorKind::Validation, "The livestream has ended");
  auto current = store_.read([&](Queries& q) { return q.find_ingest(l.id); });
  if (!current) throw AppError(ErrorKind::NotFound, "This livestream has no ingest endpoint");
  return open_ingest(actor_of(principal), l, current->input);
}

void MediaService::delete_ingest(const Principal& principal, std::string_view livestreamId) {
  const auto l = authorized(principal, livestreamId, Action::ManageIngest);
  std::optional<Ingest> gone;
  store_.write([&](Queries& q) {
    q.lock_livestream_exclusive(l.id);
    gone = q.find_ingest(l.id);
    if (gone) q.delete_ingest(l.id);
  });
  if (!gone) throw AppError(ErrorKind::NotFound, "This livestream has no ingest endpoint");
  try {
    ingress_.delete_ingress(gone->ingressId);
  } catch (const LiveKitError& e) {
    if (!e.is_not_found()) throw;
  }
  events_.state_changed(l.id, StateChange::IngestChanged);
  audit(actor_of(principal), "ingest.delete", l.id);
}

// --- recordings ---

Recording MediaService::record(const Actor& actor, const Livestream& l) {
  if (l.status != LivestreamStatus::Live)
    throw AppError(ErrorKind::Validation, "Only a LIVE livestream can be recorded");
  const bool running = store_.read([&](Queries& q) {
    for (const auto& r : q.list_recordings(l.id))
      if (!is_terminal(r.status)) return true;
    return false;
  });
  if (running) throw AppError(ErrorKind::Conflict, "This livestream is being recorded already");
  const std::string id = util::new_uuid();
  EgressRequest request;
  request.roomName = l.roomName;
  request.file = recording_.mp4;
  request.segments = recording_.hls;
  const std::string base = fmt::format("{}{}{}/{}", recording_.pathPrefix,
                                       recording_.pathPrefix.empty() ? "" : "/", l.id, id);
  request.filepath = base + ".mp4";
  request.playlistName = base;
  request.s3 = recording_.s3;
  const EgressInfo info = egress_.start_room_composite_egress(request);
  const auto now = time_.now();
  auto stored = store_.write([&](Queries& q) {
    q.lock_livestream_exclusive(l.id);
    media::apply_egress(q, l.id, info, requester(actor), now, id);
    return q.lock_recording_by_egress(info.egressId);
  });
  if (!stored) throw AppError(ErrorKind::Internal, "the recording was not stored");
  events_.state_changed(l.id, StateChange::RecordingChanged);
  audit(actor, "recording.start", stored->id);
  return std::move(*stored);
}

Recording MediaService::start_recording(const Principal& principal, std::string_view livestreamId) {
  const auto l = authorized(principal, livestreamId, Action::ManageRecordings);
  return record(actor_of(principal), l);
}

Recording MediaService::stop_recording(const Principal& principal, std::string_view livestreamId,
                                       std::string_view recordingId) {
  const auto l = authorized(principal, livestreamId, Action::ManageRecordings);
  auto r = store_.read([&](Queries& q) { return q.find_recording(recordingId); });
  if (!r || r->livestreamId != l.id)
    throw AppError(ErrorKind::NotFound, fmt::format("Recording {} not found", recordingId));
  if (is_terminal(r->status)) return std::move(*r);  // idempotent
  EgressInfo info;
  try {
    info = egress_.stop_egress(r->egressId);
  } catch (const LiveKitError& e) {
    // Ending or ended already at LiveKit (its egress_ended is on its way): nothing to change.
    if (e.code() == "failed_precondition") return std::move(*r);
    if (!e.is_not_found()) throw;
    // LiveKit no longer knows it: it will never report its end.
    info.egressId = r->egressId;
    info.status = "EGRESS_ABORTED";
    info.error = "the recording was lost by LiveKit";
  }
  info.egressId = r->egressId;
  const auto now = time_.now();
  auto stored = store_.write([&](Queries& q) {
    q.lock_livestream_exclusive(l.id);
    media::apply_egress(q, l.id, info, std::nullopt, now);
    return q.lock_recording_by_egress(r->egressId);
  });
  events_.state_changed(l.id, StateChange::RecordingChanged);
  audit(actor_of(principal), "recording.stop", r->id);
  return stored ? std::move(*stored) : std::move(*r);
}

std::vector<Recording> MediaService::list_recordings(const Principal& principal,
                                                     std::string_view livestreamId) {
  const auto l = authorized(principal, livestreamId, Action::ReadRecordings);
  return store_.read([&](Queries& q) { return q.list_recordings(l.id); });
}

Recording MediaService::get_recording(const Principal& principal, std::string_view recordingId) {
  const auto not_found = [&] {
    return AppError(ErrorKind::NotFound, fmt::format("Recording {} not found", recordingId));
  };
  if (!util::is_uuid(recordingId)) throw not_found();
  auto r = store_.read([&](Queries& q) { return q.find_recording(recordingId); });
  if (!r) throw not_found();
  try {
    authorized(principal, r->livestreamId, Action::ReadRecordings);
  } catch (const AppError& e) {
    // A recording of a livestream the reader may not see does not exist for them.
    if (e.kind() == ErrorKind::Authorization) throw not_found();
    throw;
  }
  return std::move(*r);
}

// --- with the livestream's life ---

CreateExtras MediaService::after_create(const Principal& principal, const Livestream& l,
                                        std::optional<IngressInput> ingest, bool recordNow) {
  CreateExtras out;
  const Actor actor = actor_of(principal);
  if (ingest) {
    try {
      out.ingest = open_ingest(actor, l, *ingest);
    } catch (const std::exception& e) {
      spdlog::warn("ingest of new livestream {} not created: {}", l.id, e.what());
      out.ingestError = e.what();
    }
  }
  if (recordNow) {
    try {
      out.recording = record(actor, l);
    } catch (const std::exception& e) {
      spdlog::warn("recording of new livestream {} not started: {}", l.id, e.what());
      out.recordingError = e.what();
    }
  }
  return out;
}

void MediaService::livestream_ended(const std::string& livestreamId) {
  std::optional<Ingest> ingest;
  std::vector<Recording> running;
  try {
    store_.write([&](Queries& q) {
      ingest = q.find_ingest(livestreamId);
      if (ingest) q.delete_ingest(livestreamId);
      running.clear();
      for (auto& r : q.list_recordings(livestreamId))
        if (!is_terminal(r.status)) running.push_back(std::move(r));
    });
  } catch (const std::exception& e) {
    spdlog::warn("clean-up of ended livestream {} skipped: {}", livestreamId, e.what());
    return;
  }
  if (ingest) {
    try {
      ingress_.delete_ingress(ingest->ingressId);
    } catch (const LiveKitError& e) {
      if (!e.is_not_found())
        spdlog::warn("DeleteIngress {} of ended livestream {} failed: {}", ingest->ingressId,
                     livestreamId, e.what());
    }
  }
  for (const auto& r : running) {
    try {
      auto info = egress_.stop_egress(r.egressId);
      info.egressId = r.egressId;
      const auto now = time_.now();
      store_.write([&](Queries& q) { media::apply_egress(q, "", info, std::nullopt, now); });
    } catch (const std::exception& e) {
      // The room closing ends the egress anyway; its egress_ended webhook settles the record.
      spdlog::info("StopEgress {} of ended livestream {}: {}", r.egressId, livestreamId, e.what());
    }
  }
}

}  // namespace lso::domain
