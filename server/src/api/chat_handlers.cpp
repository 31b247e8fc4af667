// Handlers of the chat, moderation and stage routes: parse, offload to ChatService,
// answer the envelope. Bodies name whom an action is about in `userId` (or `messageId`: the
// author of that message) and, in open mode, the acting user in `requestingUserId`.
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/authentication.hpp"
#include "api/json_io.hpp"
#include "domain/errors.hpp"
#include "domain/validation.hpp"
#include "http/offload.hpp"

namespace lso::api {

namespace json = boost::json;
using domain::AppError;
using domain::ErrorKind;
using http::bhttp::verb;

namespace {

bool required_bool(const json::object& body, std::string_view field) {
  const auto* v = body.if_contains(field);
  if (!v || !v->is_bool())
    throw AppError(ErrorKind::Validation, fmt::format("{} must be true or false", field));
  return v->get_bool();
}

// The acting identity of a body: required in open mode (the seed's trust model).
std::optional<std::string> requester(const domain::Principal& principal, const json::object& body) {
  if (principal.kind == domain::PrincipalKind::Open)
    return required_string(body, "requestingUserId");
  return optional_string(body, "requestingUserId");
}

// Reads name the acting identity in the query string (open mode only needs it).
std::optional<std::string> query_requester(const http::Request& req) {
  auto v = req.query_param("requestingUserId");
  if (v) domain::require_text("requestingUserId", *v, domain::limits::kUserIdMax);
  return v;
}

domain::Target target_of(const json::object& body) {
  domain::Target t;
  t.userId = optional_string(body, "userId");
  t.messageId = optional_string(body, "messageId");
  return t;
}

json::value members_json(const std::vector<domain::Member>& members) {
  json::array out;
  for (const auto& m : members) out.push_back(to_json(m));
  return out;
}

}  // namespace

void add_chat_routes(http::Router& router, domain::ChatService& chat, http::BlockingPool& pool) {
  using http::kApiLimit;
  using http::kWriteLimit;
  const std::string base = "/api/v1/livestreams/:id";

  router.add(
      verb::post, base + "/chat",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto& principal = principal_of(req);
        domain::PostChatInput in;
        const bool open = principal.kind == domain::PrincipalKind::Open;
        in.userId =
            open ? std::optional(required_string(body, "userId")) : optional_string(body, "userId");
        in.displayName = optional_string(body, "displayName");
        in.text = required_string(body, "text");
        in.clientMessageId = optional_string(body, "clientMessageId");
        auto posted = co_await http::offload(
            pool, [&] { return chat.post(principal, req.param("id"), std::move(in)); });
        // The author's own message: their id is theirs to see.
        co_return http::data_reply(posted.created ? 201 : 200, to_json(posted.message, true));
      },
      kApiLimit);

