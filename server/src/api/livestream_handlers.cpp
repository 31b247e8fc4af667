// Handlers of /api/v1/livestreams/**: parse, offload to the domain, answer the envelope.
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/reply_cache.hpp"
#include "domain/errors.hpp"
#include "domain/validation.hpp"
#include "http/offload.hpp"

namespace lso::api {

namespace json = boost::json;
using domain::AppError;
using domain::ErrorKind;
using http::bhttp::verb;

namespace {

template <class T, class Parse>
std::optional<T> query_enum(const http::Request& req, std::string_view name, Parse parse,
                            std::string_view allowed) {
  auto raw = req.query_param(name);
  if (!raw) return std::nullopt;
  auto v = parse(*raw);
  if (!v) throw AppError(ErrorKind::Validation, fmt::format("{} must be one of {}", name, allowed));
  return v;
}

json::value list_json(const auto& items) {
  json::array a;
  a.reserve(items.size());
  for (const auto& i : items) a.push_back(to_json(i));
  return a;
}

http::Reply list_reply(json::value data) {
  const auto count = data.as_array().size();
  return http::json_reply(
      200, json::object{{"success", true}, {"data", std::move(data)}, {"count", count}});
}

http::Reply cached_reply(const std::string& body) {
  http::Reply r;
  r.response.result(http::bhttp::status::ok);
  r.response.set(http::bhttp::field::content_type, "application/json; charset=utf-8");
  r.response.body() = body;
  return r;
}

}  // namespace

void add_livestream_routes(http::Router& router, domain::LivestreamService& service,
                           boost::asio::thread_pool& pool, ReplyCache& cache) {
  using http::kApiLimit;
  using http::kCreateLimit;
  using http::kWriteLimit;
  const std::string base = "/api/v1/livestreams";

  router.add(
      verb::post, base,
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        domain::CreateLivestreamInput in;
        in.roomName = required_string(body, "roomName");
        in.title = required_string(body, "title");
        in.createdBy = required_string(body, "createdBy");
        in.description = optional_string(body, "description");
        in.maxParticipants =
            optional_integer(body, "maxParticipants", domain::limits::kMaxParticipantsDefault);
        in.emptyTimeout =
            optional_integer(body, "emptyTimeout", domain::limits::kEmptyTimeoutDefault);
        in.metadata = optional_object(body, "metadata");
        auto created = co_await http::offload(pool, [&] { return service.create(std::move(in)); });
        co_return http::data_reply(201, to_json(created));
      },
      kApiLimit | kCreateLimit);

  router.add(
      verb::get, base,
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        domain::LivestreamFilter f;
        f.status = query_enum<domain::LivestreamStatus>(
            req, "status", domain::parse_livestream_status, "SCHEDULED, LIVE, ENDED, ERROR");
        if (auto by = req.query_param("createdBy")) {
          domain::require_text("createdBy", *by, domain::limits::kUserIdMax);
          f.createdBy = std::move(*by);
        }
        f.limit = query_integer(req, "limit", domain::limits::kPageLimitDefault, 1,
                                domain::limits::kPageLimitMax);
        f.offset = query_integer(req, "offset", 0, 0, 100'000'000);
        const std::string key =
            fmt::format("list:{}|{}|{}|{}", f.status ? domain::to_string(*f.status) : "",
                        f.createdBy.value_or(""), f.limit, f.offset);
        if (auto body = cache.get(key)) co_return cached_reply(*body);
        const auto generation = cache.generation();
        auto items = co_await http::offload(pool, [&] { return service.list(f); });
        auto reply = list_reply(list_json(items));
        cache.put(key, generation, reply.response.body());
        co_return reply;
      },
      kApiLimit);

  router.add(
      verb::get, base + "/:id",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const std::string key = fmt::format("id:{}", req.param("id"));
        if (auto body = cache.get(key)) co_return cached_reply(*body);
        const auto generation = cache.generation();
        auto item = co_await http::offload(pool, [&] { return service.get(req.param("id")); });
        auto reply = http::data_reply(200, to_json(item));
        cache.put(key, generation, reply.response.body());
        co_return reply;
      },
      kApiLimit);

  router.add(
      verb::delete_, base + "/:id",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        auto requester = required_string(body, "requestingUserId");
        auto ended =
            co_await http::offload(pool, [&] { return service.end(req.param("id"), requester); });
        co_return http::json_reply(200, json::object{{"success", true},
                                                     {"message", "Livestream deleted successfully"},
                                                     {"data", to_json(ended)}});
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::post, base + "/:id/join",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        domain::JoinInput in;
        in.userId = required_string(body, "userId");
        in.displayName = required_string(body, "displayName");
        const auto role = required_string(body, "role");
        auto parsed = domain::parse_participant_role(role);
        if (!parsed) throw AppError(ErrorKind::Validation, "role must be HOST or VIEWER");
        in.role = *parsed;
        in.metadata = optional_object(body, "metadata");
        auto joined = co_await http::offload(
            pool, [&] { return service.join(req.param("id"), std::move(in)); });
        co_return http::data_reply(200, json::object{{"token", joined.token},
                                                     {"url", joined.url},
                                                     {"participant", to_json(joined.participant)}});
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::post, base + "/:id/leave",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        auto user = required_string(body, "userId");
        co_await http::offload(pool, [&] { service.leave(req.param("id"), user); });
        co_return http::json_reply(
            200, json::object{{"success", true}, {"message", "Left livestream successfully"}});
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::get, base + "/:id/participants",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        domain::ParticipantFilter f;
        f.status = query_enum<domain::ParticipantStatus>(
            req, "status", domain::parse_participant_status, "JOINED, LEFT");
        f.role = query_enum<domain::ParticipantRole>(req, "role", domain::parse_participant_role,
                                                     "HOST, VIEWER");
        f.limit = query_integer(req, "limit", domain::limits::kPageLimitDefault, 1,
                                domain::limits::kPageLimitMax);
        f.offset = query_integer(req, "offset", 0, 0, 100'000'000);
        auto items =
            co_await http::offload(pool, [&] { return service.participants(req.param("id"), f); });
        co_return list_reply(list_json(items));
      },
      kApiLimit);

  router.add(
      verb::get, base + "/:id/state",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto state = co_await http::offload(pool, [&] { return service.state(req.param("id")); });
        co_return http::data_reply(200, to_json(state));
      },
      kApiLimit);
}

}  // namespace lso::api
