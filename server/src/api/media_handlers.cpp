// Handlers of the ingest endpoint (/livestreams/:id/ingest…) and recordings
// (/livestreams/:id/recordings…, /recordings/:rid): parse, offload to MediaService, answer.
// Replies that carry a stream key are marked no-store.
#include "api/api.hpp"
#include "api/authentication.hpp"
#include "api/json_io.hpp"
#include "domain/errors.hpp"
#include "domain/media_service.hpp"
#include "http/offload.hpp"

namespace lso::api {

namespace json = boost::json;
using domain::AppError;
using domain::ErrorKind;
using http::bhttp::verb;

namespace {

http::Reply secret_reply(unsigned status, json::value data) {
  auto reply = http::data_reply(status, std::move(data));
  reply.response.set(http::bhttp::field::cache_control, "no-store");
  return reply;
}

}  // namespace

std::optional<domain::IngressInput> ingest_input(const json::object& body, std::string_view field) {
  const auto* v = body.if_contains(field);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) {
    if (auto input = domain::parse_ingress_input(v->get_string())) return input;
  }
  throw AppError(ErrorKind::Validation, std::string(field) + " must be \"rtmp\" or \"whip\"");
}

void add_media_routes(http::Router& router, domain::MediaService& media, http::BlockingPool& pool) {
  using http::kApiLimit;
  using http::kWriteLimit;
  const std::string base = "/api/v1/livestreams/:id";

  router.add(
      verb::post, base + "/ingest",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto input = ingest_input(body, "type").value_or(domain::IngressInput::Rtmp);
        const auto& principal = principal_of(req);
        auto view = co_await http::offload(
            pool, [&] { return media.create_ingest(principal, req.param("id"), input); });
        co_return secret_reply(201, to_json(view));
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::get, base + "/ingest",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& principal = principal_of(req);
        auto view = co_await http::offload(
            pool, [&] { return media.get_ingest(principal, req.param("id")); });
        co_return secret_reply(200, to_json(view));
      },
      kApiLimit);

  router.add(
      verb::post, base + "/ingest/reset",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        parse_body(req);
        const auto& principal = principal_of(req);
        auto view = co_await http::offload(
            pool, [&] { return media.reset_ingest(principal, req.param("id")); });
        co_return secret_reply(200, to_json(view));
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::delete_, base + "/ingest",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& principal = principal_of(req);
        co_await http::offload(pool, [&] { media.delete_ingest(principal, req.param("id")); });
        co_return http::json_reply(
            200, json::object{{"success", true}, {"message", "Ingest endpoint deleted"}});
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::post, base + "/recordings",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        parse_body(req);
        const auto& principal = principal_of(req);
        auto r = co_await http::offload(
            pool, [&] { return media.start_recording(principal, req.param("id")); });
        co_return http::data_reply(201, to_json(r));
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::post, base + "/recordings/:rid/stop",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        parse_body(req);
        const auto& principal = principal_of(req);
        auto r = co_await http::offload(pool, [&] {
          return media.stop_recording(principal, req.param("id"), req.param("rid"));
        });
        co_return http::data_reply(200, to_json(r));
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::get, base + "/recordings",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& principal = principal_of(req);
        auto items = co_await http::offload(
            pool, [&] { return media.list_recordings(principal, req.param("id")); });
        co_return list_reply(items, [](const domain::Recording& r) { return to_json(r); });
      },
      kApiLimit);

  router.add(
      verb::get, "/api/v1/recordings/:rid",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& principal = principal_of(req);
        auto r = co_await http::offload(
            pool, [&] { return media.get_recording(principal, req.param("rid")); });
        co_return http::data_reply(200, to_json(r));
      },
      kApiLimit);
}

}  // namespace lso::api
