// Shared implementation of the named queries over a Session: binding, mapping, id normalisation.
#include "store/sql/sql_queries.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <limits>
#include <string>

#include "domain/errors.hpp"
#include "util/time.hpp"
#include "util/uuid.hpp"

namespace lso::store::sql {

std::optional<std::string> canonical_id(std::string_view id) {
  if (!util::is_uuid(id)) {
    return std::nullopt;
  }
  std::string out(id);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

namespace {

using domain::AppError;
using domain::ErrorKind;
using domain::Livestream;
using domain::Participant;
using domain::TimePoint;

std::string require_id(std::string_view id, std::string_view what) {
  auto canonical = canonical_id(id);
  if (!canonical) {
    throw AppError(ErrorKind::Internal, std::string(what) + " is not a UUID");
  }
  return *std::move(canonical);
}

std::int64_t micros(TimePoint t) {
  return util::to_epoch_micros(t);
}
TimePoint time_at(const Row& row, int col) {
  return util::from_epoch_micros(row.int64(col));
}

Param optional_time(const std::optional<TimePoint>& t) {
  return t ? Param{micros(*t)} : Param{nullptr};
}
Param optional_text(const std::optional<std::string>& s) {
  return s ? Param{std::string_view(*s)} : Param{nullptr};
}

// PostgreSQL cannot hold U+0000 in text or jsonb; refusing it for every backend keeps them alike.
bool contains_nul(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string: return v.get_string().find('\0') != boost::json::string::npos;
    case boost::json::kind::array:
      for (const auto& item : v.get_array()) {
        if (contains_nul(item)) {
          return true;
        }
      }
      return false;
    case boost::json::kind::object:
      for (const auto& [key, item] : v.get_object()) {
        if (key.find('\0') != std::string_view::npos || contains_nul(item)) {
          return true;
        }
      }
      return false;
    default: return false;
  }
}

// Metadata (and audit details) is a JSON object or null; null is stored as SQL NULL.
std::optional<std::string> json_text(const boost::json::value& value, std::string_view what) {
  if (value.is_null()) {
    return std::nullopt;
  }
  if (contains_nul(value)) {
    throw AppError(ErrorKind::Validation, std::string(what) + " must not contain NUL characters");
  }
  return boost::json::serialize(value);
}
std::optional<std::string> metadata_text(const boost::json::value& metadata) {
  return json_text(metadata, "metadata");
}

boost::json::value json_at(const Row& row, int col, std::string_view what) {
  if (row.is_null(col)) {
    return nullptr;
  }
  boost::system::error_code ec;
  auto value = boost::json::parse(row.text(col), ec);
  if (ec) {
    throw AppError(ErrorKind::Internal, "stored " + std::string(what) + " is not valid JSON");
  }
  return value;
}
boost::json::value metadata_at(const Row& row, int col) {
  return json_at(row, col, "metadata");
}

std::optional<std::string> optional_text_at(const Row& row, int col) {
  if (row.is_null(col)) {
    return std::nullopt;
  }
  return std::string(row.text(col));
}

std::optional<TimePoint> optional_time_at(const Row& row, int col) {
  if (row.is_null(col)) {
    return std::nullopt;
  }
  return time_at(row, col);
}

template <class T>
T parsed(std::optional<T> value, std::string_view column) {
  if (!value) {
    throw AppError(ErrorKind::Internal, "unknown value in column " + std::string(column));
  }
  return *value;
}

Livestream livestream_from(const Row& row) {
  namespace c = livestream_col;
  Livestream l;
  l.id = row.text(c::Id);
  l.roomName = row.text(c::RoomName);
  l.title = row.text(c::Title);
  l.description = optional_text_at(row, c::Description);
  l.status = parsed(domain::parse_livestream_status(row.text(c::Status)), "livestreams.status");
  l.createdBy = row.text(c::CreatedBy);
  l.maxParticipants = static_cast<std::int32_t>(row.int64(c::MaxParticipants));
  l.emptyTimeout = static_cast<std::int32_t>(row.int64(c::EmptyTimeout));
  l.metadata = metadata_at(row, c::Metadata);
  l.createdAt = time_at(row, c::CreatedAt);
  l.updatedAt = time_at(row, c::UpdatedAt);
  l.startedAt = optional_time_at(row, c::StartedAt);
  l.endedAt = optional_time_at(row, c::EndedAt);
  l.creatorName = row.text(c::CreatorName);
  l.visibility =
      parsed(domain::parse_visibility(row.text(c::Visibility)), "livestreams.visibility");
  l.viewerCount = row.int64(c::ViewerCount);
  l.totalViewers = row.int64(c::TotalViewers);
  l.peakViewers = row.int64(c::PeakViewers);
  l.peakAt = optional_time_at(row, c::PeakAt);
  l.hostConnected = row.int64(c::HostConnected) > 0;
  return l;
}

Participant participant_from(const Row& row) {
  namespace c = participant_col;
  Participant p;
  p.id = row.text(c::Id);
  p.livestreamId = row.text(c::LivestreamId);
  p.userId = row.text(c::UserId);
  p.displayName = row.text(c::DisplayName);
  p.role = parsed(domain::parse_participant_role(row.text(c::Role)), "participants.role");
  p.status = parsed(domain::parse_participant_status(row.text(c::Status)), "participants.status");
  p.metadata = metadata_at(row, c::Metadata);
  p.livekitParticipantSid = optional_text_at(row, c::LivekitParticipantSid);
  p.livekitRoomSid = optional_text_at(row, c::LivekitRoomSid);
  p.joinedAt = time_at(row, c::JoinedAt);
  p.leftAt = optional_time_at(row, c::LeftAt);
  return p;
}

bool flag_at(const Row& row, int col) {
  return row.int64(col) != 0;
}
std::int64_t flag(bool b) {
  return b ? 1 : 0;
}

domain::User user_from(const Row& row) {
  namespace c = user_col;
  domain::User u;
  u.id = row.text(c::Id);
  u.displayName = row.text(c::DisplayName);
  u.passwordHash = row.text(c::PasswordHash);
  u.admin = flag_at(row, c::Admin);
  u.disabled = flag_at(row, c::Disabled);
  u.createdAt = time_at(row, c::CreatedAt);
  u.updatedAt = time_at(row, c::UpdatedAt);
  return u;
}

domain::AuthSession session_from(const Row& row) {
  namespace c = session_col;
  domain::AuthSession s;
  s.idHash = row.text(c::IdHash);
  s.userId = row.text(c::UserId);
  s.displayName = row.text(c::DisplayName);
  s.guest = flag_at(row, c::Guest);
  s.createdAt = time_at(row, c::CreatedAt);
  s.expiresAt = time_at(row, c::ExpiresAt);
  s.lastSeenAt = time_at(row, c::LastSeenAt);
  return s;
}

domain::ApiKey api_key_from(const Row& row) {
  namespace c = api_key_col;
  domain::ApiKey k;
  k.id = row.text(c::Id);
  k.name = row.text(c::Name);
  k.prefix = row.text(c::Prefix);
  k.secretHash = row.text(c::SecretHash);
  k.scopes = static_cast<std::uint8_t>(row.int64(c::Scopes));
  k.ownerId = row.text(c::OwnerId);
  k.createdAt = time_at(row, c::CreatedAt);
  k.lastUsedAt = optional_time_at(row, c::LastUsedAt);
  k.revokedAt = optional_time_at(row, c::RevokedAt);
  return k;
}

domain::AuditEntry audit_from(const Row& row) {
  namespace c = audit_col;
  domain::AuditEntry e;
  e.id = row.int64(c::Id);
  e.at = time_at(row, c::At);
  e.action = row.text(c::Action);
  e.principal = row.text(c::Principal);
  e.ip = row.text(c::Ip);
  e.target = row.text(c::Target);
  e.outcome = row.text(c::Outcome);
  e.details = json_at(row, c::Details, "audit details");
  return e;
}

domain::Invite invite_from(const Row& row) {
  namespace c = invite_col;
  return {std::string(row.text(c::LivestreamId)), std::string(row.text(c::UserId)),
          time_at(row, c::CreatedAt)};
}

domain::ChatMessage chat_from(const Row& row) {
  namespace c = chat_col;
  domain::ChatMessage m;
  m.id = row.text(c::Id);
  m.livestreamId = row.text(c::LivestreamId);
  m.userId = row.text(c::UserId);
  m.displayName = row.text(c::DisplayName);
  m.text = row.text(c::Text);
  m.createdAt = time_at(row, c::CreatedAt);
  m.deletedAt = optional_time_at(row, c::DeletedAt);
  if (!row.is_null(c::DeletedBy)) m.deletedBy = std::string(row.text(c::DeletedBy));
  if (!row.is_null(c::ClientId)) m.clientId = std::string(row.text(c::ClientId));
  return m;
}

domain::Member member_from(const Row& row) {
  namespace c = member_col;
  domain::Member m;
  m.livestreamId = row.text(c::LivestreamId);
  m.userId = row.text(c::UserId);
  m.displayName = row.text(c::DisplayName);
  m.moderator = row.int64(c::Moderator) != 0;
  m.chatTimeoutUntil = optional_time_at(row, c::ChatTimeoutUntil);
  m.banned = row.int64(c::Banned) != 0;
  m.handRaisedAt = optional_time_at(row, c::HandRaisedAt);
  m.stage =
      row.is_null(c::Stage)
          ? domain::StageStatus::None
          : domain::parse_stage_status(row.text(c::Stage)).value_or(domain::StageStatus::None);
  m.updatedAt = time_at(row, c::UpdatedAt);
  return m;
}

domain::ModerationEntry moderation_from(const Row& row) {
  namespace c = moderation_col;
  domain::ModerationEntry e;
  e.id = row.int64(c::Id);
  e.livestreamId = row.text(c::LivestreamId);
  e.at = time_at(row, c::At);
  e.actorId = row.text(c::ActorId);
  e.action = row.text(c::Action);
  if (!row.is_null(c::TargetUserId)) e.targetUserId = row.text(c::TargetUserId);
  if (!row.is_null(c::MessageId)) e.messageId = row.text(c::MessageId);
  e.details = json_at(row, c::Details, "moderation details");
  return e;
}

domain::Ingest ingest_from(const Row& row) {
  namespace c = ingest_col;
  domain::Ingest i;
  i.livestreamId = row.text(c::LivestreamId);
  i.ingressId = row.text(c::IngressId);
  i.input = parsed(domain::parse_ingress_input(row.text(c::Input)), "ingests.input");
  i.url = row.text(c::Url);
  i.status = parsed(domain::parse_ingest_status(row.text(c::Status)), "ingests.status");
  i.error = optional_text_at(row, c::Error);
  i.sessionStartedAt = row.int64(c::SessionStartedAt);
  i.rank = static_cast<std::int32_t>(row.int64(c::Rank));
  i.createdAt = time_at(row, c::CreatedAt);
  i.updatedAt = time_at(row, c::UpdatedAt);
  return i;
}

std::optional<std::int64_t> optional_int_at(const Row& row, int col) {
  if (row.is_null(col)) return std::nullopt;
  return row.int64(col);
}
Param optional_int(const std::optional<std::int64_t>& v) {
  return v ? Param{*v} : Param{nullptr};
}

domain::Recording recording_from(const Row& row) {
  namespace c = recording_col;
  domain::Recording r;
  r.id = row.text(c::Id);
  r.livestreamId = row.text(c::LivestreamId);
  r.egressId = row.text(c::EgressId);
  r.status = parsed(domain::parse_recording_status(row.text(c::Status)), "recordings.status");
  r.requestedBy = optional_text_at(row, c::RequestedBy);
  r.startedAt = optional_time_at(row, c::StartedAt);
  r.endedAt = optional_time_at(row, c::EndedAt);
  r.durationMs = optional_int_at(row, c::DurationMs);
  r.sizeBytes = optional_int_at(row, c::SizeBytes);
  r.fileLocation = optional_text_at(row, c::FileLocation);
  r.playlistLocation = optional_text_at(row, c::PlaylistLocation);
  r.error = optional_text_at(row, c::Error);
  r.livekitUpdatedAt = row.int64(c::LivekitUpdatedAt);
  r.createdAt = time_at(row, c::CreatedAt);
  r.updatedAt = time_at(row, c::UpdatedAt);
  return r;
}

// Negative paging values would mean "no limit" to SQLite and an error to PostgreSQL.
std::int64_t non_negative(std::int32_t v) {
  return std::max<std::int64_t>(v, 0);
}

}  // namespace

// --- row helpers ---

std::optional<Livestream> SqlQueries::one_livestream(Query q, std::initializer_list<Param> params) {
  std::optional<Livestream> out;
  session_.exec(q, params, [&](const Row& row) { out = livestream_from(row); });
  return out;
}

std::vector<Livestream> SqlQueries::livestreams(Query q, std::initializer_list<Param> params) {
  std::vector<Livestream> out;
  session_.exec(q, params, [&](const Row& row) { out.push_back(livestream_from(row)); });
  return out;
}

std::optional<Participant> SqlQueries::one_participant(Query q,
                                                       std::initializer_list<Param> params) {
  std::optional<Participant> out;
  session_.exec(q, params, [&](const Row& row) { out = participant_from(row); });
  return out;
}

std::vector<Participant> SqlQueries::participants(Query q, std::initializer_list<Param> params) {
  std::vector<Participant> out;
  session_.exec(q, params, [&](const Row& row) { out.push_back(participant_from(row)); });
  return out;
}

std::int64_t SqlQueries::scalar(Query q, std::initializer_list<Param> params) {
  std::int64_t out = 0;
  session_.exec(q, params, [&](const Row& row) { out = row.is_null(0) ? 0 : row.int64(0); });
  return out;
}

std::optional<domain::User> SqlQueries::one_user(Query q, std::initializer_list<Param> params) {
  std::optional<domain::User> out;
  session_.exec(q, params, [&](const Row& row) { out = user_from(row); });
  return out;
}

// --- livestreams ---

void SqlQueries::insert_livestream(const Livestream& l) {
  const std::string id = require_id(l.id, "livestream id");
  const auto metadata = metadata_text(l.metadata);
  session_.exec(
      Query::InsertLivestream,
      {id, l.roomName, l.title, optional_text(l.description), to_string(l.status), l.createdBy,
       std::int64_t{l.maxParticipants}, std::int64_t{l.emptyTimeout}, optional_text(metadata),
       micros(l.createdAt), micros(l.updatedAt), optional_time(l.startedAt),
       optional_time(l.endedAt), l.creatorName, to_string(l.visibility)});
}

std::optional<Livestream> SqlQueries::livestream_by_id(Query q, std::string_view id) {
  const auto key = canonical_id(id);
  if (!key) {
    return std::nullopt;
  }
  return one_livestream(q, {*key});
}

std::optional<Livestream> SqlQueries::find_livestream(std::string_view id) {
  return livestream_by_id(Query::FindLivestream, id);
}

std::optional<Livestream> SqlQueries::find_active_livestream_by_room(std::string_view roomName) {
  return one_livestream(Query::FindActiveLivestreamByRoom, {roomName});
}

std::optional<Livestream> SqlQueries::lock_active_livestream_by_room(std::string_view roomName) {
  return one_livestream(Query::LockActiveLivestreamByRoom, {roomName});
}

std::optional<Livestream> SqlQueries::lock_livestream_shared(std::string_view id) {
  return livestream_by_id(Query::LockLivestreamShared, id);
}

std::optional<Livestream> SqlQueries::lock_livestream_exclusive(std::string_view id) {
  return livestream_by_id(Query::LockLivestreamExclusive, id);
}

std::vector<Livestream> SqlQueries::list_livestreams(const domain::LivestreamFilter& f) {
  const std::int64_t limit = non_negative(f.limit);
  const std::int64_t offset = non_negative(f.offset);
  using Scope = domain::LivestreamFilter::Scope;
  const std::int64_t unrestricted = f.scope == Scope::All ? 1 : 0;
  // NULL matches no creator: PublicOnly readers see no livestream of their own.
  const Param reader =
      f.scope == Scope::PublicOrOwn ? Param{std::string_view(f.reader)} : Param{nullptr};
  // One statement per filter combination, so each is planned against its own index; the scope
  // filters the rows that index yields.
  if (f.status && f.createdBy) {
    return livestreams(Query::ListLivestreamsByStatusAndCreator,
                       {to_string(*f.status), *f.createdBy, limit, offset, unrestricted, reader});
  }
  if (f.status) {
    return livestreams(Query::ListLivestreamsByStatus,
                       {to_string(*f.status), limit, offset, unrestricted, reader});
  }
  if (f.createdBy) {
    return livestreams(Query::ListLivestreamsByCreator,
                       {*f.createdBy, limit, offset, unrestricted, reader});
  }
  if (f.scope == Scope::PublicOnly) {
    return livestreams(Query::ListPublicLivestreams, {limit, offset});
  }
  return livestreams(Query::ListLivestreams, {limit, offset, unrestricted, reader});
}

std::vector<Livestream> SqlQueries::list_livestreams_with_status(domain::LivestreamStatus status) {
  return livestreams(Query::ListAllLivestreamsWithStatus, {to_string(status)});
}

std::optional<Livestream> SqlQueries::mark_livestream_live(std::string_view id,
                                                           TimePoint startedAt) {
  const auto key = canonical_id(id);
  if (!key) {
    return std::nullopt;
  }
  return one_livestream(Query::MarkLivestreamLive, {*key, micros(startedAt)});
}

std::optional<Livestream> SqlQueries::mark_livestream_error(std::string_view id, TimePoint now) {
  const auto key = canonical_id(id);
  if (!key) {
    return std::nullopt;
  }
  return one_livestream(Query::MarkLivestreamError, {*key, micros(now)});
}

std::optional<Livestream> SqlQueries::mark_livestream_ended(std::string_view id,
                                                            TimePoint endedAt) {
  const auto key = canonical_id(id);
  if (!key) {
    return std::nullopt;
  }
  return one_livestream(Query::MarkLivestreamEnded, {*key, micros(endedAt)});
}

std::int64_t SqlQueries::adjust_audience(std::string_view livestreamId, const AudienceDelta& d,
                                         std::int64_t peakCandidate, TimePoint at) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return 0;
  }
  return scalar(Query::AdjustAudience,
                {*key, d.viewers, d.totalViewers, d.hostConnected, micros(at), peakCandidate});
}

