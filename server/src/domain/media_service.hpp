// The ingest and recording use cases: an encoder endpoint per livestream (LiveKit
// Ingress) and recordings (LiveKit Egress). Blocking (database, LiveKit): the API runs it on the
// blocking pool. Who may do what is the permission table's (ManageIngest, ManageRecordings,
// ReadRecordings).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/events.hpp"
#include "domain/livekit.hpp"
#include "domain/media.hpp"
#include "domain/permissions.hpp"
#include "domain/principal.hpp"
#include "domain/store.hpp"

namespace lso::domain {

// Where recordings go (RECORDING_* settings).
struct RecordingSettings {
  bool mp4 = true;
  bool hls = false;
  std::string pathPrefix = "recordings";
  S3Storage s3;  // empty bucket: LiveKit Egress's own storage settings
};

// An ingest as its manager sees it: the stream key only in the answers that reveal it.
struct IngestView {
  Ingest ingest;
  std::optional<std::string> streamKey;
};

// What `record: true` / `ingest` at create did; an error is reported, never thrown (the
// livestream exists and is LIVE by then).
struct CreateExtras {
  std::optional<IngestView> ingest;
  std::optional<std::string> ingestError;
  std::optional<Recording> recording;
  std::optional<std::string> recordingError;
};

class MediaService {
 public:
  MediaService(Store& store, IngressService& ingress, EgressService& egress, const TimeSource& time,
               LivestreamEvents& events, PermissionPolicy permissions, RecordingSettings recording,
               AuditTrail* audit = nullptr);

  // --- ingest ---
  // Creates the endpoint (409 when there is one, 400 once the livestream ended): url and key.
  IngestView create_ingest(const Principal& principal, std::string_view livestreamId,
                           IngressInput input);
  // The endpoint with its key (asked of LiveKit: the key is not stored here); 404 when none.
  IngestView get_ingest(const Principal& principal, std::string_view livestreamId);
  // A new ingress (new key) replaces the old one, which is deleted: the old key stops working.
  IngestView reset_ingest(const Principal& principal, std::string_view livestreamId);
  void delete_ingest(const Principal& principal, std::string_view livestreamId);

  // --- recordings ---
  // Starts a room composite recording of a LIVE livestream (409 while one is running).
  Recording start_recording(const Principal& principal, std::string_view livestreamId);
  Recording stop_recording(const Principal& principal, std::string_view livestreamId,
                           std::string_view recordingId);
  std::vector<Recording> list_recordings(const Principal& principal, std::string_view livestreamId);
  Recording get_recording(const Principal& principal, std::string_view recordingId);

  // After a create with `ingest` and/or `record: true` (the create was authorized already).
  CreateExtras after_create(const Principal& principal, const Livestream& livestream,
                            std::optional<IngressInput> ingest, bool record);
  // After a livestream ended (any way): its ingress deleted, its running recordings stopped.
  // Best effort: LiveKit errors are logged (reconciliation settles what is left).
  void livestream_ended(const std::string& livestreamId);

 private:
  // The livestream (404 when there is none), when the principal may do `action` to it (a private
  // livestream's invite list is read when it decides); a refused manage action is audited.
  Livestream authorized(const Principal& principal, std::string_view livestreamId, Action action);
  Recording record(const Actor& actor, const Livestream& livestream);
  IngestView open_ingest(const Actor& actor, const Livestream& livestream, IngressInput input);
  // Best effort, as every audit entry (see AuditTrail).
  void audit(const Actor& actor, std::string_view action, std::string_view target,
             std::string_view outcome = "ok");

  Store& store_;
  IngressService& ingress_;
  EgressService& egress_;
  const TimeSource& time_;
  LivestreamEvents& events_;
  PermissionPolicy permissions_;
  RecordingSettings recording_;
  AuditTrail* audit_;
};

}  // namespace lso::domain
