// The in-memory tables and the queries the unit-tested services use, by the rules of the SQL
// statements (store/sqlite/statements.cpp) they stand in for.
#include "fakes/fake_store.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "domain/errors.hpp"

namespace lso::fakes {

using namespace lso::domain;

namespace {

[[noreturn]] void unfaked(const char* query) {
  throw std::logic_error(std::string("FakeQueries::") + query + " is not faked");
}

bool active(LivestreamStatus s) {
  return s == LivestreamStatus::Scheduled || s == LivestreamStatus::Live;
}

// Newest first, then id descending: the stores' listing order.
bool newer(const Livestream& a, const Livestream& b) {
  return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
}

}  // namespace

// --- the store ---

void FakeStore::ping() {
  if (unavailable) throw AppError(ErrorKind::Unavailable, "memory store unavailable");
}

void FakeStore::run(Access access, const std::function<void(Queries&)>& fn) {
  const std::lock_guard lock(mutex_);
  if (unavailable) throw AppError(ErrorKind::Unavailable, "memory store unavailable");
  if (access == Access::Read) {
    ++reads;
    if (onRead) onRead();
    FakeTables copy = tables_;  // a read that writes changes nothing
    FakeQueries q(copy);
    fn(q);
    return;
  }
  ++writes;
  FakeTables copy = tables_;
  FakeQueries q(copy);
  try {
    fn(q);
  } catch (...) {
    ++rollbacks;
    throw;
  }
  tables_ = std::move(copy);
}

// --- livestreams ---

Livestream* FakeQueries::livestream(std::string_view id) {
  auto it = t_.livestreams.find(id);
  return it == t_.livestreams.end() ? nullptr : &it->second;
}

void FakeQueries::insert_livestream(const Livestream& l) {
  if (t_.livestreams.count(l.id)) throw UniqueViolation("livestreams_pkey");
  if (active(l.status))
    for (const auto& [id, other] : t_.livestreams)
      if (other.roomName == l.roomName && active(other.status))
        throw UniqueViolation("livestreams_active_room");
  t_.livestreams.emplace(l.id, l);
}

std::optional<Livestream> FakeQueries::find_livestream(std::string_view id) {
  if (auto* l = livestream(id)) return *l;
  return std::nullopt;
}

std::optional<Livestream> FakeQueries::find_active_livestream_by_room(std::string_view roomName) {
  for (const auto& [id, l] : t_.livestreams)
    if (l.roomName == roomName && active(l.status)) return l;
  return std::nullopt;
}

std::optional<Livestream> FakeQueries::lock_active_livestream_by_room(std::string_view roomName) {
  return find_active_livestream_by_room(roomName);  // one transaction at a time: locked already
}

std::optional<Livestream> FakeQueries::lock_livestream_shared(std::string_view id) {
  return find_livestream(id);
}

std::optional<Livestream> FakeQueries::lock_livestream_exclusive(std::string_view id) {
  return find_livestream(id);
}

std::vector<Livestream> FakeQueries::list_livestreams(const LivestreamFilter& f) {
  std::vector<Livestream> out;
  for (const auto& [id, l] : t_.livestreams) {
    if (f.status && l.status != *f.status) continue;
    if (f.createdBy && l.createdBy != *f.createdBy) continue;
    const bool isPublic = l.visibility == Visibility::Public;
    if (f.scope == LivestreamFilter::Scope::PublicOnly && !isPublic) continue;
    if (f.scope == LivestreamFilter::Scope::PublicOrOwn && !isPublic && l.createdBy != f.reader)
      continue;
    out.push_back(l);
  }
  std::sort(out.begin(), out.end(), newer);
  const auto offset = std::min<std::size_t>(out.size(), std::max(0, f.offset));
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(offset));
  if (out.size() > static_cast<std::size_t>(std::max(0, f.limit)))
    out.resize(static_cast<std::size_t>(std::max(0, f.limit)));
  return out;
}

std::vector<Livestream> FakeQueries::list_livestreams_with_status(LivestreamStatus status) {
  std::vector<Livestream> out;
  for (const auto& [id, l] : t_.livestreams)
    if (l.status == status) out.push_back(l);
  std::sort(out.begin(), out.end(), newer);
  return out;
}

