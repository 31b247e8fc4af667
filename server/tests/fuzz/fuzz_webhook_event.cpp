// Fuzzes what the webhook receiver reads from a signed LiveKit delivery before anything is queued:
// the JSON text and the event's shape (room, participant, track, ingress, egress, numbers as
// strings or numbers). The only acceptable failure is an AppError (400); anything else — another
// exception, a crash, UB — is a finding, because a body that passes here is queued and applied.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json_io.hpp"
#include "domain/errors.hpp"
#include "livekit/webhook_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)lso::livekit::read_webhook_event(lso::api::parse_json_text(text, "Webhook body"));
  } catch (const lso::domain::AppError&) {
  }
  try {
    (void)lso::livekit::parse_webhook_event(text);
  } catch (const lso::domain::AppError&) {
  }
  return 0;
}
