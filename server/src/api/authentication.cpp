// Credentials → Principal, once per request, cached in memory; CSRF for cookie-authenticated
// writes.
#include "api/authentication.hpp"

#include <fmt/format.h>

#include "auth/cookies.hpp"
#include "domain/errors.hpp"
#include "http/offload.hpp"
#include "http/router.hpp"

namespace lso::api {

using domain::AppError;
using domain::ErrorKind;
using domain::Principal;
using domain::PrincipalKind;

namespace {

const Principal kNobody{};

AppError unauthenticated(std::string_view why) {
  return AppError(ErrorKind::Authentication, std::string(why));
}

bool unsafe(http::bhttp::verb m) {
  return m != http::bhttp::verb::get && m != http::bhttp::verb::head &&
         m != http::bhttp::verb::options;
}

// The ticket of `?ticket=` (SSE only: EventSource cannot send headers).
std::optional<std::string> ticket_of(const http::Request& req) {
  if (req.raw.method() != http::bhttp::verb::get || !req.path.ends_with("/events"))
    return std::nullopt;
  return req.query_param("ticket");
}

}  // namespace

std::string Authentication::cache_key(const std::string& credential) const {
  // The cache is this process's memory, where the credential passes anyway: it is keyed by the
  // credential itself (no hash per request), unless it is unusually long.
  return credential.size() <= 512 ? credential : identity_.digest(credential);
}

const Principal& principal_of(const http::Request& req) {
  return req.principal ? *static_cast<const Principal*>(req.principal) : kNobody;
}

std::optional<CredentialCache::Entry> CredentialCache::get(const std::string& digest) {
  auto& sh = shard(digest);
  std::lock_guard lock(sh.mutex);
  auto it = sh.entries.find(digest);
  if (it == sh.entries.end()) return std::nullopt;
  if (Clock::now() >= it->second.expires) {
    sh.entries.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void CredentialCache::put(const std::string& digest, Entry entry) {
  auto& sh = shard(digest);
  std::lock_guard lock(sh.mutex);
  // A flood of distinct tokens: start this shard over rather than grow without bound.
  if (sh.entries.size() >= kMaxEntriesPerShard) sh.entries.clear();
  sh.entries[digest] = std::move(entry);
}

bool CredentialCache::due_for_touch(const std::string& digest, std::chrono::seconds every) {
  auto& sh = shard(digest);
  std::lock_guard lock(sh.mutex);
  auto it = sh.entries.find(digest);
  if (it == sh.entries.end()) return false;
  const auto now = Clock::now();
  if (now - it->second.touched < every) return false;
  it->second.touched = now;
  return true;
}

void CredentialCache::revoke(std::string_view credential) {
  if (credential.size() < 2 || credential[1] != ':') return;
  const auto id = credential.substr(2);
  for (auto& sh : shards_) {
    std::lock_guard lock(sh.mutex);
    for (auto it = sh.entries.begin(); it != sh.entries.end();) {
      const auto& p = it->second.principal;
      const bool drop =
          (credential[0] == 's' && p.method == domain::AuthMethod::Session &&
           p.credentialId == id) ||
          (credential[0] == 'k' && p.kind == PrincipalKind::ApiKey && p.credentialId == id) ||
          (credential[0] == 'u' && p.userId == id);
      it = drop ? sh.entries.erase(it) : std::next(it);
    }
  }
}

Authentication::Authentication(AuthenticationOptions options, domain::IdentityService& identity,
                               domain::HostTokenVerifier* hostTokens,
                               const auth::StreamTickets& tickets, http::BlockingPool& pool)
    : options_(std::move(options)),
      identity_(identity),
      hostTokens_(hostTokens),
      tickets_(tickets),
      pool_(pool) {}

http::asio::awaitable<std::optional<Principal>> Authentication::lookup(
    const std::string& digest, std::function<std::optional<Principal>()> load,
    const std::chrono::seconds& ttl, bool blocking) {
  if (auto hit = cache_.get(digest)) co_return hit->principal;
  std::optional<Principal> found;
  if (blocking)
    found = co_await http::offload(pool_, [&] { return load(); });
  else
    found = load();
  if (found) {
    // The last recorded use, on the steady clock: the next write of it is due a touch period
    // after it (a credential never recorded is due at once).
    const auto now = CredentialCache::Clock::now();
    auto touched = CredentialCache::Clock::time_point{};
    if (found->lastActive) {
      const auto age = std::chrono::system_clock::now() - *found->lastActive;
      touched = now - std::chrono::duration_cast<CredentialCache::Clock::duration>(age);
    }
    cache_.put(digest, {*found, now + std::min(ttl, options_.cacheTtl), touched});
  }
  co_return found;
}

http::asio::awaitable<Principal> Authentication::resolve(http::Request& req, bool& staleCookie,
                                                         bool& cookieAuth) {
  const auto authorization = req.header("Authorization");
  if (!authorization.empty()) {
    if (!authorization.starts_with("Bearer ") || authorization.size() <= 7)
      throw unauthenticated("Authorization must be 'Bearer <API key or token>'");
    const std::string token(authorization.substr(7));
    const auto digest = cache_key(token);
    if (token.starts_with("lso_")) {
      auto p = co_await lookup(
          digest, [&] { return identity_.api_key_principal(token); }, options_.cacheTtl);
      if (!p) throw unauthenticated("Unknown or revoked API key");
      if (cache_.due_for_touch(digest, options_.touchEvery)) touch(false, p->credentialId);
      co_return std::move(*p);
    }
    if (!hostTokens_)
      throw unauthenticated("Bearer tokens are not accepted here (no AUTH_JWT_* set)");
    std::chrono::seconds ttl = options_.cacheTtl;
    auto p = co_await lookup(
        digest,
        [&]() -> std::optional<Principal> {
          // Verification that may fetch the JWKS runs on the pool, never on the I/O thread.
          const auto claims = hostTokens_->verify(token);
          Principal out;
          out.kind = PrincipalKind::User;
          out.method = domain::AuthMethod::Jwt;
          out.userId = claims.subject;
          out.displayName = claims.displayName;
          out.admin = claims.admin;
          out.scopes =
              domain::kScopeRead | domain::kScopeWrite | (claims.admin ? domain::kScopeAdmin : 0);
          const auto left =
              claims.expiresAt - std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
          ttl = std::chrono::seconds(std::max<long long>(1, left));
          return out;
        },
        ttl, options_.hostTokensMayBlock);
    co_return std::move(*p);
  }
  if (auto ticket = ticket_of(req)) {
    auto p = tickets_.verify(*ticket, std::chrono::system_clock::now());
    if (!p) throw unauthenticated("The event-stream ticket is invalid or expired");
    co_return std::move(*p);
  }
  const auto cookieHeader = req.header("Cookie");
  if (auto cookie = auth::find_cookie(cookieHeader, kSessionCookie); cookie && !cookie->empty()) {
    const std::string token(*cookie);
    const auto digest = cache_key(token);
    auto p = co_await lookup(
        digest, [&] { return identity_.session_principal(token); }, options_.cacheTtl);
    if (!p) {
      // An expired or revoked session reads as signed out (public pages keep working); the
      // reply tells the browser to forget the cookie.
      staleCookie = true;
      co_return Principal{};
    }
    cookieAuth = true;
    if (cache_.due_for_touch(digest, options_.touchEvery)) touch(true, p->credentialId);
    co_return std::move(*p);
  }
  co_return Principal{};
}

void Authentication::touch(bool session, const std::string& id) {
  {
    std::lock_guard lock(touchMutex_);
    (session ? touchSessions_ : touchKeys_).push_back(id);
    if (touchFlushing_) return;  // the running flush takes it next
    touchFlushing_ = true;
  }
  pool_.post([this] { flush_touches(); });
}

void Authentication::flush_touches() {
  for (;;) {
    std::vector<std::string> sessions, keys;
    {
      std::lock_guard lock(touchMutex_);
      if (touchSessions_.empty() && touchKeys_.empty()) {
        touchFlushing_ = false;
        return;
      }
      sessions.swap(touchSessions_);
      keys.swap(touchKeys_);
    }
    try {
      identity_.touch(sessions, keys);
    } catch (const std::exception&) {  // best effort: last-use times and the idle clock
    }
  }
}

void Authentication::check_csrf(const http::Request& req) const {
  // Fetch metadata first: every current browser sends it, and it cannot be forged by a page.
  const auto site = req.header("Sec-Fetch-Site");
  if (!site.empty()) {
    if (site == "same-origin" || site == "none") return;
    if (site == "same-site" || site == "cross-site") {
      const auto origin = req.header("Origin");
      for (const auto& o : options_.trustedOrigins)
        if (o == origin) return;
      throw AppError(ErrorKind::Authorization,
                     "Cross-site request refused (CSRF protection): send it from this site");
    }
  }
  const auto origin = req.header("Origin");
  if (origin.empty()) return;  // not a browser: it cannot be tricked into sending our cookie
  const auto host = req.header("Host");
  if (origin == fmt::format("http://{}", host) || origin == fmt::format("https://{}", host)) return;
  for (const auto& o : options_.trustedOrigins)
    if (o == origin) return;
  throw AppError(ErrorKind::Authorization,
                 "Cross-site request refused (CSRF protection): send it from this site");
}

http::asio::awaitable<http::Reply> Authentication::handle(http::Request& req,
                                                          const http::Next& next) {
  // Static files, unknown routes, probes and the webhook receiver need nobody.
  if (!req.route || !req.route->authenticate) co_return co_await next(req);
  Principal principal;
  bool staleCookie = false, cookieAuth = false;
  if (options_.open) {
    principal = Principal::open();
  } else {
    principal = co_await resolve(req, staleCookie, cookieAuth);
    // Writes authenticated by the ambient cookie (or by nothing: sign-in forms) must come from
    // this site; Bearer credentials are never sent by a browser on its own.
    if (unsafe(req.raw.method()) && req.header("Authorization").empty()) check_csrf(req);
  }
  principal.ip = req.clientIp;
  req.principal = &principal;
  switch (principal.kind) {
    case PrincipalKind::Nobody:
    case PrincipalKind::Open: break;  // per client IP
    case PrincipalKind::ApiKey: req.rateKey = "k:" + principal.credentialId; break;
    default: req.rateKey = "u:" + principal.userId;
  }
  auto reply = co_await next(req);
  if (staleCookie && reply.response.find(http::bhttp::field::set_cookie) == reply.response.end())
    reply.response.set(
        http::bhttp::field::set_cookie,
        auth::set_cookie(kSessionCookie, "", {req.secure, "/", std::chrono::seconds(0)}));
  co_return reply;
}

}  // namespace lso::api