std::optional<Livestream> FakeQueries::mark_livestream_live(std::string_view id,
                                                            TimePoint startedAt) {
  auto* l = livestream(id);
  if (!l || l->status != LivestreamStatus::Scheduled) return std::nullopt;
  l->status = LivestreamStatus::Live;
  l->startedAt = startedAt;
  l->updatedAt = startedAt;
  return *l;
}

std::optional<Livestream> FakeQueries::mark_livestream_error(std::string_view id, TimePoint now) {
  auto* l = livestream(id);
  if (!l || l->status != LivestreamStatus::Scheduled) return std::nullopt;
  l->status = LivestreamStatus::Error;
  l->updatedAt = now;
  return *l;
}

std::optional<Livestream> FakeQueries::mark_livestream_ended(std::string_view id,
                                                             TimePoint endedAt) {
  auto* l = livestream(id);
  if (!l || l->status == LivestreamStatus::Ended) return std::nullopt;
  l->status = LivestreamStatus::Ended;
  l->endedAt = endedAt;
  l->updatedAt = endedAt;
  return *l;
}

std::int64_t FakeQueries::adjust_audience(std::string_view livestreamId, const AudienceDelta& d,
                                          std::int64_t peakCandidate, TimePoint at) {
  auto* l = livestream(livestreamId);
  if (!l) return 0;
  l->viewerCount += d.viewers;
  l->totalViewers += d.totalViewers;
  l->hostConnected = (l->hostConnected ? 1 : 0) + d.hostConnected > 0;
  if (peakCandidate > l->peakViewers) {
    l->peakViewers = peakCandidate;
    l->peakAt = at;
  }
  return l->viewerCount;
}

std::int64_t FakeQueries::recount_audience(std::string_view livestreamId,
                                           std::string_view hostUserId, TimePoint at) {
  auto* l = livestream(livestreamId);
  if (!l) return 0;
  std::set<std::string> viewers, ever;
  bool host = false;
  for (const auto& [sid, s] : t_.sessions) {
    if (s.livestreamId != livestreamId) continue;
    if (s.role == ParticipantRole::Viewer && s.connected()) viewers.insert(s.userId);
    if (s.role == ParticipantRole::Viewer && s.connectedAt) ever.insert(s.userId);
    if (s.userId == hostUserId && s.connected()) host = true;
  }
  l->viewerCount = static_cast<std::int64_t>(viewers.size());
  l->totalViewers = static_cast<std::int64_t>(ever.size());
  l->hostConnected = host;
  if (l->viewerCount > l->peakViewers) {
    l->peakViewers = l->viewerCount;
    l->peakAt = at;
  }
  return l->viewerCount;
}

void FakeQueries::clear_audience(std::string_view livestreamId) {
  if (auto* l = livestream(livestreamId)) {
    l->viewerCount = 0;
    l->hostConnected = false;
  }
}

// --- participants ---

void FakeQueries::insert_participant(const Participant& p) {
  if (!livestream(p.livestreamId)) throw AppError(ErrorKind::NotFound, "livestream not found");
  for (const auto& other : t_.participants) {
    if (other.id == p.id) throw UniqueViolation("participants_pkey");
    if (p.status == ParticipantStatus::Joined && other.status == ParticipantStatus::Joined &&
        other.livestreamId == p.livestreamId && other.userId == p.userId)
      throw UniqueViolation("participants_active_session");
    if (p.livekitParticipantSid && other.livekitParticipantSid == p.livekitParticipantSid)
      throw UniqueViolation("participants_livekit_sid");
  }
  t_.participants.push_back(p);
}

bool FakeQueries::insert_participant_if_absent(const Participant& p) {
  try {
    insert_participant(p);
    return true;
  } catch (const UniqueViolation&) {
    return false;
  }
}

std::optional<Participant> FakeQueries::find_active_participant(std::string_view livestreamId,
                                                                std::string_view userId) {
  for (const auto& p : t_.participants)
    if (p.livestreamId == livestreamId && p.userId == userId &&
        p.status == ParticipantStatus::Joined)
      return p;
  return std::nullopt;
}

std::optional<Participant> FakeQueries::find_participant_by_sid(std::string_view sid) {
  for (const auto& p : t_.participants)
    if (p.livekitParticipantSid == sid) return p;
  return std::nullopt;
}

