// Handlers of /webhooks/dead: the dead-letter list for admins (inspect, replay, drop). Each
// checks the permission table (ManageDeadLetters) and audits what it changed or revealed; queue
// calls block, so they run on the pool.
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/authentication.hpp"
#include "api/json_io.hpp"
#include "domain/errors.hpp"
#include "domain/permissions.hpp"
#include "domain/validation.hpp"
#include "http/offload.hpp"
#include "util/time.hpp"

namespace lso::api {

namespace json = boost::json;
using domain::AppError;
using domain::ErrorKind;
using http::bhttp::verb;

namespace {

json::object dead_json(const domain::DeadJob& d) {
  return json::object{{"id", d.id},
                      {"webhookId", d.webhookId},
                      {"attempts", d.attempts},
                      {"lastError", d.lastError},
                      {"diedAt", util::to_iso8601(d.diedAt)},
                      {"bodySize", d.bodySize}};
}

// Dead-letter ids are row numbers or Redis entry ids: short. Longer text names none, and is not
// worth a queue round trip or an audit record.
void check_id(std::string_view id) {
  if (id.empty() || id.size() > 64)
    throw AppError(ErrorKind::NotFound, fmt::format("Dead letter {} not found", id));
}

}  // namespace

void add_dead_letter_routes(http::Router& router, domain::WebhookQueue& queue,
                            domain::IdentityService& identity, http::BlockingPool& pool) {
  const std::string base = "/api/v1/webhooks/dead";
  // The acting admin; nobody → 401, anyone else → 403 (domain/permissions.cpp).
  auto admin = [&identity](const http::Request& req) {
    auto actor = domain::actor_of(principal_of(req));
    domain::require(identity.permissions(), actor, domain::Action::ManageDeadLetters);
    return actor;
  };

  router.add(
      verb::get, base,
      [&queue, &pool, admin](http::Request& req) -> http::asio::awaitable<http::Reply> {
        admin(req);  // a read of ids and errors only: not audited, like the other admin lists
        const auto limit = query_integer(req, "limit", 50, 1, 500);
        auto after = req.query_param("after");
        if (after) domain::require_text("after", *after, 64);
        auto dead = co_await http::offload(pool, [&] {
          return queue.list_dead(static_cast<std::size_t>(limit),
                                 after ? std::optional<std::string_view>(*after) : std::nullopt);
        });
        co_return list_reply(dead, dead_json);
      },
      http::kApiLimit);

  router.add(
      verb::get, base + "/:id",
      [&queue, &identity, &pool, admin](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto actor = admin(req);
        const std::string id(req.param("id"));
        check_id(id);
        auto dead = co_await http::offload(pool, [&] {
          auto found = queue.find_dead(id);
          // A body can carry user identities: who read one is on record.
          if (found)
            identity.audit(actor, "webhook.show", id, "ok",
                           json::object{{"webhookId", found->webhookId}});
          return found;
        });
        if (!dead) throw AppError(ErrorKind::NotFound, fmt::format("Dead letter {} not found", id));
        auto o = dead_json(*dead);
        o["body"] = dead->body;
        co_return http::data_reply(200, std::move(o));
      },
      http::kApiLimit);

  router.add(
      verb::post, base + "/replay",
      [&queue, &identity, &pool, admin](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto actor = admin(req);
        const auto replayed = co_await http::offload(pool, [&] {
          const auto n = queue.replay_all_dead();
          identity.audit(actor, "webhook.replay_all", "", "ok",
                         json::object{{"replayed", static_cast<std::int64_t>(n)}});
          return n;
        });
        co_return http::data_reply(200,
                                   json::object{{"replayed", static_cast<std::int64_t>(replayed)}});
      },
      http::kApiLimit | http::kWriteLimit);

  router.add(
      verb::post, base + "/:id/replay",
      [&queue, &identity, &pool, admin](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto actor = admin(req);
        const std::string id(req.param("id"));
        check_id(id);
        const bool replayed = co_await http::offload(pool, [&] {
          const bool ok = queue.replay_dead(id);
          identity.audit(actor, "webhook.replay", id, ok ? "ok" : "not_found");
          return ok;
        });
        if (!replayed)
          throw AppError(ErrorKind::NotFound, fmt::format("Dead letter {} not found", id));
        co_return http::data_reply(200, json::object{{"id", id}, {"replayed", true}});
      },
      http::kApiLimit | http::kWriteLimit);

  router.add(
      verb::delete_, base + "/:id",
      [&queue, &identity, &pool, admin](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto actor = admin(req);
        const std::string id(req.param("id"));
        check_id(id);
        const bool dropped = co_await http::offload(pool, [&] {
          const bool ok = queue.drop_dead(id);
          identity.audit(actor, "webhook.drop", id, ok ? "ok" : "not_found");
          return ok;
        });
        if (!dropped)
          throw AppError(ErrorKind::NotFound, fmt::format("Dead letter {} not found", id));
        co_return http::data_reply(200, json::object{{"id", id}, {"dropped", true}});
      },
      http::kApiLimit | http::kWriteLimit);
}

}  // namespace lso::api