std::int64_t SqlQueries::recount_audience(std::string_view livestreamId,
                                          std::string_view hostUserId, TimePoint at) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return 0;
  }
  return scalar(Query::RecountAudience, {*key, hostUserId, micros(at)});
}

void SqlQueries::clear_audience(std::string_view livestreamId) {
  if (const auto key = canonical_id(livestreamId)) session_.exec(Query::ClearAudience, {*key});
}

// --- participants ---

void SqlQueries::insert_participant(const Participant& p) {
  write_participant(Query::InsertParticipant, p);
}

bool SqlQueries::insert_participant_if_absent(const Participant& p) {
  return write_participant(Query::InsertParticipantIfAbsent, p) == 1;
}

std::int64_t SqlQueries::write_participant(Query query, const Participant& p) {
  const std::string id = require_id(p.id, "participant id");
  const auto livestreamId = canonical_id(p.livestreamId);
  if (!livestreamId) {
    throw AppError(ErrorKind::NotFound, "livestream not found");
  }
  const auto metadata = metadata_text(p.metadata);
  return session_.exec(
      query, {id, *livestreamId, p.userId, p.displayName, to_string(p.role), to_string(p.status),
              optional_text(metadata), optional_text(p.livekitParticipantSid),
              optional_text(p.livekitRoomSid), micros(p.joinedAt), optional_time(p.leftAt)});
}

