#include "domain/audience.hpp"

#include <algorithm>

#include "domain/errors.hpp"
#include "util/uuid.hpp"

namespace lso::domain::audience {

namespace {

// Above this many users, remove_users recounts the audience from the sessions in one statement
// instead of asking per user whether they were present.
constexpr std::size_t kRecountAbove = 16;

std::string name_or_identity(const SessionRef& s) {
  return s.name.empty() ? s.identity : s.name;
}

std::optional<std::string> optional_text(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// The seat LiveKit implies for a user connected without one.
Participant adopted_seat(const Livestream& l, const SessionRef& s, TimePoint now) {
  Participant p;
  p.id = util::new_uuid();
  p.livestreamId = l.id;
  p.userId = s.identity;
  p.displayName = name_or_identity(s);
  p.role = role_of(l, s.identity);
  p.status = ParticipantStatus::Joined;
  p.metadata = nullptr;
  p.livekitParticipantSid = s.sid;
  p.livekitRoomSid = optional_text(s.roomSid);
  p.joinedAt = now;
  return p;
}

// The counters' change when `userId` stops (or starts, sign +1) being present.
Queries::AudienceDelta presence_delta(ParticipantRole role, int sign) {
  Queries::AudienceDelta d;
  if (role == ParticipantRole::Viewer)
    d.viewers = sign;
  else
    d.hostConnected = sign;
  return d;
}

}  // namespace

void Tally::sample(Entry& e, std::int64_t viewers) {
  if (!e.sampled) {
    e.sampled = true;
    e.min = e.max = e.last = viewers;
    return;
  }
  e.min = std::min(e.min, viewers);
  e.max = std::max(e.max, viewers);
  e.last = viewers;
}

void Tally::move(const Livestream& l, const Queries::AudienceDelta& d, TimePoint at) {
  auto [it, added] = entries_.try_emplace(l.id);
  auto& e = it->second;
  if (added) e.count = e.highest = l.viewerCount;
  e.pending.viewers += d.viewers;
  e.pending.totalViewers += d.totalViewers;
  e.pending.hostConnected += d.hostConnected;
  e.count += d.viewers;
  if (e.count > e.highest) {
    e.highest = e.count;
    e.highestAt = at;
  }
  sample(e, e.count);
}

void Tally::observe(std::string_view livestreamId, std::int64_t viewers) {
  auto it = entries_.find(livestreamId);
  if (it == entries_.end()) it = entries_.emplace(std::string(livestreamId), Entry{}).first;
  auto& e = it->second;
  e.count = e.highest = viewers;
  e.pending = {};
  sample(e, viewers);
}

void Tally::flush(Queries& q, const std::string& id, Entry& e) {
  if (e.pending.empty()) return;
  // The peak candidate is only raised past the stored peak by the statement when it is higher.
  q.adjust_audience(id, e.pending, e.highest, e.highestAt);
  e.pending = {};
  e.highest = e.count;
}

void Tally::flush(Queries& q, std::string_view livestreamId) {
  if (auto it = entries_.find(livestreamId); it != entries_.end()) flush(q, it->first, it->second);
}

void Tally::write(Queries& q, TimePoint now) {
  const auto bucket = bucket_of(now);
  for (auto& [id, e] : entries_) {
    flush(q, id, e);
    if (e.sampled) q.record_viewer_sample({id, bucket, kBucketSeconds, e.min, e.max, e.last});
  }
  entries_.clear();
}

TimePoint bucket_of(TimePoint t, std::int32_t widthSeconds) {
  const auto width = std::chrono::microseconds(std::chrono::seconds(widthSeconds)).count();
  auto us = t.time_since_epoch().count();
  us -= ((us % width) + width) % width;
  return TimePoint(std::chrono::microseconds(us));
}

ParticipantRole role_of(const Livestream& livestream, std::string_view identity) {
  return identity == livestream.createdBy ? ParticipantRole::Host : ParticipantRole::Viewer;
}

Effect connect(Queries& q, const Livestream& l, const SessionRef& s, TimePoint now, Tally& tally) {
  if (s.identity.empty() || s.sid.empty()) return {WebhookOutcome::Unknown, std::nullopt};
  // Everything the rule reads, in one statement.
  const auto seen = q.session_context(l.id, s.identity, s.sid);
  if (seen.sidKnown) return {};  // seen: connected, or its leave came first
  const auto role = role_of(l, s.identity);
  Queries::AudienceDelta delta;
  if (!seen.present) {
    delta = presence_delta(role, +1);
    if (role == ParticipantRole::Viewer && !seen.wasViewer) delta.totalViewers = 1;
  }
  q.insert_livekit_session(
      {s.sid, l.id, s.identity, name_or_identity(s), role, optional_text(s.roomSid), now, {}});
  if (seen.seat) {
    if (seen.seat->empty()) q.attach_livekit_session(l.id, s.identity, s.sid, s.roomSid);
  } else if (!q.insert_participant_if_absent(adopted_seat(l, s, now))) {
    // An API join committed meanwhile: the job is retried and then finds its seat.
    throw AppError(ErrorKind::Conflict, "participant changed concurrently; retried");
  }
  if (!delta.empty()) tally.move(l, delta, now);
  return {WebhookOutcome::Applied, seen.present ? std::nullopt : std::optional<std::string>(l.id)};
}

Effect disconnect(Queries& q, const std::optional<Livestream>& l, const SessionRef& s,
                  TimePoint now, Tally& tally) {
  if (s.sid.empty()) {
    if (!l || s.identity.empty()) return {WebhookOutcome::Unknown, std::nullopt};
    // Nothing to key it by: every session of the identity ends.
    const std::string users[] = {s.identity};
    if (!remove_users(q, *l, users, now, tally)) return {};
    return {WebhookOutcome::Applied, l->id};
  }
  if (auto known = q.find_livekit_session(s.sid)) {
    if (!known->connected()) return {};  // left already, or a tombstone
    q.disconnect_livekit_session(s.sid, now);
    const auto& id = known->livestreamId;
    const auto other = q.other_connected_session(id, known->userId, s.sid);
    if (!other) {
      if (l && l->id == id) {
        tally.move(*l, presence_delta(known->role, -1), now);
      } else {  // not the room's active livestream (never expected): straight to the row
        tally.flush(q, id);
        const auto d = presence_delta(known->role, -1);
        tally.observe(id, q.adjust_audience(id, d, 0, now));
      }
    }
    // The seat follows the user's sessions: to another connected one, or LEFT with the last.
    if (auto seat = q.find_active_participant(id, known->userId)) {
      if (other && seat->livekitParticipantSid == s.sid)
        q.attach_livekit_session(id, known->userId, *other, known->roomSid.value_or(""));
      else if (!other && seat->livekitParticipantSid)
        q.mark_participant_left(id, known->userId, now);
    }
    return {WebhookOutcome::Applied, other ? std::nullopt : std::optional<std::string>(id)};
  }
  if (!l || s.identity.empty()) return {WebhookOutcome::Unknown, std::nullopt};
  // A leave before its join: the tombstone makes the late join a no-op.
  q.insert_livekit_session({s.sid, l->id, s.identity, name_or_identity(s), role_of(*l, s.identity),
                            optional_text(s.roomSid), std::nullopt, now});
  // A seat whose join has not attached a sid yet takes this leave as its session's end (the sid
  // is recorded on it as it goes LEFT).
  if (auto seat = q.find_active_participant(l->id, s.identity);
      seat && !seat->livekitParticipantSid) {
    q.attach_livekit_session(l->id, s.identity, s.sid, s.roomSid);
    q.mark_participant_left(l->id, s.identity, now);
    return {WebhookOutcome::Applied, std::nullopt};
  }
  return {};
}

bool remove_users(Queries& q, const Livestream& l, std::span<const std::string> userIds,
                  TimePoint now, Tally& tally) {
  if (userIds.empty()) return false;
  const bool recount = userIds.size() > kRecountAbove;
  Queries::AudienceDelta delta;
  if (!recount) {
    for (const auto& user : userIds) {
      if (!q.other_connected_session(l.id, user, "")) continue;
      const auto d = presence_delta(role_of(l, user), -1);
      delta.viewers += d.viewers;
      delta.hostConnected += d.hostConnected;
    }
  }
  const auto seats = q.mark_participants_left(l.id, userIds, now);
  const auto sessions = q.disconnect_user_sessions(l.id, userIds, now);
  if (sessions > 0) {
    if (recount) {
      tally.flush(q, l.id);
      tally.observe(l.id, q.recount_audience(l.id, l.createdBy, now));
    } else {
      tally.move(l, delta, now);
    }
  }
  return seats > 0 || sessions > 0;
}

void end_all(Queries& q, const Livestream& l, TimePoint now, Tally& tally) {
  tally.flush(q, l.id);  // what the transaction counted before the end stays in the totals
  q.mark_all_participants_left(l.id, now);
  q.disconnect_all_sessions(l.id, now);
  q.clear_audience(l.id);
  tally.observe(l.id, 0);
}

}  // namespace lso::domain::audience
