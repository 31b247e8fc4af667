// POST /api/v1/webhooks/livekit: verify the signature against the raw bytes before
// anything else, check the body is an event the workers can apply, enqueue durably, and only then
// answer 200. A queue failure is a 503 so LiveKit retries; a bad signature 401 and a body that is
// not a valid event 400 are final (LiveKit does not retry a 4xx), and both are counted.
#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/webhook_intake.hpp"
#include "domain/errors.hpp"
#include "livekit/webhook_event.hpp"

namespace lso::api {

namespace json = boost::json;
using domain::AppError;
using domain::ErrorKind;

void add_webhook_routes(http::Router& router, WebhookVerify verify, WebhookIntake& intake,
                        WebhookRejections& rejections) {
  router.add(
      http::bhttp::verb::post, "/api/v1/webhooks/livekit",
      [&intake, &rejections,
       verify = std::move(verify)](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto auth = req.header("Authorization");
        const std::string& body = req.raw.body();
        try {
          if (auth.empty())
            throw AppError(ErrorKind::Authentication, "Missing Authorization header");
          verify(auth, body);  // 401 on any failure, before anything else looks at the request
        } catch (const AppError& e) {
          if (e.kind() == ErrorKind::Authentication) rejections.signature.inc();
          throw;
        }
        const auto ct = req.header("Content-Type");
        if (!ct.empty() && !ct.starts_with("application/webhook+json") &&
            !ct.starts_with("application/json"))
          throw http::transport_error(
              http::TransportError::UnsupportedMediaType,
              "Content-Type must be application/webhook+json or application/json");
        // The workers' own reading of the body: what they would refuse (and dead-letter at once)
        // is refused here instead, before it is queued.
        livekit::WebhookEvent event;
        try {
          event = livekit::read_webhook_event(parse_json_text(body, "Webhook body"));
        } catch (const AppError& e) {
          if (e.kind() != ErrorKind::Validation) throw;
          rejections.malformed.inc();
          throw;
        }
        const bool queued = co_await intake.enqueue(event.id, body);
        co_return http::data_reply(
            200, json::object{{"id", event.id}, {"queued", queued}, {"duplicate", !queued}});
      },
      // LiveKit signs with its own JWT in Authorization (never rate-limited: a refused delivery
      // would be a lost event).
      http::RouteOptions{http::kNoLimit, false, false});
}

}  // namespace lso::api
