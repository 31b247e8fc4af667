// HTTP ↔ domain translation helpers: request bodies and query strings in (strict types, clear
// 400/415 messages), JSON views of domain records out (camelCase, ISO-8601 UTC).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/chat.hpp"
#include "domain/media_service.hpp"
#include "domain/model.hpp"
#include "http/types.hpp"

namespace lso::api {

// The body as a JSON object. Wrong content type → 415; malformed, too deep or not an object → 400.
// An empty body without a content type is an empty object (DELETE from clients that send none).
boost::json::object parse_body(const http::Request& req);
// Parses a JSON text strictly (depth-limited); throws AppError(Validation) naming `what`.
boost::json::value parse_json_text(std::string_view text, std::string_view what);

std::string required_string(const boost::json::object& body, std::string_view field);
std::optional<std::string> optional_string(const boost::json::object& body, std::string_view field);
std::int64_t optional_integer(const boost::json::object& body, std::string_view field,
                              std::int64_t fallback);
// null or an object; anything else is a 400.
boost::json::value optional_object(const boost::json::object& body, std::string_view field);

// Query integers: absent → fallback; not an integer in [min, max] → 400 naming the parameter.
std::int32_t query_integer(const http::Request& req, std::string_view name, std::int32_t fallback,
                           std::int64_t min, std::int64_t max);

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
// Chat, moderation and the stage (SPEC §15).
boost::json::value to_json(const std::vector<domain::StagePerson>& people, bool userIds = true);
boost::json::value to_json(const domain::ChatMessage& message, bool userIds = true);
boost::json::value to_json(const domain::Member& member);
boost::json::value to_json(const domain::ModerationEntry& entry);

// A page of a list in the envelope: {"success":true,"data":[view(item)…],"count":n}.
http::Reply list_reply(boost::json::array items);
template <class Items, class View>
http::Reply list_reply(const Items& items, View view) {
  boost::json::array a;
  a.reserve(items.size());
  for (const auto& item : items) a.push_back(view(item));
  return list_reply(std::move(a));
}

}  // namespace lso::api
