// Shared implementation of the named queries over a Session: binding, mapping, id normalisation.
#include "store/sql/sql_queries.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
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
    case boost::json::kind::string:
      return v.get_string().find('\0') != boost::json::string::npos;
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
    default:
      return false;
  }
}

// Metadata is a JSON object or null; null is stored as SQL NULL.
std::optional<std::string> metadata_text(const boost::json::value& metadata) {
  if (metadata.is_null()) {
    return std::nullopt;
  }
  if (contains_nul(metadata)) {
    throw AppError(ErrorKind::Validation, "metadata must not contain NUL characters");
  }
  return boost::json::serialize(metadata);
}

boost::json::value metadata_at(const Row& row, int col) {
  if (row.is_null(col)) {
    return nullptr;
  }
  boost::system::error_code ec;
  auto value = boost::json::parse(row.text(col), ec);
  if (ec) {
    throw AppError(ErrorKind::Internal, "stored metadata is not valid JSON");
  }
  return value;
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

// --- livestreams ---

void SqlQueries::insert_livestream(const Livestream& l) {
  const std::string id = require_id(l.id, "livestream id");
  const auto metadata = metadata_text(l.metadata);
  session_.exec(Query::InsertLivestream,
                {id, l.roomName, l.title, optional_text(l.description), to_string(l.status),
                 l.createdBy, std::int64_t{l.maxParticipants}, std::int64_t{l.emptyTimeout},
                 optional_text(metadata), micros(l.createdAt), micros(l.updatedAt),
                 optional_time(l.startedAt), optional_time(l.endedAt)});
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
  // One statement per filter combination, so each is planned against its own index.
  if (f.status && f.createdBy) {
    return livestreams(Query::ListLivestreamsByStatusAndCreator,
                       {to_string(*f.status), *f.createdBy, limit, offset});
  }
  if (f.status) {
    return livestreams(Query::ListLivestreamsByStatus, {to_string(*f.status), limit, offset});
  }
  if (f.createdBy) {
    return livestreams(Query::ListLivestreamsByCreator, {*f.createdBy, limit, offset});
  }
  return livestreams(Query::ListLivestreams, {limit, offset});
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

// An unknown livestream has no peak to raise: 0, nothing stored.
std::int64_t SqlQueries::raise_peak_viewers(std::string_view livestreamId, std::int64_t viewers) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return 0;
  }
  return scalar(Query::RaisePeakViewers, {*key, viewers});
}

std::int64_t SqlQueries::peak_viewers(std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return 0;
  }
  return scalar(Query::PeakViewers, {*key});
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

domain::Queries::ParticipantSession SqlQueries::find_participant_session(
    std::string_view livestreamId, std::string_view userId, std::string_view sid) {
  ParticipantSession session;
  const auto key = canonical_id(livestreamId);
  if (!key) {
    if (!sid.empty()) session.bySid = find_participant_by_sid(sid);
    return session;
  }
  for (auto& p : participants(Query::FindParticipantSession, {*key, userId, sid})) {
    if (!sid.empty() && p.livekitParticipantSid == sid && !session.bySid) session.bySid = p;
    if (p.status == domain::ParticipantStatus::Joined && p.livestreamId == *key &&
        p.userId == userId && !session.active) {
      session.active = std::move(p);
    }
  }
  return session;
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

std::optional<Participant> SqlQueries::mark_participant_left_by_sid(std::string_view sid,
                                                                    TimePoint leftAt) {
  return one_participant(Query::MarkParticipantLeftBySid, {sid, micros(leftAt)});
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

std::int64_t SqlQueries::distinct_viewers(std::string_view livestreamId) {
  const auto key = canonical_id(livestreamId);
  if (!key) {
    return 0;
  }
  return scalar(Query::DistinctViewers, {*key});
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

}  // namespace lso::store::sql
