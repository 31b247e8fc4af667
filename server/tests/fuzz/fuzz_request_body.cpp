// Fuzzes everything that reads client- or LiveKit-supplied bytes before the domain sees them:
// request bodies of every endpoint (JSON parsing, typed field extraction, validation), query
// strings, room-name sanitising and webhook event parsing. The only acceptable failure is an
// AppError or an HttpError (a 4xx); anything else — another exception, a crash, UB — is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/json_io.hpp"
#include "domain/errors.hpp"
#include "domain/validation.hpp"
#include "http/router.hpp"
#include "livekit/webhook_event.hpp"

namespace {

template <class F>
void expect_only_app_errors(F&& f) {
  try {
    f();
  } catch (const lso::domain::AppError&) {
  } catch (const lso::http::HttpError&) {  // the transport's own 4xx (415)
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lso;
  const std::string text(reinterpret_cast<const char*>(data), size);

  lso::http::RawRequest raw;
  raw.set(http::bhttp::field::content_type, "application/json");
  raw.body() = text;
  http::Request req{raw,
                    "/api/v1/livestreams",
                    std::string_view(text).substr(0, 256),
                    "127.0.0.1",
                    "fuzz",
                    {},
                    nullptr,
                    false,
                    nullptr,
                    {}};

  expect_only_app_errors([&] {
    auto body = api::parse_body(req);
    for (const char* f :
         {"roomName", "title", "createdBy", "userId", "displayName", "role", "requestingUserId"}) {
      expect_only_app_errors([&] {
        auto s = api::required_string(body, f);
        domain::require_text(f, s, 128);
        (void)domain::sanitize_room_name(s);
      });
    }
    expect_only_app_errors([&] { (void)api::optional_string(body, "description"); });
    expect_only_app_errors([&] { (void)api::optional_integer(body, "maxParticipants", 100); });
    expect_only_app_errors([&] { (void)api::optional_object(body, "metadata"); });
  });
  expect_only_app_errors([&] { (void)api::query_integer(req, "limit", 20, 1, 100); });
  (void)req.query_param("status");
  (void)http::percent_decode(text, true);
  (void)domain::sanitize_room_name(text);
  expect_only_app_errors([&] { (void)livekit::parse_webhook_event(text); });
  return 0;
}