std::optional<Participant> SqlQueries::find_active_participant(std::string_view livestreamId,
                                                               std::string_view userId) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return std::nullopt;
  }
  return one_participant(Query::FindActiveParticipant, {*key, userId});
}

std::optional<Participant> SqlQueries::find_participant_by_sid(std::string_view sid) {
  return one_participant(Query::FindParticipantBySid, {sid});
}

std::vector<Participant> SqlQueries::list_participants(const domain::ParticipantFilter& f) {
  const auto key = canonical_id(f.livestreamId);
  if (!key) {
    return {};
  }
  const std::int64_t limit = non_negative(f.limit);
  const std::int64_t offset = non_negative(f.offset);
  if (f.status && f.role) {
    return participants(Query::ListParticipantsByStatusAndRole,
                        {*key, to_string(*f.status), to_string(*f.role), limit, offset});
  }
  if (f.status) {
    return participants(Query::ListParticipantsByStatus,
                        {*key, to_string(*f.status), limit, offset});
  }
  if (f.role) {
    return participants(Query::ListParticipantsByRole, {*key, to_string(*f.role), limit, offset});
  }
  return participants(Query::ListParticipants, {*key, limit, offset});
}

std::optional<Participant> SqlQueries::mark_participant_left(std::string_view livestreamId,
                                                             std::string_view userId,
                                                             TimePoint leftAt) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return std::nullopt;
  }
  return one_participant(Query::MarkParticipantLeft, {*key, userId, micros(leftAt)});
}

