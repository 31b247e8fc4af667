// Verification of host-app tokens: JWTs a customer's backend signs for its users, sent as
// `Authorization: Bearer <JWT>`. HS256 with a shared secret, or RS256 / ES256 / EdDSA with a PEM
// public key or keys from a JWKS URL (cached, refetched on an unknown `kid`, at most once per
// `jwksMinRefetch`). Only the configured algorithms are accepted: never `none`, and the key
// decides the family, so an HS256 token "signed" with an RSA public key is refused.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/credentials.hpp"

namespace lso::auth {

struct HostJwtOptions {
  std::string hmacSecret;    // AUTH_JWT_SECRET: enables HS256
  std::string publicKeyPem;  // AUTH_JWT_PUBLIC_KEY: an RSA, EC P-256 or Ed25519 public key
  std::string jwksUrl;       // AUTH_JWKS_URL
  // The allow-list (AUTH_JWT_ALGORITHMS); empty: what the configured keys can verify.
  std::vector<std::string> algorithms;
  std::string issuer;    // required `iss` when set
  std::string audience;  // required in `aud` (string or array) when set
  std::chrono::seconds leeway{30};
  // The claim that marks admins: "admin" means `"admin": true`; "role=admin" means the claim
  // `role` equals "admin" or is an array containing it.
  std::string adminClaim = "admin";
  std::size_t maxTokenBytes = 8192;
  std::chrono::seconds jwksMaxAge{3600};
  std::chrono::seconds jwksMinRefetch{30};
};

class HostJwtVerifier final : public domain::HostTokenVerifier {
 public:
  // Fetches the JWKS document (GET jwksUrl); throws on failure. Injected so tests need no server.
  // Called on whichever thread verifies, at most once per jwksMinRefetch.
  using JwksFetch = std::function<std::string()>;
  using Now = std::function<std::chrono::system_clock::time_point()>;
  // Throws std::invalid_argument for an unusable configuration (bad PEM, an RSA key under 2048 or
  // over 8192 bits, an HMAC secret under 32 bytes, unknown algorithm, an algorithm no configured
  // key can verify, no key at all, a jwksUrl without `fetch`). `now` defaults to the system clock;
  // it also times the JWKS cache. The JWKS is fetched lazily, by the first verify that needs it.
  HostJwtVerifier(HostJwtOptions options, JwksFetch fetch, Now now);
  ~HostJwtVerifier() override;
  HostJwtVerifier(const HostJwtVerifier&) = delete;
  HostJwtVerifier& operator=(const HostJwtVerifier&) = delete;

  // Thread-safe. A JWKS refetch runs on the calling thread (outside the lock), so with a JWKS URL
  // a call may block for the fetch's timeout: call it off the I/O threads.
  domain::HostTokenClaims verify(std::string_view token) override;

 private:
  struct Keys;
  struct Config;
  // The JWKS keys to use for a token naming `kid`, refetched when due (see the .cpp).
  std::shared_ptr<const Keys> jwks(std::optional<std::string_view> kid);
  // Throws on anything that is not a JWKS document; unusable keys inside one are skipped.
  static std::shared_ptr<const Keys> parse_jwks(std::string_view text);

  HostJwtOptions options_;
  JwksFetch fetch_;
  Now now_;
  std::unique_ptr<const Config> config_;  // allow-list, PEM key, admin claim: fixed at construction
  std::mutex mutex_;                      // guards the members below
  std::shared_ptr<const Keys> jwks_;      // the last JWKS fetched; null before the first success
  std::chrono::system_clock::time_point fetchedAt_{};
  std::optional<std::chrono::system_clock::time_point> lastFetchAttempt_;
};

// A JwksFetch doing `GET url` with livekit::HttpClient (keep-alive, TLS verified against the system
// CA store, `timeout` per connect and per exchange); throws unless the answer is 200. The URL's
// query string, if any, is not sent. Throws std::invalid_argument for a URL that is not http(s).
HostJwtVerifier::JwksFetch http_jwks_fetch(std::string_view url, std::chrono::milliseconds timeout);

}  // namespace lso::auth
