// Fuzzes the LiveKit token parser: a webhook's Authorization header (with or without "Bearer ")
// through the verifier, and the JWT reader itself, with a valid signature wrapped around fuzzed
// claims so that the claim checks are reached too. The only acceptable failure is an AppError
// (401); anything else is a finding: this runs before anything else looks at a webhook.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/errors.hpp"
#include "livekit/jwt.hpp"
#include "livekit/webhook_verifier.hpp"

namespace {

struct FixedTime final : lso::domain::TimeSource {
  lso::domain::TimePoint now() const override {
    return lso::domain::TimePoint(std::chrono::seconds(1'700'000'000));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lso;
  static const FixedTime time;
  static const livekit::WebhookVerifier verifier("devkey", "secret", time);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto split = text.find('\n');
  const auto header = text.substr(0, split);
  const auto body = split == std::string_view::npos ? std::string_view{} : text.substr(split + 1);
  try {
    verifier.verify(header, body);
  } catch (const domain::AppError&) {
  }
  try {
    (void)livekit::jwt::verify(header, "secret");
  } catch (const livekit::jwt::Error&) {
  }
  // The same bytes as the claims of a correctly signed token, when they are a JSON object.
  boost::system::error_code ec;
  auto claims = boost::json::parse(header, ec);
  if (!ec && claims.is_object()) {
    try {
      verifier.verify(livekit::jwt::sign(claims.as_object(), "secret"), body);
    } catch (const domain::AppError&) {
    }
  }
  return 0;
}