std::int64_t SqlQueries::mark_all_participants_left(std::string_view livestreamId,
                                                    TimePoint leftAt) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return 0;
  }
  return session_.exec(Query::MarkAllParticipantsLeft, {*key, micros(leftAt)});
}

std::int64_t SqlQueries::mark_participants_left(std::string_view livestreamId,
                                                std::span<const std::string> userIds,
                                                TimePoint leftAt) {
  std::int64_t left = 0;
  for (const auto& user : userIds)
    if (mark_participant_left(livestreamId, user, leftAt)) ++left;
  return left;
}

std::optional<Participant> SqlQueries::attach_livekit_session(std::string_view livestreamId,
                                                              std::string_view userId,
                                                              std::string_view participantSid,
                                                              std::string_view roomSid) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return std::nullopt;
  }
  return one_participant(Query::AttachLivekitSession, {*key, userId, participantSid, roomSid});
}

std::vector<domain::ActiveParticipant> SqlQueries::active_participants(
    std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return {};
  }
  std::vector<domain::ActiveParticipant> out;
  session_.exec(Query::ActiveParticipants, {*key}, [&](const Row& row) {
    out.push_back({std::string(row.text(0)), std::string(row.text(1)),
                   parsed(domain::parse_participant_role(row.text(2)), "participants.role"),
                   time_at(row, 3)});
  });
  return out;
}

// --- LiveKit sessions ---

namespace {

domain::LivekitSession livekit_session_from(const Row& row) {
  namespace c = livekit_session_col;
  domain::LivekitSession s;
  s.sid = row.text(c::Sid);
  s.livestreamId = row.text(c::LivestreamId);
  s.userId = row.text(c::UserId);
  s.displayName = row.text(c::DisplayName);
  s.role = parsed(domain::parse_participant_role(row.text(c::Role)), "participant_sessions.role");
  s.roomSid = optional_text_at(row, c::RoomSid);
  s.connectedAt = optional_time_at(row, c::ConnectedAt);
  s.disconnectedAt = optional_time_at(row, c::DisconnectedAt);
  return s;
}

domain::ViewerBucket bucket_from(const Row& row, const std::string& livestreamId) {
  domain::ViewerBucket b;
  b.livestreamId = livestreamId;
  b.widthSeconds = static_cast<std::int32_t>(row.int64(0));
  b.start = time_at(row, 1);
  b.min = row.int64(2);
  b.max = row.int64(3);
  b.last = row.int64(4);
  return b;
}

}  // namespace

