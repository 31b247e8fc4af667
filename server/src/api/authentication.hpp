// The authentication middleware: resolves every request once to a domain::Principal (API key,
// host-app JWT, SSE ticket, session cookie, or nobody; in open mode the open principal), checks
// cookie-authenticated writes against CSRF, and names the key rate limits count against.
// Handlers read the result with principal_of(); none of them reads a credential header.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/stream_ticket.hpp"
#include "domain/credentials.hpp"
#include "domain/identity_service.hpp"
#include "domain/principal.hpp"
#include "http/middleware.hpp"

namespace lso::api {

inline constexpr std::string_view kSessionCookie = "lso_session";

// The principal the middleware resolved for this request (nobody when it did not run).
const domain::Principal& principal_of(const http::Request& req);

struct AuthenticationOptions {
  bool open = false;  // AUTH_MODE=open: every request is the open principal
  // Origins besides the request's own from which cookie-authenticated writes are accepted
  // (the explicit entries of CORS_ORIGINS).
  std::vector<std::string> trustedOrigins;
  std::chrono::seconds cacheTtl{60};    // how long a resolved credential is trusted in memory
  std::chrono::seconds touchEvery{60};  // lastSeenAt / lastUsedAt written at most this often
  // Host-app token verification may block (it fetches the JWKS): then it runs on the pool; a
  // secret or PEM key verifies in microseconds, on the I/O thread.
  bool hostTokensMayBlock = false;
};

// Resolved credentials by credential, so that a signed-in request costs a hash-map lookup. Entries
// expire after the TTL (and JWTs at their `exp`); revocations drop them at once.
class CredentialCache {
 public:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    domain::Principal principal;
    Clock::time_point expires;
    Clock::time_point touched;
  };
  std::optional<Entry> get(const std::string& digest);
  void put(const std::string& digest, Entry entry);
  // True when the credential's last-seen time is due to be written (and marks it written).
  bool due_for_touch(const std::string& digest, std::chrono::seconds every);
  // "s:<digest>", "k:<key id>", "u:<user id>" (see domain::RevocationSink).
  void revoke(std::string_view credential);

 private:
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kMaxEntriesPerShard = 8192;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };
  Shard& shard(const std::string& digest) {
    return shards_[std::hash<std::string>{}(digest) % kShards];
  }
  Shard shards_[kShards];
};

class Authentication final : public http::Middleware {
 public:
  Authentication(AuthenticationOptions options, domain::IdentityService& identity,
                 domain::HostTokenVerifier* hostTokens, const auth::StreamTickets& tickets,
                 http::BlockingPool& pool);

  http::asio::awaitable<http::Reply> handle(http::Request& req, const http::Next& next) override;
  CredentialCache& cache() { return cache_; }

 private:
  // Throws AppError(Authentication) for a credential that is present but not valid.
  http::asio::awaitable<domain::Principal> resolve(http::Request& req, bool& staleCookie,
                                                   bool& cookieAuth);
  // The cached principal of `digest`, or `load` run (on the pool when `blocking`) and cached for
  // `ttl` (read after `load` ran: a JWT's remaining life), at most the cache TTL.
  http::asio::awaitable<std::optional<domain::Principal>> lookup(
      const std::string& digest, std::function<std::optional<domain::Principal>()> load,
      const std::chrono::seconds& ttl, bool blocking = true);
  void check_csrf(const http::Request& req) const;
  std::string cache_key(const std::string& credential) const;
  // Queues a last-use write; one transaction at a time writes all that queued meanwhile.
  void touch(bool session, const std::string& id);
  void flush_touches();

  AuthenticationOptions options_;
  domain::IdentityService& identity_;
  domain::HostTokenVerifier* hostTokens_;
  const auth::StreamTickets& tickets_;
  http::BlockingPool& pool_;
  CredentialCache cache_;
  std::mutex touchMutex_;
  std::vector<std::string> touchSessions_, touchKeys_;
  bool touchFlushing_ = false;
};

}  // namespace lso::api
