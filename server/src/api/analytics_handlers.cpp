// GET /api/v1/livestreams/:id/analytics: the viewer series and the summary, as JSON in the
// envelope or, for `Accept: text/csv`, as CSV (time,min,max,last).
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/authentication.hpp"
#include "api/json_io.hpp"
#include "domain/errors.hpp"
#include "http/offload.hpp"
#include "util/time.hpp"

namespace lso::api {

namespace json = boost::json;
using domain::AppError;
using domain::ErrorKind;
using http::bhttp::verb;

namespace {

std::optional<domain::TimePoint> query_time(const http::Request& req, std::string_view name) {
  auto raw = req.query_param(name);
  if (!raw) return std::nullopt;
  auto t = util::parse_iso8601(*raw);
  if (!t)
    throw AppError(ErrorKind::Validation,
                   fmt::format("{} must be an ISO-8601 time, e.g. 2026-12-03T18:00:00Z", name));
  return *t;
}

std::optional<std::int32_t> query_resolution(const http::Request& req) {
  auto raw = req.query_param("resolution");
  if (!raw) return std::nullopt;
  if (*raw == "10s" || *raw == "10") return 10;
  if (*raw == "1m" || *raw == "60s" || *raw == "60") return 60;
  throw AppError(ErrorKind::Validation, "resolution must be 10s or 1m");
}

json::value optional_number(const std::optional<double>& d) {
  return d ? json::value(*d) : json::value(nullptr);
}

json::value to_json(const domain::Analytics& a) {
  json::array series;
  series.reserve(a.series.size());
  for (const auto& p : a.series)
    series.emplace_back(json::object{
        {"t", util::to_iso8601(p.t)}, {"min", p.min}, {"max", p.max}, {"last", p.last}});
  const auto& s = a.summary;
  return json::object{
      {"livestreamId", a.livestream.id},
      {"status", domain::to_string(a.livestream.status)},
      {"from", util::to_iso8601(a.from)},
      {"to", util::to_iso8601(a.to)},
      {"resolutionSeconds", a.resolutionSeconds},
      {"series", std::move(series)},
      {"summary", json::object{{"durationSeconds", optional_number(s.durationSeconds)},
                               {"peakViewerCount", s.peakViewerCount},
                               {"peakAt", time_or_null(s.peakAt)},
                               {"uniqueViewers", s.uniqueViewers},
                               {"sessions", s.sessions},
                               {"totalWatchSeconds", s.totalWatchSeconds},
                               {"medianWatchSeconds", s.medianWatchSeconds},
                               {"averageViewers", s.averageViewers}}}};
}

http::Reply csv_reply(const domain::Analytics& a) {
  http::Reply r;
  auto& body = r.response.body();
  body.reserve(32 + a.series.size() * 48);
  body += "time,min,max,last\r\n";
  for (const auto& p : a.series)
    fmt::format_to(std::back_inserter(body), "{},{},{},{}\r\n", util::to_iso8601(p.t), p.min, p.max,
                   p.last);
  r.response.result(http::bhttp::status::ok);
  r.response.set(http::bhttp::field::content_type, "text/csv; charset=utf-8; header=present");
  r.response.set(
      http::bhttp::field::content_disposition,
      fmt::format("attachment; filename=\"livestream-{}-viewers.csv\"", a.livestream.id));
  return r;
}

// Whether the client asked for CSV rather than JSON (an explicit text/csv in Accept).
bool wants_csv(const http::Request& req) {
  const auto accept = req.header("accept");
  return accept.find("text/csv") != std::string_view::npos &&
         accept.find("application/json") == std::string_view::npos;
}

}  // namespace

void add_analytics_routes(http::Router& router, domain::AnalyticsService& analytics,
                          http::BlockingPool& pool) {
  router.add(
      verb::get, "/api/v1/livestreams/:id/analytics",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        domain::AnalyticsQuery query;
        query.from = query_time(req, "from");
        query.to = query_time(req, "to");
        query.resolutionSeconds = query_resolution(req);
        const auto& principal = principal_of(req);
        auto a = co_await http::offload(
            pool, [&] { return analytics.read(principal, req.param("id"), query); });
        if (wants_csv(req)) co_return csv_reply(a);
        co_return http::data_reply(200, to_json(a));
      },
      http::kApiLimit);
}

}  // namespace lso::api
