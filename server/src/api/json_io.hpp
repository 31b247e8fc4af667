// HTTP ↔ domain translation helpers: request bodies and query strings in (strict types, clear
// 400/415 messages); the JSON views of domain records out come from views/.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/types.hpp"
#include "views/json_views.hpp"

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

// The JSON views of domain records, under the names the handlers have always used.
using views::kPeopleListed;
using views::time_or_null;
using views::to_json;

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