std::vector<Participant> FakeQueries::list_participants(const ParticipantFilter& f) {
  std::vector<Participant> out;
  for (const auto& p : t_.participants) {
    if (p.livestreamId != f.livestreamId) continue;
    if (f.status && p.status != *f.status) continue;
    if (f.role && p.role != *f.role) continue;
    out.push_back(p);
  }
  std::sort(out.begin(), out.end(), [](const Participant& a, const Participant& b) {
    return a.joinedAt != b.joinedAt ? a.joinedAt > b.joinedAt : a.id > b.id;
  });
  const auto offset = std::min<std::size_t>(out.size(), std::max(0, f.offset));
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(offset));
  if (out.size() > static_cast<std::size_t>(std::max(0, f.limit)))
    out.resize(static_cast<std::size_t>(std::max(0, f.limit)));
  return out;
}

std::optional<Participant> FakeQueries::mark_participant_left(std::string_view livestreamId,
                                                              std::string_view userId,
                                                              TimePoint leftAt) {
  for (auto& p : t_.participants)
    if (p.livestreamId == livestreamId && p.userId == userId &&
        p.status == ParticipantStatus::Joined) {
      p.status = ParticipantStatus::Left;
      p.leftAt = leftAt;
      return p;
    }
  return std::nullopt;
}

std::int64_t FakeQueries::mark_all_participants_left(std::string_view livestreamId,
                                                     TimePoint leftAt) {
  std::int64_t n = 0;
  for (auto& p : t_.participants)
    if (p.livestreamId == livestreamId && p.status == ParticipantStatus::Joined) {
      p.status = ParticipantStatus::Left;
      p.leftAt = leftAt;
      ++n;
    }
  return n;
}

std::int64_t FakeQueries::mark_participants_left(std::string_view livestreamId,
                                                 std::span<const std::string> userIds,
                                                 TimePoint leftAt) {
  std::int64_t n = 0;
  for (const auto& user : userIds)
    if (mark_participant_left(livestreamId, user, leftAt)) ++n;
  return n;
}

std::optional<Participant> FakeQueries::attach_livekit_session(std::string_view livestreamId,
                                                               std::string_view userId,
                                                               std::string_view sid,
                                                               std::string_view roomSid) {
  for (auto& p : t_.participants)
    if (p.livestreamId == livestreamId && p.userId == userId &&
        p.status == ParticipantStatus::Joined) {
      for (const auto& other : t_.participants)
        if (&other != &p && other.livekitParticipantSid == sid)
          throw UniqueViolation("participants_livekit_sid");
      p.livekitParticipantSid = std::string(sid);
      p.livekitRoomSid = std::string(roomSid);
      return p;
    }
  return std::nullopt;
}

std::vector<ActiveParticipant> FakeQueries::active_participants(std::string_view livestreamId) {
  std::vector<const Participant*> joined;
  for (const auto& p : t_.participants)
    if (p.livestreamId == livestreamId && p.status == ParticipantStatus::Joined)
      joined.push_back(&p);
  std::sort(joined.begin(), joined.end(), [](const Participant* a, const Participant* b) {
    return a->joinedAt != b->joinedAt ? a->joinedAt < b->joinedAt : a->id < b->id;
  });
  std::vector<ActiveParticipant> out;
  for (const auto* p : joined) out.push_back({p->userId, p->displayName, p->role, p->joinedAt});
  return out;
}

// --- LiveKit sessions ---

void FakeQueries::insert_livekit_session(const LivekitSession& s) {
  if (!t_.sessions.emplace(s.sid, s).second) throw UniqueViolation("participant_sessions_pkey");
}

std::optional<LivekitSession> FakeQueries::find_livekit_session(std::string_view sid) {
  auto it = t_.sessions.find(sid);
  if (it == t_.sessions.end()) return std::nullopt;
  return it->second;
}

bool FakeQueries::disconnect_livekit_session(std::string_view sid, TimePoint at) {
  auto it = t_.sessions.find(sid);
  if (it == t_.sessions.end() || !it->second.connected()) return false;
  it->second.disconnectedAt = at;
  return true;
}

