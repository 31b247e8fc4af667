// Handlers of /auth/*, /users, /api-keys, /audit, /events/ticket and livestream invite lists:
// parse, hand to the identity use cases (password work on the password pool), answer the
// envelope and set or clear the session cookie.
#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <cctype>
#include <limits>
#include <tuple>

#include "api/api.hpp"
#include "api/authentication.hpp"
#include "api/json_io.hpp"
#include "auth/cookies.hpp"
#include "domain/errors.hpp"
#include "domain/validation.hpp"
#include "http/offload.hpp"
#include "util/time.hpp"

namespace lso::api {

namespace json = boost::json;
using domain::AppError;
using domain::ErrorKind;
using http::bhttp::verb;

namespace {

json::object user_json(const domain::Principal& p) {
  return json::object{{"id", p.userId},
                      {"displayName", p.displayName},
                      {"admin", p.admin},
                      {"kind", domain::to_string(p.kind)},
                      {"via", domain::to_string(p.method)}};
}

json::object account_json(const domain::User& u) {
  return json::object{{"id", u.id},
                      {"displayName", u.displayName},
                      {"admin", u.admin},
                      {"disabled", u.disabled},
                      {"createdAt", util::to_iso8601(u.createdAt)},
                      {"updatedAt", util::to_iso8601(u.updatedAt)}};
}

json::array scopes_json(std::uint8_t scopes) {
  json::array a;
  for (auto [bit, name] :
       {std::pair{domain::kScopeRead, "read"}, std::pair{domain::kScopeWrite, "write"},
        std::pair{domain::kScopeAdmin, "admin"}, std::pair{domain::kScopeActAs, "act-as"}})
    if (scopes & bit) a.emplace_back(name);
  return a;
}

json::object key_json(const domain::ApiKey& k) {
  auto time_or_null = [](const std::optional<domain::TimePoint>& t) {
    return t ? json::value(util::to_iso8601(*t)) : json::value(nullptr);
  };
  return json::object{{"id", k.id},
                      {"name", k.name},
                      {"prefix", k.prefix},
                      {"scopes", scopes_json(k.scopes)},
                      {"ownerId", k.ownerId},
                      {"createdAt", util::to_iso8601(k.createdAt)},
                      {"lastUsedAt", time_or_null(k.lastUsedAt)},
                      {"revokedAt", time_or_null(k.revokedAt)}};
}

json::object audit_json(const domain::AuditEntry& e) {
  return json::object{{"id", e.id},           {"at", util::to_iso8601(e.at)},
                      {"action", e.action},   {"principal", e.principal},
                      {"ip", e.ip},           {"target", e.target},
                      {"outcome", e.outcome}, {"details", e.details}};
}

http::Reply signed_in_reply(unsigned status, const http::Request& req, const domain::SignedIn& s) {
  auto reply = http::data_reply(status, json::object{{"user", user_json(s.principal)}});
  reply.response.set(http::bhttp::field::set_cookie,
                     auth::set_cookie(kSessionCookie, s.sessionToken, {req.secure, "/", s.maxAge}));
  reply.response.set(http::bhttp::field::cache_control, "no-store");
  return reply;
}

std::optional<bool> optional_bool(const json::object& body, std::string_view field) {
  const auto* v = body.if_contains(field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool())
    throw AppError(ErrorKind::Validation, fmt::format("{} must be a boolean", field));
  return v->as_bool();
}

// The body of a new account (sign-up, or an admin creating one).
domain::AccountInput account_input(const json::object& body) {
  domain::AccountInput in;
  in.username = required_string(body, "username");
  in.password = required_string(body, "password");
  in.displayName = optional_string(body, "displayName");
  return in;
}

std::uint8_t scopes_from(const json::object& body) {
  const auto* v = body.if_contains("scopes");
  if (!v || !v->is_array() || v->as_array().empty())
    throw AppError(
        ErrorKind::Validation,
        "scopes must be a non-empty array of \"read\", \"write\", \"admin\", \"act-as\"");
  std::uint8_t out = 0;
  for (const auto& s : v->as_array()) {
    auto one = s.is_string() ? domain::parse_scopes(std::string_view(s.as_string())) : std::nullopt;
    if (!one || !*one)
      throw AppError(
          ErrorKind::Validation,
          "scopes must be a non-empty array of \"read\", \"write\", \"admin\", \"act-as\"");
    out |= *one;
  }
  return out;
}

}  // namespace

// The password pool: Argon2id is memory-hard and takes tens of milliseconds; a bounded queue
// turns a flood of logins into quick 503s instead of a growing backlog.
PasswordWork::PasswordWork(PasswordPool& p) : pool(p) {
  if (pool.queued.fetch_add(1) >= pool.maxQueued) {
    pool.queued.fetch_sub(1);
    throw AppError(ErrorKind::Unavailable, "Too many sign-ins in progress; try again in a moment");
  }
}
PasswordWork::~PasswordWork() {
  pool.queued.fetch_sub(1);
}

void add_auth_routes(http::Router& router, AuthRouteDeps deps) {
  const std::string base = "/api/v1";
  auto& identity = deps.identity;
  auto& pool = deps.pool;
  auto& passwords = deps.passwords;
  const auto authConfig = deps.config;

  router.add(
      verb::get, base + "/auth/config",
      [authConfig](http::Request&) -> http::asio::awaitable<http::Reply> {
        co_return http::data_reply(200, authConfig);
      },
      http::RouteOptions{http::kNoLimit, false, false});

  router.add(
      verb::post, base + "/auth/signup",
      [&identity, &passwords](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto in = account_input(parse_body(req));
        const auto& caller = principal_of(req);
        PasswordWork guard(passwords);
        auto s =
            co_await http::offload(passwords.pool, [&] { return identity.signup(caller, in); });
        co_return signed_in_reply(201, req, s);
      },
      http::kApiLimit);

  router.add(
      verb::post, base + "/auth/login",
      [&identity, &passwords, &pool, limiter = deps.limiter,
       throttle = deps.loginThrottle](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto username = required_string(body, "username");
        const auto password = required_string(body, "password");
        std::string account = "acct:" + username.substr(0, 64);
        for (auto& c : account) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        // Throttled per account and per IP, counting failures only: a person who types their
        // password right never meets it; a guesser does, whichever accounts it tries.
        auto checkThrottle = [&] {
          for (auto [rule, key, max] : {std::tuple{"login-account", account, throttle.max},
                                        std::tuple{"login-ip", req.clientIp, throttle.max * 5}}) {
            auto d = limiter->peek(rule, key, max, throttle.window);
            if (!d.allowed) return d.reset;
          }
          return std::chrono::seconds(0);
        };
        auto countFailure = [&] {
          limiter->hit("login-account", account, throttle.max, throttle.window);
          limiter->hit("login-ip", req.clientIp, throttle.max * 5, throttle.window);
        };
        const auto wait = co_await http::offload(pool, [&] { return checkThrottle(); });
        if (wait.count() > 0) {
          auto reply = http::error_reply(429, "RateLimitError",
                                         "Too many failed sign-in attempts; try again later.");
          reply.response.set(http::bhttp::field::retry_after, std::to_string(wait.count()));
          co_return reply;
        }
        PasswordWork guard(passwords);
        std::optional<domain::SignedIn> s;
        bool failed = false;
        try {
          s = co_await http::offload(
              passwords.pool, [&] { return identity.login(username, password, req.clientIp); });
        } catch (const AppError& e) {
          if (e.kind() != ErrorKind::Authentication) throw;
          failed = true;
        }
        if (failed) {
          co_await http::offload(pool, [&] { countFailure(); });
          throw AppError(ErrorKind::Authentication, "Invalid username or password");
        }
        co_return signed_in_reply(200, req, *s);
      },
      http::kApiLimit);

  router.add(
      verb::post, base + "/auth/logout",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& caller = principal_of(req);
        if (caller.method == domain::AuthMethod::Session)
          co_await http::offload(pool, [&] { identity.logout(caller); });
        auto reply = http::data_reply(200, json::object{{"signedOut", true}});
        reply.response.set(
            http::bhttp::field::set_cookie,
            auth::set_cookie(kSessionCookie, "", {req.secure, "/", std::chrono::seconds(0)}));
        co_return reply;
      },
      http::kApiLimit);