void SqlQueries::insert_livekit_session(const domain::LivekitSession& s) {
  const std::string id = require_id(s.livestreamId, "livestream id");
  session_.exec(Query::InsertLivekitSession,
                {s.sid, id, s.userId, s.displayName, to_string(s.role), optional_text(s.roomSid),
                 optional_time(s.connectedAt), optional_time(s.disconnectedAt)});
}

std::optional<domain::LivekitSession> SqlQueries::find_livekit_session(std::string_view sid) {
  std::optional<domain::LivekitSession> out;
  session_.exec(Query::FindLivekitSession, {sid},
                [&](const Row& row) { out = livekit_session_from(row); });
  return out;
}

domain::Queries::SessionContext SqlQueries::session_context(std::string_view livestreamId,
                                                            std::string_view userId,
                                                            std::string_view sid) {
  SessionContext out;
  const auto key = canonical_id(livestreamId);
  if (!key) {
    out.sidKnown = find_livekit_session(sid).has_value();
    return out;
  }
  session_.exec(Query::SessionContext, {*key, userId, sid}, [&](const Row& row) {
    out.sidKnown = row.int64(0) != 0;
    out.present = row.int64(1) != 0;
    out.wasViewer = row.int64(2) != 0;
    if (!row.is_null(3)) out.seat = std::string(row.text(3));
  });
  return out;
}

bool SqlQueries::disconnect_livekit_session(std::string_view sid, TimePoint at) {
  return session_.exec(Query::DisconnectLivekitSession, {sid, micros(at)}) > 0;
}

std::optional<std::string> SqlQueries::other_connected_session(std::string_view livestreamId,
                                                               std::string_view userId,
                                                               std::string_view exceptSid) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return std::nullopt;
  }
  std::optional<std::string> out;
  session_.exec(Query::OtherConnectedSession, {*key, userId, exceptSid},
                [&](const Row& row) { out = std::string(row.text(0)); });
  return out;
}

std::int64_t SqlQueries::disconnect_user_sessions(std::string_view livestreamId,
                                                  std::span<const std::string> userIds,
                                                  TimePoint at) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return 0;
  }
  std::int64_t changed = 0;
  for (const auto& user : userIds)
    changed += session_.exec(Query::DisconnectUserSessions, {*key, user, micros(at)});
  return changed;
}

std::int64_t SqlQueries::disconnect_all_sessions(std::string_view livestreamId, TimePoint at) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return 0;
  }
  return session_.exec(Query::DisconnectAllSessions, {*key, micros(at)});
}

std::vector<domain::ConnectedPerson> SqlQueries::connected_people(std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return {};
  }
  std::vector<domain::ConnectedPerson> out;
  session_.exec(Query::ConnectedPeople, {*key}, [&](const Row& row) {
    out.push_back({std::string(row.text(0)), std::string(row.text(1)),
                   parsed(domain::parse_participant_role(row.text(2)), "participant_sessions.role"),
                   time_at(row, 3)});
  });
  return out;
}

std::vector<std::int64_t> SqlQueries::viewer_watch_times(std::string_view livestreamId,
                                                         TimePoint until) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return {};
  }
  std::vector<std::int64_t> out;
  session_.exec(Query::ViewerWatchTimes, {*key, micros(until)},
                [&](const Row& row) { out.push_back(std::max<std::int64_t>(0, row.int64(0))); });
  return out;
}

// --- the viewer series ---

void SqlQueries::record_viewer_sample(const domain::ViewerBucket& b) {
  const std::string id = require_id(b.livestreamId, "livestream id");
  session_.exec(Query::RecordViewerSample,
                {id, std::int64_t{b.widthSeconds}, micros(b.start), b.min, b.max, b.last});
}

std::vector<domain::ViewerBucket> SqlQueries::viewer_series(std::string_view livestreamId,
                                                            TimePoint from, TimePoint to) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return {};
  }
  std::vector<domain::ViewerBucket> out;
  session_.exec(Query::ViewerSeries, {*key, micros(from), micros(to)},
                [&](const Row& row) { out.push_back(bucket_from(row, *key)); });
  return out;
}

std::optional<domain::ViewerBucket> SqlQueries::viewer_bucket_before(std::string_view livestreamId,
                                                                     TimePoint t) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return std::nullopt;
  }
  std::optional<domain::ViewerBucket> out;
  session_.exec(Query::ViewerBucketBefore, {*key, micros(t)},
                [&](const Row& row) { out = bucket_from(row, *key); });
  return out;
}

std::int64_t SqlQueries::downsample_viewer_series(TimePoint before) {
  session_.exec(Query::DownsampleViewerSeries, {micros(before)});
  return session_.exec(Query::DeleteFineBuckets, {micros(before)});
}

std::int64_t SqlQueries::delete_audience_history(TimePoint endedBefore, std::int64_t limit) {
  const auto sessions = session_.exec(Query::DeleteOldSessions, {micros(endedBefore), limit});
  return sessions + session_.exec(Query::DeleteOldSeries, {micros(endedBefore), limit});
}

// --- processed webhooks ---

bool SqlQueries::record_webhook(std::string_view webhookId, std::string_view event,
                                TimePoint processedAt, TimePoint expiresAt) {
  return session_.exec(Query::RecordWebhook,
                       {webhookId, event, micros(processedAt), micros(expiresAt)}) > 0;
}