Queries::SessionContext FakeQueries::session_context(std::string_view livestreamId,
                                                     std::string_view userId,
                                                     std::string_view sid) {
  SessionContext out;
  out.sidKnown = t_.sessions.count(sid) != 0;
  for (const auto& [key, s] : t_.sessions) {
    if (s.livestreamId != livestreamId || s.userId != userId) continue;
    if (key != sid && s.connected()) out.present = true;
    if (s.role == ParticipantRole::Viewer && s.connectedAt) out.wasViewer = true;
  }
  if (auto p = find_active_participant(livestreamId, userId))
    out.seat = p->livekitParticipantSid.value_or("");
  return out;
}

std::optional<std::string> FakeQueries::other_connected_session(std::string_view livestreamId,
                                                                std::string_view userId,
                                                                std::string_view exceptSid) {
  for (const auto& [sid, s] : t_.sessions)
    if (s.livestreamId == livestreamId && s.userId == userId && sid != exceptSid && s.connected())
      return sid;
  return std::nullopt;
}

std::int64_t FakeQueries::disconnect_user_sessions(std::string_view livestreamId,
                                                   std::span<const std::string> userIds,
                                                   TimePoint at) {
  std::int64_t n = 0;
  for (auto& [sid, s] : t_.sessions)
    if (s.livestreamId == livestreamId && s.connected() &&
        std::find(userIds.begin(), userIds.end(), s.userId) != userIds.end()) {
      s.disconnectedAt = at;
      ++n;
    }
  return n;
}

std::int64_t FakeQueries::disconnect_all_sessions(std::string_view livestreamId, TimePoint at) {
  std::int64_t n = 0;
  for (auto& [sid, s] : t_.sessions)
    if (s.livestreamId == livestreamId && s.connected()) {
      s.disconnectedAt = at;
      ++n;
    }
  return n;
}

std::vector<ConnectedPerson> FakeQueries::connected_people(std::string_view livestreamId) {
  // GROUP BY user_id: min(display_name), min(role), min(connected_at); ORDER BY that, user_id.
  std::map<std::string, ConnectedPerson> people;
  for (const auto& [sid, s] : t_.sessions) {
    if (s.livestreamId != livestreamId || !s.connected()) continue;
    auto [it, added] = people.try_emplace(
        s.userId, ConnectedPerson{s.userId, s.displayName, s.role, *s.connectedAt});
    if (added) continue;
    auto& p = it->second;
    p.displayName = std::min(p.displayName, s.displayName);
    // "HOST" < "VIEWER" as text.
    if (s.role == ParticipantRole::Host) p.role = ParticipantRole::Host;
    p.connectedAt = std::min(p.connectedAt, *s.connectedAt);
  }
  std::vector<ConnectedPerson> out;
  for (auto& [user, p] : people) out.push_back(std::move(p));
  std::stable_sort(out.begin(), out.end(), [](const ConnectedPerson& a, const ConnectedPerson& b) {
    return a.connectedAt < b.connectedAt;
  });
  return out;
}

std::vector<std::int64_t> FakeQueries::viewer_watch_times(std::string_view livestreamId,
                                                          TimePoint until) {
  std::vector<std::int64_t> out;
  for (const auto& [sid, s] : t_.sessions)
    if (s.livestreamId == livestreamId && s.role == ParticipantRole::Viewer && s.connectedAt)
      out.push_back(
          std::max<std::int64_t>(0, (s.disconnectedAt.value_or(until) - *s.connectedAt).count()));
  return out;
}

// --- the viewer series ---

void FakeQueries::record_viewer_sample(const ViewerBucket& sample) {
  for (auto& b : t_.series)
    if (b.livestreamId == sample.livestreamId && b.start == sample.start &&
        b.widthSeconds == sample.widthSeconds) {
      b.min = std::min(b.min, sample.min);
      b.max = std::max(b.max, sample.max);
      b.last = sample.last;
      return;
    }
  t_.series.push_back(sample);
}

std::vector<ViewerBucket> FakeQueries::viewer_series(std::string_view, TimePoint, TimePoint) {
  unfaked("viewer_series");
}
std::optional<ViewerBucket> FakeQueries::viewer_bucket_before(std::string_view, TimePoint) {
  unfaked("viewer_bucket_before");
}
std::int64_t FakeQueries::downsample_viewer_series(TimePoint) {
  unfaked("downsample_viewer_series");
}
std::int64_t FakeQueries::delete_audience_history(TimePoint, std::int64_t) {
  unfaked("delete_audience_history");
}

// --- processed webhooks ---

