// The JSON views of domain records (camelCase, ISO-8601 UTC).
#include "views/json_views.hpp"

#include <algorithm>

#include "util/time.hpp"

namespace lso::views {

namespace json = boost::json;

json::value time_or_null(const std::optional<domain::TimePoint>& t) {
  return t ? json::value(util::to_iso8601(*t)) : json::value(nullptr);
}

json::value to_json(const domain::Livestream& l, bool userIds) {
  json::object o;
  o.reserve(19);
  o["id"] = l.id;
  o["roomName"] = l.roomName;
  o["title"] = l.title;
  o["description"] = l.description ? json::value(*l.description) : json::value(nullptr);
  o["status"] = domain::to_string(l.status);
  o["createdBy"] = userIds ? json::value(l.createdBy) : json::value(nullptr);
  o["creatorName"] = l.creatorName.empty() && userIds ? l.createdBy : l.creatorName;
  o["visibility"] = domain::to_string(l.visibility);
  o["maxParticipants"] = l.maxParticipants;
  o["emptyTimeout"] = l.emptyTimeout;
  o["metadata"] = l.metadata;
  o["createdAt"] = util::to_iso8601(l.createdAt);
  o["updatedAt"] = util::to_iso8601(l.updatedAt);
  o["startedAt"] = time_or_null(l.startedAt);
  o["endedAt"] = time_or_null(l.endedAt);
  o["viewerCount"] = l.viewerCount;
  o["peakViewerCount"] = l.peakViewers;
  o["peakAt"] = time_or_null(l.peakAt);
  o["totalViewers"] = l.totalViewers;
  return o;
}

json::value to_json(const domain::Participant& p, bool userIds) {
  json::object o;
  o.reserve(11);
  o["id"] = p.id;
  o["livestreamId"] = p.livestreamId;
  o["userId"] = userIds ? json::value(p.userId) : json::value(nullptr);
  o["displayName"] = p.displayName;
  o["role"] = domain::to_string(p.role);
  o["status"] = domain::to_string(p.status);
  o["metadata"] = p.metadata;
  o["livekitParticipantSid"] =
      p.livekitParticipantSid ? json::value(*p.livekitParticipantSid) : json::value(nullptr);
  o["livekitRoomSid"] = p.livekitRoomSid ? json::value(*p.livekitRoomSid) : json::value(nullptr);
  o["joinedAt"] = util::to_iso8601(p.joinedAt);
  o["leftAt"] = time_or_null(p.leftAt);
  return o;
}

json::value to_json(const domain::StreamState& s, bool userIds) {
  json::object o;
  o.reserve(15);
  o["streamId"] = s.streamId;
  o["status"] = domain::to_string(s.status);
  // `participants` is the seed's shape (user ids, or display names for readers who may not see
  // ids); `people` says who the first kPeopleListed of them are, in the same order (a state is
  // serialized for every push: a room of 100k viewers must not carry 100k objects each time).
  json::array participants, people;
  participants.reserve(s.people.size());
  people.reserve(std::min(s.people.size(), kPeopleListed));
  for (const auto& p : s.people) {
    participants.emplace_back(userIds ? p.userId : p.displayName);
    if (people.size() >= kPeopleListed) continue;
    people.emplace_back(
        json::object{{"userId", userIds ? json::value(p.userId) : json::value(nullptr)},
                     {"displayName", p.displayName},
                     {"role", domain::to_string(p.role)},
                     {"connectedAt", util::to_iso8601(p.connectedAt)}});
  }
  o["participants"] = std::move(participants);
  o["people"] = std::move(people);
  o["viewerCount"] = s.viewerCount;
  o["totalViewers"] = s.totalViewers;
  o["peakViewerCount"] = s.peakViewerCount;
  o["peakAt"] = time_or_null(s.peakAt);
  o["hostConnected"] = s.hostConnected;
  o["startedAt"] = time_or_null(s.startedAt);
  o["endedAt"] = time_or_null(s.endedAt);
  if (s.hostInfo) {
    o["hostInfo"] =
        json::object{{"userId", userIds ? json::value(s.hostInfo->userId) : json::value(nullptr)},
                     {"displayName", s.hostInfo->displayName}};
  } else {
    o["hostInfo"] = nullptr;
  }
  o["stage"] = to_json(s.stage, userIds);
  o["raisedHands"] = to_json(s.raisedHands, userIds);
  // Only a status: the ingest's url and key are for its managers (GET …/ingest).
  if (s.ingest) {
    o["ingest"] = json::object{
        {"input", s.ingest->input},
        {"status", s.ingest->status},
        {"error", s.ingest->error ? json::value(*s.ingest->error) : json::value(nullptr)}};
  } else {
    o["ingest"] = nullptr;
  }
  if (s.recording) {
    o["recording"] = json::object{{"id", s.recording->id},
                                  {"status", s.recording->status},
                                  {"startedAt", time_or_null(s.recording->startedAt)}};
  } else {
    o["recording"] = nullptr;
  }
  return o;
}

json::value to_json(const std::vector<domain::StagePerson>& people, bool userIds) {
  json::array out;
  out.reserve(people.size());
  for (const auto& p : people)
    out.emplace_back(
        json::object{{"userId", userIds ? json::value(p.userId) : json::value(nullptr)},
                     {"displayName", p.displayName},
                     {"status", p.status},
                     {"since", util::to_iso8601(p.since)}});
  return out;
}

json::value to_json(const domain::ChatMessage& m, bool userIds) {
  return json::object{
      {"id", m.id},
      {"livestreamId", m.livestreamId},
      {"userId", userIds ? json::value(m.userId) : json::value(nullptr)},
      {"displayName", m.displayName},
      {"text", m.text},
      {"createdAt", util::to_iso8601(m.createdAt)},
      {"clientMessageId", m.clientId ? json::value(*m.clientId) : json::value(nullptr)}};
}

json::value to_json(const domain::Member& m) {
  return json::object{
      {"userId", m.userId},
      {"displayName", m.displayName},
      {"moderator", m.moderator},
      {"chatTimeoutUntil", time_or_null(m.chatTimeoutUntil)},
      {"banned", m.banned},
      {"handRaisedAt", time_or_null(m.handRaisedAt)},
      {"stage", m.stage == domain::StageStatus::None ? json::value(nullptr)
                                                     : json::value(domain::to_string(m.stage))},
      {"updatedAt", util::to_iso8601(m.updatedAt)}};
}

json::value to_json(const domain::ModerationEntry& e) {
  return json::object{
      {"id", e.id},
      {"at", util::to_iso8601(e.at)},
      {"actorId", e.actorId},
      {"action", e.action},
      {"targetUserId", e.targetUserId.empty() ? json::value(nullptr) : json::value(e.targetUserId)},
      {"messageId", e.messageId.empty() ? json::value(nullptr) : json::value(e.messageId)},
      {"details", e.details}};
}

namespace {
json::value text_or_null(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}
json::value int_or_null(const std::optional<std::int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
}  // namespace

json::value to_json(const domain::Recording& r) {
  return json::object{{"id", r.id},
                      {"livestreamId", r.livestreamId},
                      {"egressId", r.egressId},
                      {"status", domain::to_string(r.status)},
                      {"startedAt", time_or_null(r.startedAt)},
                      {"endedAt", time_or_null(r.endedAt)},
                      {"durationMs", int_or_null(r.durationMs)},
                      {"sizeBytes", int_or_null(r.sizeBytes)},
                      {"fileLocation", text_or_null(r.fileLocation)},
                      {"playlistLocation", text_or_null(r.playlistLocation)},
                      {"error", text_or_null(r.error)},
                      {"createdAt", util::to_iso8601(r.createdAt)},
                      {"updatedAt", util::to_iso8601(r.updatedAt)}};
}

json::value to_json(const domain::IngestView& v) {
  const auto& i = v.ingest;
  return json::object{{"livestreamId", i.livestreamId},
                      {"ingressId", i.ingressId},
                      {"type", domain::to_string(i.input)},
                      {"url", i.url},
                      {"streamKey", text_or_null(v.streamKey)},
                      {"status", domain::to_string(i.status)},
                      {"error", text_or_null(i.error)},
                      {"createdAt", util::to_iso8601(i.createdAt)},
                      {"updatedAt", util::to_iso8601(i.updatedAt)}};
}

}  // namespace lso::views