std::int64_t SqlQueries::delete_expired_webhooks(TimePoint now, std::int64_t limit) {
  return session_.exec(Query::DeleteExpiredWebhooks, {micros(now), limit});
}

// --- users ---

void SqlQueries::insert_user(const domain::User& u) {
  session_.exec(Query::InsertUser, {u.id, u.displayName, u.passwordHash, flag(u.admin),
                                    flag(u.disabled), micros(u.createdAt), micros(u.updatedAt)});
}

std::optional<domain::User> SqlQueries::find_user(std::string_view id) {
  return one_user(Query::FindUser, {id});
}

std::int64_t SqlQueries::count_users() {
  return scalar(Query::CountUsers, {});
}

std::vector<domain::User> SqlQueries::list_users(std::int32_t limit, std::int32_t offset) {
  std::vector<domain::User> out;
  session_.exec(Query::ListUsers, {non_negative(limit), non_negative(offset)},
                [&](const Row& row) { out.push_back(user_from(row)); });
  return out;
}

std::optional<domain::User> SqlQueries::set_user_password(std::string_view id,
                                                          std::string_view passwordHash,
                                                          TimePoint now) {
  return one_user(Query::SetUserPassword, {id, passwordHash, micros(now)});
}

std::optional<domain::User> SqlQueries::set_user_admin(std::string_view id, bool admin,
                                                       TimePoint now) {
  return one_user(Query::SetUserAdmin, {id, flag(admin), micros(now)});
}

std::optional<domain::User> SqlQueries::set_user_disabled(std::string_view id, bool disabled,
                                                          TimePoint now) {
  return one_user(Query::SetUserDisabled, {id, flag(disabled), micros(now)});
}

// --- sessions ---

void SqlQueries::insert_session(const domain::AuthSession& s) {
  session_.exec(Query::InsertSession,
                {s.idHash, s.userId, s.displayName, flag(s.guest), micros(s.createdAt),
                 micros(s.expiresAt), micros(s.lastSeenAt)});
}

std::optional<domain::SessionLookup> SqlQueries::find_session(std::string_view idHash) {
  std::optional<domain::SessionLookup> out;
  session_.exec(Query::FindSession, {idHash}, [&](const Row& row) {
    namespace c = session_lookup_col;
    domain::SessionLookup lookup;
    lookup.session = session_from(row);
    // A session without an account row (a guest's) speaks for itself.
    if (row.is_null(c::UserAdmin)) {
      lookup.displayName = lookup.session.displayName;
    } else {
      lookup.admin = flag_at(row, c::UserAdmin);
      lookup.disabled = flag_at(row, c::UserDisabled);
      lookup.displayName = row.text(c::UserDisplayName);
    }
    out = std::move(lookup);
  });
  return out;
}

void SqlQueries::touch_session(std::string_view idHash, TimePoint lastSeenAt) {
  session_.exec(Query::TouchSession, {idHash, micros(lastSeenAt)});
}

bool SqlQueries::delete_session(std::string_view idHash) {
  return session_.exec(Query::DeleteSession, {idHash}) > 0;
}

std::vector<std::string> SqlQueries::delete_user_sessions(std::string_view userId,
                                                          std::string_view keepIdHash) {
  std::vector<std::string> deleted;
  session_.exec(Query::DeleteUserSessions, {userId, keepIdHash},
                [&](const Row& row) { deleted.emplace_back(row.text(0)); });
  return deleted;
}

std::int64_t SqlQueries::delete_expired_sessions(TimePoint now, TimePoint idleBefore,
                                                 std::int64_t limit) {
  return session_.exec(Query::DeleteExpiredSessions,
                       {micros(now), micros(idleBefore), std::max<std::int64_t>(limit, 0)});
}

// --- API keys ---

void SqlQueries::insert_api_key(const domain::ApiKey& k) {
  const std::string id = require_id(k.id, "API key id");
  session_.exec(Query::InsertApiKey,
                {id, k.name, k.prefix, k.secretHash, std::int64_t{k.scopes}, k.ownerId,
                 micros(k.createdAt), optional_time(k.lastUsedAt), optional_time(k.revokedAt)});
}

std::optional<domain::ApiKeyLookup> SqlQueries::find_api_key_by_hash(std::string_view secretHash) {
  std::optional<domain::ApiKeyLookup> out;
  session_.exec(Query::FindApiKeyByHash, {secretHash}, [&](const Row& row) {
    namespace c = api_key_owner_col;
    domain::ApiKeyLookup lookup;
    lookup.key = api_key_from(row);
    // An owner without an account (a host-app admin) is known only by its id.
    if (row.is_null(c::Admin)) {
      lookup.ownerDisplayName = lookup.key.ownerId;
    } else {
      lookup.ownerDisplayName = row.text(c::DisplayName);
      lookup.ownerAdmin = flag_at(row, c::Admin);
      lookup.ownerDisabled = flag_at(row, c::Disabled);
    }
    out = std::move(lookup);
  });
  return out;
}

std::vector<domain::ApiKey> SqlQueries::list_api_keys() {
  std::vector<domain::ApiKey> out;
  session_.exec(Query::ListApiKeys, {}, [&](const Row& row) { out.push_back(api_key_from(row)); });
  return out;
}

std::optional<domain::ApiKey> SqlQueries::revoke_api_key(std::string_view id, TimePoint now) {
  const auto key = canonical_id(id);
  if (!key) {
    return std::nullopt;
  }
  std::optional<domain::ApiKey> out;
  session_.exec(Query::RevokeApiKey, {*key, micros(now)},
                [&](const Row& row) { out = api_key_from(row); });
  return out;
}

void SqlQueries::touch_api_key(std::string_view id, TimePoint lastUsedAt) {
  const auto key = canonical_id(id);
  if (!key) {
    return;
  }
  session_.exec(Query::TouchApiKey, {*key, micros(lastUsedAt)});
}

// --- audit log ---

