// Wire and database spellings of the domain enums.
#include "domain/model.hpp"

namespace lso::domain {

std::string_view to_string(LivestreamStatus s) {
  switch (s) {
    case LivestreamStatus::Scheduled: return "SCHEDULED";
    case LivestreamStatus::Live: return "LIVE";
    case LivestreamStatus::Ended: return "ENDED";
    case LivestreamStatus::Error: return "ERROR";
  }
  return "ERROR";
}

std::string_view to_string(ParticipantRole r) {
  return r == ParticipantRole::Host ? "HOST" : "VIEWER";
}

std::string_view to_string(ParticipantStatus s) {
  return s == ParticipantStatus::Joined ? "JOINED" : "LEFT";
}

std::string_view to_string(Visibility v) {
  switch (v) {
    case Visibility::Public: return "public";
    case Visibility::Unlisted: return "unlisted";
    case Visibility::Private: return "private";
  }
  return "private";
}

std::optional<Visibility> parse_visibility(std::string_view s) {
  if (s == "public") return Visibility::Public;
  if (s == "unlisted") return Visibility::Unlisted;
  if (s == "private") return Visibility::Private;
  return std::nullopt;
}

std::optional<LivestreamStatus> parse_livestream_status(std::string_view s) {
  if (s == "SCHEDULED") return LivestreamStatus::Scheduled;
  if (s == "LIVE") return LivestreamStatus::Live;
  if (s == "ENDED") return LivestreamStatus::Ended;
  if (s == "ERROR") return LivestreamStatus::Error;
  return std::nullopt;
}

std::optional<ParticipantRole> parse_participant_role(std::string_view s) {
  if (s == "HOST") return ParticipantRole::Host;
  if (s == "VIEWER") return ParticipantRole::Viewer;
  return std::nullopt;
}

std::optional<ParticipantStatus> parse_participant_status(std::string_view s) {
  if (s == "JOINED") return ParticipantStatus::Joined;
  if (s == "LEFT") return ParticipantStatus::Left;
  return std::nullopt;
}

}  // namespace lso::domain
