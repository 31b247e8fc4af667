// The outbound side of the domain: what happened to a livestream, for whoever pushes it to
// browsers (SSE, across instances in production). Called after the change is committed.
#pragma once

#include <string>

#include "domain/chat.hpp"
#include "domain/model.hpp"

namespace lso::domain {

enum class StateChange {
  RoomStarted,          // LiveKit reported the room running
  ParticipantsChanged,  // a join or leave; subject to viewer-count throttling
  RoomEnded,            // the livestream ended; subscribers get room_ended, then the stream closes
  IngestChanged,        // the ingest status changed (ingest_update, at once)
  RecordingChanged,     // a recording changed (recording_update, at once)
};

class LivestreamEvents {
 public:
  virtual ~LivestreamEvents() = default;
  // A livestream was created (`created`) or changed status.
  virtual void livestream_changed(const Livestream& livestream, bool created) = 0;
  // The live state of a livestream changed (after commit). Cheap by design: it carries the id
  // only, and the receiver decides when to read the state (viewer-count throttling), so
  // a burst of joins costs one state read per push, not one per join.
  virtual void state_changed(const std::string& livestreamId, StateChange change) = 0;
  // Chat and stage: pushed at once to the livestream's subscribers, never throttled.
  virtual void chat_message(const ChatMessage& message) { (void)message; }
  virtual void chat_message_deleted(const std::string& livestreamId, const std::string& messageId) {
    (void)livestreamId, (void)messageId;
  }
  // Who is on the stage or has a hand up changed.
  virtual void stage_changed(const std::string& livestreamId) { (void)livestreamId; }
};

// For tools and tests that need no fan-out.
class NoLivestreamEvents final : public LivestreamEvents {
 public:
  void livestream_changed(const Livestream&, bool) override {}
  void state_changed(const std::string&, StateChange) override {}
};

}  // namespace lso::domain
