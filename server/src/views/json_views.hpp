// The JSON views of domain records (camelCase, ISO-8601 UTC): what the API answers and what the
// event stream pushes, so both show a livestream the same way.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <vector>

#include "domain/chat.hpp"
#include "domain/media_service.hpp"
#include "domain/model.hpp"

namespace lso::views {

// JSON views. `userIds` false is the view of readers who may not see other users' ids
// (permissions.hpp, SeeUserIds): ids become null and display names stand in their place.
boost::json::value to_json(const domain::Livestream& livestream, bool userIds = true);
boost::json::value to_json(const domain::Participant& participant, bool userIds = true);
// A recording; an ingest endpoint with its stream key when the view carries one (for its managers
// only: never in lists, states or SSE).
boost::json::value to_json(const domain::Recording& recording);
boost::json::value to_json(const domain::IngestView& ingest);
// An ISO-8601 time, or null.
boost::json::value time_or_null(const std::optional<domain::TimePoint>& t);

// The state's `people` lists the first kPeopleListed people connected (`participants` all of them).
inline constexpr std::size_t kPeopleListed = 500;
boost::json::value to_json(const domain::StreamState& state, bool userIds = true);
// Chat, moderation and the stage.
boost::json::value to_json(const std::vector<domain::StagePerson>& people, bool userIds = true);
boost::json::value to_json(const domain::ChatMessage& message, bool userIds = true);
boost::json::value to_json(const domain::Member& member);
boost::json::value to_json(const domain::ModerationEntry& entry);

}  // namespace lso::views