std::int64_t SqlQueries::insert_audit(const domain::AuditEntry& e) {
  const auto details = json_text(e.details, "audit details");
  return scalar(Query::InsertAudit, {micros(e.at), e.action, e.principal, e.ip, e.target, e.outcome,
                                     optional_text(details)});
}

std::vector<domain::AuditEntry> SqlQueries::list_audit(const domain::AuditFilter& f) {
  const std::int64_t before = f.beforeId.value_or(std::numeric_limits<std::int64_t>::max());
  const std::int64_t limit = non_negative(f.limit);
  std::vector<domain::AuditEntry> out;
  const auto add = [&](const Row& row) { out.push_back(audit_from(row)); };
  if (f.action) {
    session_.exec(Query::ListAuditByAction, {*f.action, before, limit}, add);
  } else {
    session_.exec(Query::ListAudit, {before, limit}, add);
  }
  return out;
}

std::int64_t SqlQueries::delete_audit_before(TimePoint before, std::int64_t limit) {
  return session_.exec(Query::DeleteAuditBefore,
                       {micros(before), std::max<std::int64_t>(limit, 0)});
}

// --- invites ---

bool SqlQueries::add_invite(const domain::Invite& invite) {
  const auto key = canonical_id(invite.livestreamId);
  if (!key) {
    throw AppError(ErrorKind::NotFound, "livestream not found");
  }
  return session_.exec(Query::AddInvite, {*key, invite.userId, micros(invite.createdAt)}) > 0;
}

bool SqlQueries::remove_invite(std::string_view livestreamId, std::string_view userId) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return false;
  }
  return session_.exec(Query::RemoveInvite, {*key, userId}) > 0;
}

bool SqlQueries::is_invited(std::string_view livestreamId, std::string_view userId) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return false;
  }
  return session_.exec(Query::IsInvited, {*key, userId}) > 0;
}

std::vector<domain::Invite> SqlQueries::list_invites(std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return {};
  }
  std::vector<domain::Invite> out;
  session_.exec(Query::ListInvites, {*key},
                [&](const Row& row) { out.push_back(invite_from(row)); });
  return out;
}

// --- chat, moderation, stage ---

bool SqlQueries::insert_chat_message(const domain::ChatMessage& m) {
  const auto id = require_id(m.id, "chat message id");
  const auto livestream = require_id(m.livestreamId, "livestream id");
  return session_.exec(Query::InsertChatMessage,
                       {id, livestream, m.userId, m.displayName, m.text, micros(m.createdAt),
                        optional_time(m.deletedAt), optional_text(m.deletedBy),
                        optional_text(m.clientId)}) > 0;
}

std::optional<domain::ChatMessage> SqlQueries::find_chat_message(std::string_view id) {
  const auto key = canonical_id(id);
  if (!key) return std::nullopt;
  std::optional<domain::ChatMessage> out;
  session_.exec(Query::FindChatMessage, {*key}, [&](const Row& row) { out = chat_from(row); });
  return out;
}

std::optional<domain::ChatMessage> SqlQueries::find_chat_message_by_client_id(
    std::string_view livestreamId, std::string_view userId, std::string_view clientId) {
  const auto key = canonical_id(livestreamId);
  if (!key) return std::nullopt;
  std::optional<domain::ChatMessage> out;
  session_.exec(Query::FindChatMessageByClientId, {*key, userId, clientId},
                [&](const Row& row) { out = chat_from(row); });
  return out;
}

std::vector<domain::ChatMessage> SqlQueries::list_chat_messages(std::string_view livestreamId,
                                                                const domain::ChatMessage* before,
                                                                std::int32_t limit) {
  const auto key = canonical_id(livestreamId);
  if (!key) return {};
  std::vector<domain::ChatMessage> out;
  const auto add = [&](const Row& row) { out.push_back(chat_from(row)); };
  if (before) {
    const auto beforeId = require_id(before->id, "chat message id");
    session_.exec(Query::ListChatMessagesBefore,
                  {*key, micros(before->createdAt), beforeId, non_negative(limit)}, add);
  } else {
    session_.exec(Query::ListChatMessages, {*key, non_negative(limit)}, add);
  }
  return out;
}

domain::Queries::ChatActivity SqlQueries::chat_activity(std::string_view livestreamId,
                                                        std::string_view userId, TimePoint since) {
  ChatActivity out;
  const auto key = canonical_id(livestreamId);
  if (!key) return out;
  session_.exec(Query::ChatActivity, {*key, userId, micros(since)}, [&](const Row& row) {
    out.recent = row.is_null(0) ? 0 : row.int64(0);
    out.last = optional_time_at(row, 1);
  });
  return out;
}

bool SqlQueries::delete_chat_message(std::string_view id, std::string_view by, TimePoint at) {
  const auto key = canonical_id(id);
  if (!key) return false;
  return session_.exec(Query::DeleteChatMessage, {*key, by, micros(at)}) > 0;
}

std::int32_t SqlQueries::chat_slow_mode(std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) return 0;
  return static_cast<std::int32_t>(scalar(Query::ChatSlowMode, {*key}));
}

void SqlQueries::set_chat_slow_mode(std::string_view livestreamId, std::int32_t seconds) {
  const auto key = require_id(livestreamId, "livestream id");
  session_.exec(Query::SetChatSlowMode, {key, std::int64_t{seconds}});
}

std::optional<domain::Member> SqlQueries::find_member(std::string_view livestreamId,
                                                      std::string_view userId) {
  const auto key = canonical_id(livestreamId);
  if (!key) return std::nullopt;
  std::optional<domain::Member> out;
  session_.exec(Query::FindMember, {*key, userId}, [&](const Row& row) { out = member_from(row); });
  return out;
}