  router.add(
      verb::get, base + "/chat",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto before = req.query_param("before");
        if (before) domain::require_text("before", *before, 64);
        const auto limit = query_integer(req, "limit", 50, 1, 200);
        const auto& principal = principal_of(req);
        auto page = co_await http::offload(
            pool, [&] { return chat.history(principal, req.param("id"), before, limit); });
        json::array items;
        for (const auto& m : page.value) items.push_back(to_json(m, page.userIds));
        co_return list_reply(std::move(items));
      },
      kApiLimit);

  router.add(
      verb::delete_, base + "/chat/:messageId",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto& principal = principal_of(req);
        auto who = requester(principal, body);
        co_await http::offload(pool, [&] {
          chat.delete_message(principal, req.param("id"), req.param("messageId"), who);
        });
        co_return http::data_reply(200,
                                   json::object{{"id", req.param("messageId")}, {"deleted", true}});
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::post, base + "/moderation/slow-mode",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto& principal = principal_of(req);
        auto who = requester(principal, body);
        const auto seconds = optional_integer(body, "seconds", -1);
        if (!body.contains("seconds")) throw AppError(ErrorKind::Validation, "seconds is required");
        if (seconds < 0 || seconds > 86400)
          throw AppError(ErrorKind::Validation, "seconds must be between 0 and 86400");
        co_await http::offload(pool, [&] {
          chat.set_slow_mode(principal, req.param("id"), static_cast<std::int32_t>(seconds), who);
        });
        co_return http::data_reply(200, json::object{{"slowModeSeconds", seconds}});
      },
      kApiLimit | kWriteLimit);

  const auto member_route = [&](const std::string& path, auto call) {
    router.add(
        verb::post, base + path,
        [&chat, &pool, call](http::Request& req) -> http::asio::awaitable<http::Reply> {
          auto body = parse_body(req);
          const auto& principal = principal_of(req);
          auto who = requester(principal, body);
          auto member = co_await http::offload(
              pool, [&] { return call(chat, principal, req.param("id"), body, who); });
          co_return http::data_reply(200, to_json(member));
        },
        kApiLimit | kWriteLimit);
  };
  using Who = std::optional<std::string>;
  member_route("/moderators", [](domain::ChatService& c, const domain::Principal& p,
                                 std::string_view id, const json::object& b, const Who& who) {
    return c.set_moderator(p, id, target_of(b), true, who);
  });
  member_route("/moderators/remove",
               [](domain::ChatService& c, const domain::Principal& p, std::string_view id,
                  const json::object& b,
                  const Who& who) { return c.set_moderator(p, id, target_of(b), false, who); });
  member_route("/moderation/timeout",
               [](domain::ChatService& c, const domain::Principal& p, std::string_view id,
                  const json::object& b, const Who& who) {
                 if (!b.contains("seconds"))
                   throw AppError(ErrorKind::Validation, "seconds is required");
                 return c.time_out(p, id, target_of(b), optional_integer(b, "seconds", 0), who);
               });
  member_route("/moderation/ban", [](domain::ChatService& c, const domain::Principal& p,
                                     std::string_view id, const json::object& b, const Who& who) {
    return c.ban(p, id, target_of(b), true, who);
  });
  member_route("/moderation/unban", [](domain::ChatService& c, const domain::Principal& p,
                                       std::string_view id, const json::object& b, const Who& who) {
    return c.ban(p, id, target_of(b), false, who);
  });
  member_route("/hand", [](domain::ChatService& c, const domain::Principal& p, std::string_view id,
                           const json::object& b, const Who& who) {
    return c.hand(p, id, optional_string(b, "userId"), required_bool(b, "raised"), who);
  });
  member_route("/stage/invite", [](domain::ChatService& c, const domain::Principal& p,
                                   std::string_view id, const json::object& b, const Who& who) {
    return c.stage_invite(p, id, target_of(b), who);
  });
  member_route("/stage/accept",
               [](domain::ChatService& c, const domain::Principal& p, std::string_view id,
                  const json::object&, const Who& who) { return c.stage_accept(p, id, who); });
  member_route("/stage/leave", [](domain::ChatService& c, const domain::Principal& p,
                                  std::string_view id, const json::object& b, const Who& who) {
    return c.stage_leave(p, id, target_of(b), who);
  });

  router.add(
      verb::post, base + "/moderation/mute",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto& principal = principal_of(req);
        auto who = requester(principal, body);
        const auto kind = optional_string(body, "kind").value_or("all");
        const auto track = optional_string(body, "trackSid");
        auto muted = co_await http::offload(pool, [&] {
          return chat.mute(principal, req.param("id"), target_of(body), kind, track, who);
        });
        json::array sids;
        for (const auto& s : muted) sids.emplace_back(s);
        co_return http::data_reply(200, json::object{{"muted", std::move(sids)}});
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::get, base + "/moderation/log",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto before =
            query_integer(req, "before", 0, 0, std::numeric_limits<std::int32_t>::max());
        const auto limit = query_integer(req, "limit", 50, 1, 200);
        const auto& principal = principal_of(req);
        auto who = query_requester(req);
        auto page = co_await http::offload(pool, [&] {
          return chat.moderation_log(principal, req.param("id"), before, limit, who);
        });
        json::array items;
        for (const auto& e : page.value) items.push_back(to_json(e));
        co_return list_reply(std::move(items));
      },
      kApiLimit);

  router.add(
      verb::get, base + "/standing",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& principal = principal_of(req);
        auto who = query_requester(req);
        auto member = co_await http::offload(
            pool, [&] { return chat.standing(principal, req.param("id"), who); });
        co_return http::data_reply(200, to_json(member));
      },
      kApiLimit);

  router.add(
      verb::get, base + "/moderation/members",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& principal = principal_of(req);
        auto who = query_requester(req);
        auto members = co_await http::offload(
            pool, [&] { return chat.members(principal, req.param("id"), who); });
        auto items = members_json(members.value);
        co_return list_reply(std::move(items.as_array()));
      },
      kApiLimit);
}

}  // namespace lso::api
