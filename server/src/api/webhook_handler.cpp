// POST /api/v1/webhooks/livekit (SPEC §6): verify the signature against the raw bytes before
// anything else, check the body is an event, enqueue durably, and only then answer 200. A queue
// failure is a 503 so LiveKit retries; a bad signature 401 and malformed JSON 400 are final.
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/webhook_intake.hpp"
#include "domain/errors.hpp"

namespace lso::api {

namespace json = boost::json;
using domain::AppError;
using domain::ErrorKind;

void add_webhook_routes(http::Router& router, WebhookVerify verify, WebhookIntake& intake) {
  router.add(
      http::bhttp::verb::post, "/api/v1/webhooks/livekit",
      [&intake,
       verify = std::move(verify)](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto auth = req.header("Authorization");
        if (auth.empty()) throw AppError(ErrorKind::Authentication, "Missing Authorization header");
        const std::string& body = req.raw.body();
        verify(auth, body);  // 401 on any failure, before anything else looks at the request
        const auto ct = req.header("Content-Type");
        if (!ct.empty() && !ct.starts_with("application/webhook+json") &&
            !ct.starts_with("application/json"))
          throw AppError(ErrorKind::UnsupportedMediaType,
                         "Content-Type must be application/webhook+json or application/json");
        auto v = parse_json_text(body, "Webhook body");
        const auto* o = v.if_object();
        const auto* id = o ? o->if_contains("id") : nullptr;
        const auto* event = o ? o->if_contains("event") : nullptr;
        if (!id || !id->is_string() || id->as_string().empty() || !event || !event->is_string())
          throw AppError(ErrorKind::Validation,
                         "Webhook body must be an event with string id and event");
        const std::string eventId(id->as_string());
        const bool queued = co_await intake.enqueue(eventId, body);
        co_return http::data_reply(
            200, json::object{{"id", eventId}, {"queued", queued}, {"duplicate", !queued}});
      },
      // LiveKit signs with its own JWT in Authorization (never rate-limited: SPEC §4).
      http::RouteOptions{http::kNoLimit, false, false});
}

}  // namespace lso::api
