// Who is watching: the rules that turn LiveKit sessions into seats, counts and the viewer series
// (docs/architecture.md, "Audience"). Every function runs inside the caller's write transaction,
// after the caller locked the livestream's row, and keys its effects by LiveKit session id, so
// the outcome does not depend on the order events arrive in.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/model.hpp"
#include "domain/store.hpp"

namespace lso::domain::audience {

inline constexpr std::int32_t kBucketSeconds = 10;

// The viewer counts one transaction left, per livestream, written as one series sample each
// when the transaction is about to commit (so a batch of events costs one upsert per
// livestream). All samples of a transaction share its `now`, so they fall in one bucket.
class Samples {
 public:
  void add(std::string_view livestreamId, std::int64_t viewers);
  void write(Queries& q, TimePoint now);
  bool empty() const { return byLivestream_.empty(); }

 private:
  std::map<std::string, std::array<std::int64_t, 3>, std::less<>> byLivestream_;  // min, max, last
};

// The start of the 10 s bucket holding `t`.
TimePoint bucket_of(TimePoint t, std::int32_t widthSeconds = kBucketSeconds);

// A session's role: HOST for the livestream's creator, VIEWER for everyone else.
ParticipantRole role_of(const Livestream& livestream, std::string_view identity);

// One LiveKit participant session as an event or ListParticipants names it.
struct SessionRef {
  std::string identity;
  std::string name;
  std::string sid;      // LiveKit participant sid
  std::string roomSid;  // may be empty
};

struct Effect {
  WebhookOutcome outcome = WebhookOutcome::NoEffect;
  std::optional<std::string> stateOf;  // the livestream whose live state changed
};

// A session connected (participant_joined, or reconciliation finding it in ListParticipants):
// a sid seen before (connected, or left already) changes nothing. The user's seat takes the sid
// when it has none, and a user without a seat gets one (LiveKit is the truth about who is there).
Effect connect(Queries& q, const Livestream& livestream, const SessionRef& session, TimePoint now,
               Samples& samples);

// A session ended (participant_left, participant_connection_aborted). `livestream` is the active
// livestream of the event's room (nullopt: none). A sid never seen leaves a tombstone, so its late
// join does nothing; an event without a sid ends every session of the identity.
Effect disconnect(Queries& q, const std::optional<Livestream>& livestream,
                  const SessionRef& session, TimePoint now, Samples& samples);

// These users are gone (an API leave, reconciliation): their seats LEFT, their sessions
// disconnected. Returns whether anything changed.
bool remove_users(Queries& q, const Livestream& livestream, std::span<const std::string> userIds,
                  TimePoint now, Samples& samples);

// The livestream ended: every seat LEFT, every session disconnected, the counts 0.
void end_all(Queries& q, const Livestream& livestream, TimePoint now, Samples& samples);

}  // namespace lso::domain::audience