void SqlQueries::save_member(const domain::Member& m) {
  const auto key = require_id(m.livestreamId, "livestream id");
  const auto stage = domain::to_string(m.stage);
  session_.exec(Query::SaveMember,
                {key, m.userId, m.displayName, std::int64_t{m.moderator ? 1 : 0},
                 optional_time(m.chatTimeoutUntil), std::int64_t{m.banned ? 1 : 0},
                 optional_time(m.handRaisedAt), stage.empty() ? Param{nullptr} : Param{stage},
                 micros(m.updatedAt)});
}

std::vector<domain::Member> SqlQueries::list_members(std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) return {};
  std::vector<domain::Member> out;
  session_.exec(Query::ListMembers, {*key},
                [&](const Row& row) { out.push_back(member_from(row)); });
  return out;
}

std::int64_t SqlQueries::insert_moderation(const domain::ModerationEntry& e) {
  const auto key = require_id(e.livestreamId, "livestream id");
  const auto details = json_text(e.details, "moderation details");
  return scalar(Query::InsertModeration,
                {key, micros(e.at), e.actorId, e.action,
                 e.targetUserId.empty() ? Param{nullptr} : Param{std::string_view(e.targetUserId)},
                 e.messageId.empty() ? Param{nullptr} : Param{std::string_view(e.messageId)},
                 optional_text(details)});
}

std::vector<domain::ModerationEntry> SqlQueries::list_moderation(std::string_view livestreamId,
                                                                 std::int64_t beforeId,
                                                                 std::int32_t limit) {
  const auto key = canonical_id(livestreamId);
  if (!key) return {};
  const std::int64_t before = beforeId > 0 ? beforeId : std::numeric_limits<std::int64_t>::max();
  std::vector<domain::ModerationEntry> out;
  session_.exec(Query::ListModeration, {*key, before, non_negative(limit)},
                [&](const Row& row) { out.push_back(moderation_from(row)); });
  return out;
}

// --- server secrets ---

// Two statements rather than an upsert: whoever inserts first wins, and a racing instance's
// insert waits for that commit and then reads the winner's value.
// --- ingest and recordings ---

std::vector<domain::Ingest> SqlQueries::ingests(Query q, std::initializer_list<Param> params) {
  std::vector<domain::Ingest> out;
  session_.exec(q, params, [&](const Row& row) { out.push_back(ingest_from(row)); });
  return out;
}

std::vector<domain::Recording> SqlQueries::recordings(Query q,
                                                      std::initializer_list<Param> params) {
  std::vector<domain::Recording> out;
  session_.exec(q, params, [&](const Row& row) { out.push_back(recording_from(row)); });
  return out;
}

std::optional<domain::Ingest> SqlQueries::find_ingest(std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) return std::nullopt;
  auto found = ingests(Query::FindIngest, {*key});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<domain::Ingest> SqlQueries::lock_ingest_by_ingress(std::string_view ingressId) {
  auto found = ingests(Query::LockIngestByIngress, {ingressId});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

void SqlQueries::upsert_ingest(const domain::Ingest& i) {
  const std::string id = require_id(i.livestreamId, "livestream id");
  session_.exec(
      Query::UpsertIngest,
      {id, i.ingressId, to_string(i.input), i.url, to_string(i.status), optional_text(i.error),
       i.sessionStartedAt, std::int64_t{i.rank}, micros(i.createdAt), micros(i.updatedAt)});
}

bool SqlQueries::delete_ingest(std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) return false;
  return session_.exec(Query::DeleteIngest, {*key}) > 0;
}

std::vector<domain::Ingest> SqlQueries::list_live_ingests() {
  return ingests(Query::ListLiveIngests, {});
}

bool SqlQueries::insert_recording_if_absent(const domain::Recording& r) {
  const std::string id = require_id(r.id, "recording id");
  const std::string livestream = require_id(r.livestreamId, "livestream id");
  return session_.exec(
             Query::InsertRecordingIfAbsent,
             {id, livestream, r.egressId, to_string(r.status), optional_text(r.requestedBy),
              optional_time(r.startedAt), optional_time(r.endedAt), optional_int(r.durationMs),
              optional_int(r.sizeBytes), optional_text(r.fileLocation),
              optional_text(r.playlistLocation), optional_text(r.error), r.livekitUpdatedAt,
              micros(r.createdAt), micros(r.updatedAt)}) > 0;
}

std::optional<domain::Recording> SqlQueries::lock_recording_by_egress(std::string_view egressId) {
  auto found = recordings(Query::LockRecordingByEgress, {egressId});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<domain::Recording> SqlQueries::find_recording(std::string_view id) {
  const auto key = canonical_id(id);
  if (!key) return std::nullopt;
  auto found = recordings(Query::FindRecording, {*key});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

void SqlQueries::update_recording(const domain::Recording& r) {
  const std::string id = require_id(r.id, "recording id");
  const std::string livestream = require_id(r.livestreamId, "livestream id");
  session_.exec(
      Query::UpdateRecording,
      {id, livestream, r.egressId, to_string(r.status), optional_text(r.requestedBy),
       optional_time(r.startedAt), optional_time(r.endedAt), optional_int(r.durationMs),
       optional_int(r.sizeBytes), optional_text(r.fileLocation), optional_text(r.playlistLocation),
       optional_text(r.error), r.livekitUpdatedAt, micros(r.createdAt), micros(r.updatedAt)});
}

std::vector<domain::Recording> SqlQueries::list_recordings(std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) return {};
  return recordings(Query::ListRecordings, {*key});
}

std::vector<domain::Recording> SqlQueries::list_active_recordings() {
  return recordings(Query::ListActiveRecordings, {});
}

std::string SqlQueries::get_or_create_secret(std::string_view name, std::string_view candidate) {
  session_.exec(Query::InsertSecretIfAbsent, {name, candidate});
  std::optional<std::string> value;
  session_.exec(Query::FindSecret, {name},
                [&](const Row& row) { value = std::string(row.text(0)); });
  if (!value) {
    throw AppError(ErrorKind::Internal, "server secret '" + std::string(name) + "' not stored");
  }
  return *std::move(value);
}

}  // namespace lso::store::sql
