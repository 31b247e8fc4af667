// Body and query parsing with the API's error messages.
#include "api/json_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <cctype>
#include <charconv>
#include <cmath>

#include "domain/errors.hpp"

namespace lso::api {

using domain::AppError;
using domain::ErrorKind;
namespace json = boost::json;

namespace {

AppError invalid(const std::string& message) {
  return AppError(ErrorKind::Validation, message);
}

bool is_json_content_type(std::string_view ct) {
  auto semi = ct.find(';');
  auto mime = ct.substr(0, semi);
  while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
  std::string lower(mime);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" ||
         (lower.starts_with("application/") && lower.ends_with("+json"));
}

}  // namespace

json::value parse_json_text(std::string_view text, std::string_view what) {
  json::parse_options opts;
  opts.max_depth = 32;
  boost::system::error_code ec;
  auto v = json::parse(text, ec, {}, opts);
  if (ec) throw invalid(fmt::format("{} is not valid JSON: {}", what, ec.message()));
  return v;
}

json::object parse_body(const http::Request& req) {
  const auto ct = req.header("Content-Type");
  const auto& body = req.raw.body();
  if (ct.empty() && body.empty()) return {};
  if (!is_json_content_type(ct))
    throw http::transport_error(http::TransportError::UnsupportedMediaType,
                                "Content-Type must be application/json");
  if (body.empty()) throw invalid("Request body must be a JSON object");
  auto v = parse_json_text(body, "Request body");
  if (!v.is_object()) throw invalid("Request body must be a JSON object");
  return std::move(v.as_object());
}

std::string required_string(const json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null())
    throw invalid(fmt::format("{} is required", field));
  if (!it->value().is_string()) throw invalid(fmt::format("{} must be a string", field));
  return std::string(it->value().as_string());
}

std::optional<std::string> optional_string(const json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) throw invalid(fmt::format("{} must be a string", field));
  return std::string(it->value().as_string());
}

std::int64_t optional_integer(const json::object& body, std::string_view field,
                              std::int64_t fallback) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return fallback;
  const auto& v = it->value();
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64()) throw invalid(fmt::format("{} is out of range", field));
  if (v.is_double()) {
    const double d = v.as_double();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15)
      return static_cast<std::int64_t>(d);
    if (std::isfinite(d) && std::floor(d) == d)
      throw invalid(fmt::format("{} is out of range", field));
  }
  throw invalid(fmt::format("{} must be an integer", field));
}

json::value optional_object(const json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return nullptr;
  if (!it->value().is_object()) throw invalid(fmt::format("{} must be a JSON object", field));
  return it->value();
}

std::int32_t query_integer(const http::Request& req, std::string_view name, std::int32_t fallback,
                           std::int64_t min, std::int64_t max) {
  auto raw = req.query_param(name);
  if (!raw) return fallback;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), n);
  if (raw->empty() || ec != std::errc() || p != raw->data() + raw->size() || n < min || n > max)
    throw invalid(fmt::format("{} must be an integer from {} to {}", name, min, max));
  return static_cast<std::int32_t>(n);
}

http::Reply list_reply(json::array items) {
  const auto count = items.size();
  return http::json_reply(
      200, json::object{{"success", true}, {"data", std::move(items)}, {"count", count}});
}

}  // namespace lso::api
