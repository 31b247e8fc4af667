// Authenticity of LiveKit webhook deliveries (checked before anything else reads them): the
// Authorization header is an HS256 JWT from our API key whose `sha256` claim pins the exact body
// bytes.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace lso::livekit {

class WebhookVerifier {
 public:
  // LiveKit's own verifier allows one minute of clock skew; its signing tokens live 5 minutes.
  static constexpr std::chrono::seconds kDefaultLeeway{60};

  // `time` must outlive the verifier.
  WebhookVerifier(std::string apiKey, std::string apiSecret, const domain::TimeSource& time,
                  std::chrono::seconds leeway = kDefaultLeeway);

  // Accepts `authorizationHeader` with or without a "Bearer " prefix. Checks, in order: the
  // signature, iss == API key, exp (required) and nbf against now ± leeway, then the body hash
  // in constant time. `rawBody` must be the bytes as received: it is hashed, never parsed.
  // Throws domain::AppError(ErrorKind::Authentication) naming the first check that failed.
  void verify(std::string_view authorizationHeader, std::string_view rawBody) const;

 private:
  std::string apiKey_;
  std::string apiSecret_;
  const domain::TimeSource& time_;
  std::chrono::seconds leeway_;
};

}  // namespace lso::livekit
