// Webhook signature checks. Every failure is an AuthenticationError (401, final for LiveKit); the
// messages say which check failed but never echo secrets or expected hashes.
#include "livekit/webhook_verifier.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <boost/json/object.hpp>
#include <optional>

#include "domain/errors.hpp"
#include "livekit/base64.hpp"
#include "livekit/jwt.hpp"

namespace lso::livekit {
namespace {

[[noreturn]] void reject(const std::string& why) {
  throw domain::AppError(domain::ErrorKind::Authentication, "invalid webhook signature: " + why);
}

// A NumericDate claim (RFC 7519 §2): a JSON number of seconds, possibly fractional.
std::optional<double> numeric_date(const boost::json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->is_int64()) {
    return static_cast<double>(v->get_int64());
  }
  if (v->is_uint64()) {
    return static_cast<double>(v->get_uint64());
  }
  if (v->is_double()) {
    return v->get_double();
  }
  reject(std::string(name) + " claim is not a number");
}

}  // namespace

WebhookVerifier::WebhookVerifier(std::string apiKey, std::string apiSecret,
                                 const domain::TimeSource& time, std::chrono::seconds leeway)
    : apiKey_(std::move(apiKey)), apiSecret_(std::move(apiSecret)), time_(time), leeway_(leeway) {}

void WebhookVerifier::verify(std::string_view authorizationHeader, std::string_view rawBody) const {
  std::string_view token = authorizationHeader;
  if (token.size() >= 7 && (token.substr(0, 7) == "Bearer " || token.substr(0, 7) == "bearer ")) {
    token.remove_prefix(7);
  }
  while (!token.empty() && token.front() == ' ') {
    token.remove_prefix(1);
  }
  while (!token.empty() && token.back() == ' ') {
    token.remove_suffix(1);
  }
  if (token.empty()) {
    reject("missing Authorization header");
  }

  boost::json::object claims;
  try {
    claims = jwt::verify(token, apiSecret_);
  } catch (const jwt::Error& e) {
    reject(e.what());
  }

  const auto* iss = claims.if_contains("iss");
  if (iss == nullptr || !iss->is_string() || iss->get_string() != apiKey_) {
    reject("issuer is not our API key");
  }

  const double now = std::chrono::duration<double>(time_.now().time_since_epoch()).count();
  const auto leeway = static_cast<double>(leeway_.count());
  const std::optional<double> exp = numeric_date(claims, "exp");
  if (!exp) {
    reject("token has no exp claim");
  }
  if (now > *exp + leeway) {
    reject("token expired");
  }
  if (const std::optional<double> nbf = numeric_date(claims, "nbf"); nbf && now + leeway < *nbf) {
    reject("token not valid yet");
  }

  const auto* sha = claims.if_contains("sha256");
  if (sha == nullptr || !sha->is_string()) {
    reject("token has no sha256 claim");
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(rawBody.data()), rawBody.size(), digest);
  const std::string actual = encode_base64({reinterpret_cast<const char*>(digest), sizeof digest});
  const boost::json::string& claimed = sha->get_string();
  if (claimed.size() != actual.size() ||
      CRYPTO_memcmp(claimed.data(), actual.data(), actual.size()) != 0) {
    reject("body does not match the sha256 claim");
  }
}

}  // namespace lso::livekit
