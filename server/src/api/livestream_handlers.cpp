// Handlers of /api/v1/livestreams/**: parse, offload to the domain, answer the envelope.
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/authentication.hpp"
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

// The cache key part naming a view: "ids" for readers who see user ids (creator, admins, open
// mode), "names" for everyone else.
std::string_view view_name(bool userIds) {
  return userIds ? "ids" : "names";
}

// The view a cached livestream reply may be served in to `p`, decided from its guard alone;
// nullopt when the table would not let `p` read it that way (the database decides instead).
std::optional<std::string_view> cached_view(const domain::LivestreamService& service,
                                            const domain::Principal& p,
                                            const ReplyCache::Guard& guard) {
  domain::Livestream l;
  l.createdBy = guard.createdBy;
  l.visibility = guard.visibility;
  domain::Subject subject;
  subject.livestream = &l;
  const auto actor = domain::actor_of(p);
  if (!domain::decide(service.permissions(), actor, domain::Action::ReadLivestream, subject)
           .allowed)
    return std::nullopt;
  return view_name(
      domain::decide(service.permissions(), actor, domain::Action::SeeUserIds, subject).allowed);
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
                           domain::MediaService& media, http::BlockingPool& pool,
                           ReplyCache& cache) {
  using http::kApiLimit;
  using http::kCreateLimit;
  using http::kWriteLimit;
  const std::string base = "/api/v1/livestreams";

  router.add(
      verb::post, base,
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        domain::CreateLivestreamInput in;
        const auto& principal = principal_of(req);
        const bool open = principal.kind == domain::PrincipalKind::Open;
        in.roomName = required_string(body, "roomName");
        in.title = required_string(body, "title");
        // The seed's body names the creator; signed-in callers may leave it out.
        in.createdBy = open ? std::optional(required_string(body, "createdBy"))
                            : optional_string(body, "createdBy");
        if (auto v = optional_string(body, "visibility")) {
          auto parsed = domain::parse_visibility(*v);
          if (!parsed)
            throw AppError(ErrorKind::Validation, "visibility must be public, unlisted or private");
          in.visibility = *parsed;
        }
        in.description = optional_string(body, "description");
        in.maxParticipants =
            optional_integer(body, "maxParticipants", domain::limits::kMaxParticipantsDefault);
        in.emptyTimeout =
            optional_integer(body, "emptyTimeout", domain::limits::kEmptyTimeoutDefault);
        in.metadata = optional_object(body, "metadata");
        // A create may ask for an ingest endpoint and/or a recording from the start.
        const auto ingest = ingest_input(body, "ingest");
        bool record = false;
        if (const auto* v = body.if_contains("record"); v && !v->is_null()) {
          if (!v->is_bool()) throw AppError(ErrorKind::Validation, "record must be a boolean");
          record = v->get_bool();
        }
        auto created =
            co_await http::offload(pool, [&] { return service.create(principal, std::move(in)); });
        auto data = to_json(created);
        if (ingest || record) {
          auto extras = co_await http::offload(
              pool, [&] { return media.after_create(principal, created, ingest, record); });
          auto& o = data.as_object();
          if (ingest) {
            o["ingest"] = extras.ingest ? to_json(*extras.ingest) : json::value(nullptr);
            if (extras.ingestError) o["ingestError"] = *extras.ingestError;
          }
          if (record) {
            o["recording"] = extras.recording ? to_json(*extras.recording) : json::value(nullptr);
            if (extras.recordingError) o["recordingError"] = *extras.recordingError;
          }
          auto reply = http::data_reply(201, std::move(data));
          reply.response.set(http::bhttp::field::cache_control, "no-store");
          co_return reply;
        }
        co_return http::data_reply(201, std::move(data));
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
        const auto& principal = principal_of(req);
        const auto actor = domain::actor_of(principal);
        domain::require(service.permissions(), actor, domain::Action::ListLivestreams);
        if (f.createdBy) {
          domain::Subject subject;
          subject.targetUserId = *f.createdBy;
          domain::require(service.permissions(), actor, domain::Action::ListByCreator, subject);
        }
        // A page depends on who reads it: what they may find, and whose ids they see.
        const auto scope = domain::list_scope(actor);
        const std::string reader =
            scope == domain::LivestreamFilter::Scope::PublicOrOwn ? actor.userId : "";
        const std::string key = fmt::format("list:{}:{}|{}|{}|{}|{}", static_cast<int>(scope),
                                            reader, f.status ? domain::to_string(*f.status) : "",
                                            f.createdBy.value_or(""), f.limit, f.offset);
        if (auto hit = cache.get(key)) co_return cached_reply(*hit->body);
        const auto generation = cache.generation();
        auto items = co_await http::offload(pool, [&] { return service.list(principal, f); });
        auto reply = list_reply(items, [&](const domain::Livestream& l) {
          return to_json(l, service.sees_user_ids(principal, l));
        });
        cache.put(key, generation, reply.response.body());
        co_return reply;
      },
      kApiLimit);

  router.add(
      verb::get, base + "/:id",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& principal = principal_of(req);
        // A cached reply is served only to readers the table lets read it without asking the
        // database (private livestreams, whose readers include invited users, are not cached).
        if (auto hit = cache.get(fmt::format("guard:{}", req.param("id")))) {
          if (auto view = cached_view(service, principal, hit->guard))
            if (auto body = cache.get(fmt::format("id:{}:{}", req.param("id"), *view)))
              co_return cached_reply(*body->body);
        }
        const auto generation = cache.generation();
        auto item =
            co_await http::offload(pool, [&] { return service.get(principal, req.param("id")); });
        auto reply = http::data_reply(200, to_json(item.value, item.userIds));
        if (item.value.visibility != domain::Visibility::Private) {
          const ReplyCache::Guard guard{item.value.createdBy, item.value.visibility};
          cache.put(fmt::format("guard:{}", req.param("id")), generation, "", guard);
          cache.put(fmt::format("id:{}:{}", req.param("id"), view_name(item.userIds)), generation,
                    reply.response.body(), guard);
        }
        co_return reply;
      },
      kApiLimit);

  router.add(
      verb::delete_, base + "/:id",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto& principal = principal_of(req);
        const bool open = principal.kind == domain::PrincipalKind::Open;
        auto requester = open ? std::optional(required_string(body, "requestingUserId"))
                              : optional_string(body, "requestingUserId");
        auto ended = co_await http::offload(
            pool, [&] { return service.end(principal, req.param("id"), requester); });
        co_return http::json_reply(
            200, json::object{{"success", true},
                              {"message", "Livestream deleted successfully"},
                              {"data", to_json(ended, service.sees_user_ids(principal, ended))}});
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::post, base + "/:id/join",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        domain::JoinInput in;
        const auto& principal = principal_of(req);
        const bool open = principal.kind == domain::PrincipalKind::Open;
        in.userId =
            open ? std::optional(required_string(body, "userId")) : optional_string(body, "userId");
        in.displayName = open ? std::optional(required_string(body, "displayName"))
                              : optional_string(body, "displayName");
        const auto role = required_string(body, "role");
        auto parsed = domain::parse_participant_role(role);
        if (!parsed) throw AppError(ErrorKind::Validation, "role must be HOST or VIEWER");
        in.role = *parsed;
        in.metadata = optional_object(body, "metadata");
        auto joined = co_await http::offload(
            pool, [&] { return service.join(principal, req.param("id"), std::move(in)); });
        co_return http::data_reply(200, json::object{{"token", joined.token},
                                                     {"url", joined.url},
                                                     {"participant", to_json(joined.participant)}});
      },
      kApiLimit | kWriteLimit);

  router.add(
      verb::post, base + "/:id/leave",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto& principal = principal_of(req);
        const bool open = principal.kind == domain::PrincipalKind::Open;
        auto user =
            open ? std::optional(required_string(body, "userId")) : optional_string(body, "userId");
        co_await http::offload(pool, [&] { service.leave(principal, req.param("id"), user); });
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
        const auto& principal = principal_of(req);
        auto items = co_await http::offload(
            pool, [&] { return service.participants(principal, req.param("id"), f); });
        co_return list_reply(
            items.value, [&](const domain::Participant& p) { return to_json(p, items.userIds); });
      },
      kApiLimit);

  router.add(
      verb::get, base + "/:id/state",
      [&](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& principal = principal_of(req);
        auto state =
            co_await http::offload(pool, [&] { return service.state(principal, req.param("id")); });
        co_return http::data_reply(200, to_json(state.value, state.userIds));
      },
      kApiLimit);
}

}  // namespace lso::api