bool FakeQueries::record_webhook(std::string_view webhookId, std::string_view, TimePoint,
                                 TimePoint expiresAt) {
  return t_.webhooks.emplace(std::string(webhookId), expiresAt).second;
}

std::int64_t FakeQueries::delete_expired_webhooks(TimePoint now, std::int64_t limit) {
  std::int64_t n = 0;
  for (auto it = t_.webhooks.begin(); it != t_.webhooks.end() && n < limit;) {
    if (it->second < now) {
      it = t_.webhooks.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

// --- identity: not used by the unit-tested services ---

void FakeQueries::insert_user(const User&) {
  unfaked("insert_user");
}
std::optional<User> FakeQueries::find_user(std::string_view) {
  unfaked("find_user");
}
std::int64_t FakeQueries::count_users() {
  unfaked("count_users");
}
std::vector<User> FakeQueries::list_users(std::int32_t, std::int32_t) {
  unfaked("list_users");
}
std::optional<User> FakeQueries::set_user_password(std::string_view, std::string_view, TimePoint) {
  unfaked("set_user_password");
}
std::optional<User> FakeQueries::set_user_admin(std::string_view, bool, TimePoint) {
  unfaked("set_user_admin");
}
std::optional<User> FakeQueries::set_user_disabled(std::string_view, bool, TimePoint) {
  unfaked("set_user_disabled");
}
void FakeQueries::insert_session(const AuthSession&) {
  unfaked("insert_session");
}
std::optional<SessionLookup> FakeQueries::find_session(std::string_view) {
  unfaked("find_session");
}
void FakeQueries::touch_session(std::string_view, TimePoint) {
  unfaked("touch_session");
}
bool FakeQueries::delete_session(std::string_view) {
  unfaked("delete_session");
}
std::vector<std::string> FakeQueries::delete_user_sessions(std::string_view, std::string_view) {
  unfaked("delete_user_sessions");
}
std::int64_t FakeQueries::delete_expired_sessions(TimePoint, TimePoint, std::int64_t) {
  unfaked("delete_expired_sessions");
}
void FakeQueries::insert_api_key(const ApiKey&) {
  unfaked("insert_api_key");
}
std::optional<ApiKeyLookup> FakeQueries::find_api_key_by_hash(std::string_view) {
  unfaked("find_api_key_by_hash");
}
std::vector<ApiKey> FakeQueries::list_api_keys() {
  unfaked("list_api_keys");
}
std::optional<ApiKey> FakeQueries::revoke_api_key(std::string_view, TimePoint) {
  unfaked("revoke_api_key");
}
void FakeQueries::touch_api_key(std::string_view, TimePoint) {
  unfaked("touch_api_key");
}
std::int64_t FakeQueries::insert_audit(const AuditEntry&) {
  unfaked("insert_audit");
}
std::vector<AuditEntry> FakeQueries::list_audit(const AuditFilter&) {
  unfaked("list_audit");
}
std::int64_t FakeQueries::delete_audit_before(TimePoint, std::int64_t) {
  unfaked("delete_audit_before");
}

// --- invites ---

bool FakeQueries::add_invite(const Invite& invite) {
  if (is_invited(invite.livestreamId, invite.userId)) return false;
  t_.invites.push_back(invite);
  return true;
}

bool FakeQueries::remove_invite(std::string_view livestreamId, std::string_view userId) {
  return std::erase_if(t_.invites, [&](const Invite& i) {
           return i.livestreamId == livestreamId && i.userId == userId;
         }) > 0;
}

bool FakeQueries::is_invited(std::string_view livestreamId, std::string_view userId) {
  return std::any_of(t_.invites.begin(), t_.invites.end(), [&](const Invite& i) {
    return i.livestreamId == livestreamId && i.userId == userId;
  });
}

std::vector<Invite> FakeQueries::list_invites(std::string_view livestreamId) {
  std::vector<Invite> out;
  for (const auto& i : t_.invites)
    if (i.livestreamId == livestreamId) out.push_back(i);
  return out;
}

// --- chat: members only ---

bool FakeQueries::insert_chat_message(const ChatMessage&) {
  unfaked("insert_chat_message");
}
std::optional<ChatMessage> FakeQueries::find_chat_message(std::string_view) {
  unfaked("find_chat_message");
}
std::optional<ChatMessage> FakeQueries::find_chat_message_by_client_id(std::string_view,
                                                                       std::string_view,
                                                                       std::string_view) {
  unfaked("find_chat_message_by_client_id");
}
std::vector<ChatMessage> FakeQueries::list_chat_messages(std::string_view, const ChatMessage*,
                                                         std::int32_t) {
  unfaked("list_chat_messages");
}
Queries::ChatActivity FakeQueries::chat_activity(std::string_view, std::string_view, TimePoint) {
  unfaked("chat_activity");
}
bool FakeQueries::delete_chat_message(std::string_view, std::string_view, TimePoint) {
  unfaked("delete_chat_message");
}
std::int32_t FakeQueries::chat_slow_mode(std::string_view) {
  unfaked("chat_slow_mode");
}
void FakeQueries::set_chat_slow_mode(std::string_view, std::int32_t) {
  unfaked("set_chat_slow_mode");
}

std::optional<Member> FakeQueries::find_member(std::string_view livestreamId,
                                               std::string_view userId) {
  auto it = t_.members.find({std::string(livestreamId), std::string(userId)});
  if (it == t_.members.end()) return std::nullopt;
  return it->second;
}

void FakeQueries::save_member(const Member& member) {
  t_.members[{member.livestreamId, member.userId}] = member;
}

std::vector<Member> FakeQueries::list_members(std::string_view livestreamId) {
  std::vector<Member> out;
  for (const auto& [key, m] : t_.members)
    if (m.livestreamId == livestreamId) out.push_back(m);
  std::stable_sort(out.begin(), out.end(),
                   [](const Member& a, const Member& b) { return a.updatedAt < b.updatedAt; });
  return out;
}

std::int64_t FakeQueries::insert_moderation(const ModerationEntry&) {
  unfaked("insert_moderation");
}
std::vector<ModerationEntry> FakeQueries::list_moderation(std::string_view, std::int64_t,
                                                          std::int32_t) {
  unfaked("list_moderation");
}

// --- ingest and recordings: reads only ---

std::optional<Ingest> FakeQueries::find_ingest(std::string_view livestreamId) {
  auto it = t_.ingests.find(livestreamId);
  if (it == t_.ingests.end()) return std::nullopt;
  return it->second;
}
std::optional<Ingest> FakeQueries::lock_ingest_by_ingress(std::string_view) {
  unfaked("lock_ingest_by_ingress");
}
void FakeQueries::upsert_ingest(const Ingest& ingest) {
  t_.ingests[ingest.livestreamId] = ingest;
}
bool FakeQueries::delete_ingest(std::string_view livestreamId) {
  auto it = t_.ingests.find(livestreamId);
  if (it == t_.ingests.end()) return false;
  t_.ingests.erase(it);
  return true;
}
std::vector<Ingest> FakeQueries::list_live_ingests() {
  std::vector<Ingest> out;
  for (const auto& [id, i] : t_.ingests)
    if (i.status == IngestStatus::Buffering || i.status == IngestStatus::Publishing)
      out.push_back(i);
  return out;
}
bool FakeQueries::insert_recording_if_absent(const Recording&) {
  unfaked("insert_recording_if_absent");
}
std::optional<Recording> FakeQueries::lock_recording_by_egress(std::string_view) {
  unfaked("lock_recording_by_egress");
}
std::optional<Recording> FakeQueries::find_recording(std::string_view) {
  unfaked("find_recording");
}
void FakeQueries::update_recording(const Recording&) {
  unfaked("update_recording");
}
std::vector<Recording> FakeQueries::list_recordings(std::string_view livestreamId) {
  std::vector<Recording> out;
  for (const auto& r : t_.recordings)
    if (r.livestreamId == livestreamId) out.push_back(r);
  std::reverse(out.begin(), out.end());  // newest first
  return out;
}
std::vector<Recording> FakeQueries::list_active_recordings() {
  std::vector<Recording> out;
  for (const auto& r : t_.recordings)
    if (r.status == RecordingStatus::Starting || r.status == RecordingStatus::Active ||
        r.status == RecordingStatus::Ending)
      out.push_back(r);
  return out;
}

std::string FakeQueries::get_or_create_secret(std::string_view name, std::string_view candidate) {
  return t_.secrets.try_emplace(std::string(name), std::string(candidate)).first->second;
}

}  // namespace lso::fakes
