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

// What one transaction does to the audience counters, applied when it is about to commit: the
// counts move in memory event by event (the running count, its highest point and when), then
// one UPDATE per livestream adds the deltas and raises the peak to the highest count reached, and
// one series sample per livestream records the bucket's min, max and last. So a batch of 256
// webhooks costs one counter write and one series write per livestream, and a peak reached by one
// event and lost by the next is still the peak.
class Tally {
 public:
  // Moves the livestream's counters. The first move of a livestream in the transaction takes its
  // count from `livestream` (read under the row lock by the caller).
  void move(const Livestream& livestream, const Queries::AudienceDelta& delta, TimePoint at);
  // The counters were set by the database itself (a recount, the end, PostgreSQL's functions):
  // pending moves were written before (flush), the count is now `viewers`.
  void observe(std::string_view livestreamId, std::int64_t viewers);
  // Writes the livestream's pending moves now (before a statement that sets the counters).
  void flush(Queries& q, std::string_view livestreamId);
  // Writes every pending move and the series tally.
  void write(Queries& q, TimePoint now);

 private:
  struct Entry {
    std::int64_t count = 0;  // the running viewer count
    Queries::AudienceDelta pending;
    std::int64_t highest = 0;  // the highest count reached by the pending moves
    TimePoint highestAt{};
    bool sampled = false;
    std::int64_t min = 0, max = 0, last = 0;  // this transaction's series sample
  };
  static void sample(Entry& e, std::int64_t viewers);
  void flush(Queries& q, const std::string& id, Entry& e);
  std::map<std::string, Entry, std::less<>> entries_;
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
               Tally& tally);

// A session ended (participant_left, participant_connection_aborted). `livestream` is the active
// livestream of the event's room (nullopt: none). A sid never seen leaves a tombstone, so its late
// join does nothing; an event without a sid ends every session of the identity.
Effect disconnect(Queries& q, const std::optional<Livestream>& livestream,
                  const SessionRef& session, TimePoint now, Tally& tally);

// These users are gone (an API leave, reconciliation): their seats LEFT, their sessions
// disconnected. Returns whether anything changed.
bool remove_users(Queries& q, const Livestream& livestream, std::span<const std::string> userIds,
                  TimePoint now, Tally& tally);

// The livestream ended: every seat LEFT, every session disconnected, the counts 0.
void end_all(Queries& q, const Livestream& livestream, TimePoint now, Tally& tally);

}  // namespace lso::domain::audience