  router.add(
      verb::get, base + "/auth/me",
      [](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& p = principal_of(req);
        if (p.kind == domain::PrincipalKind::Nobody)
          throw AppError(ErrorKind::Authentication, "Not signed in");
        co_return http::data_reply(200, json::object{{"user", user_json(p)}});
      },
      http::kApiLimit);

  router.add(
      verb::post, base + "/auth/password",
      [&identity, &passwords](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto current = required_string(body, "currentPassword");
        const auto next = required_string(body, "newPassword");
        const auto& caller = principal_of(req);
        PasswordWork guard(passwords);
        auto s = co_await http::offload(
            passwords.pool, [&] { return identity.change_password(caller, current, next); });
        co_return signed_in_reply(200, req, s);
      },
      http::kApiLimit);

  router.add(
      verb::post, base + "/auth/guest",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        auto name = optional_string(body, "displayName");
        const auto& caller = principal_of(req);
        auto s = co_await http::offload(pool, [&] { return identity.guest(caller, name); });
        co_return signed_in_reply(201, req, s);
      },
      http::kApiLimit);

  router.add(
      verb::post, base + "/events/ticket",
      [&identity,
       tickets = &deps.tickets](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto& p = principal_of(req);
        domain::require(identity.permissions(), domain::actor_of(p),
                        domain::Action::OpenEventTicket);
        auto [ticket, exp] = tickets->issue(p, std::chrono::system_clock::now());
        co_return http::data_reply(
            200, json::object{{"ticket", ticket},
                              {"expiresAt",
                               util::to_iso8601(domain::TimePoint(std::chrono::seconds(exp)))}});
      },
      http::kApiLimit);

  // --- admin: accounts ---
  router.add(
      verb::get, base + "/users",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto limit = query_integer(req, "limit", 50, 1, 500);
        const auto offset = query_integer(req, "offset", 0, 0, 100'000'000);
        const auto actor = domain::actor_of(principal_of(req));
        auto users =
            co_await http::offload(pool, [&] { return identity.list_users(actor, limit, offset); });
        co_return list_reply(users, account_json);
      },
      http::kApiLimit);

  router.add(
      verb::post, base + "/users",
      [&identity, &passwords](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        auto in = account_input(body);
        in.admin = optional_bool(body, "admin").value_or(false);
        const auto actor = domain::actor_of(principal_of(req));
        PasswordWork guard(passwords);
        auto u =
            co_await http::offload(passwords.pool, [&] { return identity.create_user(actor, in); });
        co_return http::data_reply(201, account_json(u));
      },
      http::kApiLimit | http::kWriteLimit);

  router.add(
      verb::patch, base + "/users/:id",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        const auto admin = optional_bool(body, "admin");
        const auto disabled = optional_bool(body, "disabled");
        const auto actor = domain::actor_of(principal_of(req));
        auto u = co_await http::offload(
            pool, [&] { return identity.update_user(actor, req.param("id"), admin, disabled); });
        co_return http::data_reply(200, account_json(u));
      },
      http::kApiLimit | http::kWriteLimit);

  // --- admin: API keys ---
  router.add(
      verb::get, base + "/api-keys",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto actor = domain::actor_of(principal_of(req));
        auto keys = co_await http::offload(pool, [&] { return identity.list_api_keys(actor); });
        co_return list_reply(keys, key_json);
      },
      http::kApiLimit);

  router.add(
      verb::post, base + "/api-keys",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        auto name = required_string(body, "name");
        const auto scopes = scopes_from(body);
        const auto actor = domain::actor_of(principal_of(req));
        auto created = co_await http::offload(
            pool, [&] { return identity.create_api_key(actor, std::move(name), scopes); });
        auto o = key_json(created.key);
        o["key"] = created.secret;  // the only time it is ever shown
        auto reply = http::data_reply(201, std::move(o));
        reply.response.set(http::bhttp::field::cache_control, "no-store");
        co_return reply;
      },
      http::kApiLimit | http::kWriteLimit);

  router.add(
      verb::delete_, base + "/api-keys/:id",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto actor = domain::actor_of(principal_of(req));
        auto k = co_await http::offload(
            pool, [&] { return identity.revoke_api_key(actor, req.param("id")); });
        co_return http::data_reply(200, key_json(k));
      },
      http::kApiLimit | http::kWriteLimit);

  // --- admin: audit log ---
  router.add(
      verb::get, base + "/audit",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        domain::AuditFilter f;
        f.limit = query_integer(req, "limit", 50, 1, 500);
        if (req.query_param("before"))
          f.beforeId = query_integer(req, "before", 0, 1, std::numeric_limits<std::int32_t>::max());
        if (auto action = req.query_param("action")) {
          domain::require_text("action", *action, 64);
          f.action = std::move(*action);
        }
        const auto actor = domain::actor_of(principal_of(req));
        auto entries = co_await http::offload(pool, [&] { return identity.audit_log(actor, f); });
        co_return list_reply(entries, audit_json);
      },
      http::kApiLimit);

  // --- invite lists of private livestreams ---
  router.add(
      verb::get, base + "/livestreams/:id/invites",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto actor = domain::actor_of(principal_of(req));
        auto invites =
            co_await http::offload(pool, [&] { return identity.invites(actor, req.param("id")); });
        co_return list_reply(invites, [](const domain::Invite& i) {
          return json::object{{"userId", i.userId}, {"createdAt", util::to_iso8601(i.createdAt)}};
        });
      },
      http::kApiLimit);

  router.add(
      verb::post, base + "/livestreams/:id/invites",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        auto body = parse_body(req);
        auto user = required_string(body, "userId");
        const auto actor = domain::actor_of(principal_of(req));
        const bool added = co_await http::offload(
            pool, [&] { return identity.invite(actor, req.param("id"), user); });
        co_return http::data_reply(added ? 201 : 200,
                                   json::object{{"userId", user}, {"invited", true}});
      },
      http::kApiLimit | http::kWriteLimit);

  router.add(
      verb::delete_, base + "/livestreams/:id/invites/:userId",
      [&identity, &pool](http::Request& req) -> http::asio::awaitable<http::Reply> {
        const auto actor = domain::actor_of(principal_of(req));
        co_await http::offload(
            pool, [&] { identity.uninvite(actor, req.param("id"), req.param("userId")); });
        co_return http::data_reply(
            200, json::object{{"userId", std::string(req.param("userId"))}, {"invited", false}});
      },
      http::kApiLimit | http::kWriteLimit);
}

}  // namespace lso::api
