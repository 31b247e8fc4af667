// Fuzzes the router's path matching with the application's route patterns: any path and method
// gives a match, a 405 (path exists) or a 404, parameters are views into what was decoded, and
// nothing throws. Percent-decoding of paths and query strings rides along.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/router.hpp"

namespace {

const lso::http::Router& router() {
  static const lso::http::Router r = [] {
    using lso::http::bhttp::verb;
    lso::http::Router out;
    const auto none = [](lso::http::Request&) -> lso::http::asio::awaitable<lso::http::Reply> {
      co_return lso::http::Reply{};
    };
    const std::pair<verb, const char*> routes[] = {
        {verb::get, "/health"},
        {verb::get, "/metrics"},
        {verb::get, "/api/v1/livestreams"},
        {verb::post, "/api/v1/livestreams"},
        {verb::get, "/api/v1/livestreams/:id"},
        {verb::delete_, "/api/v1/livestreams/:id"},
        {verb::post, "/api/v1/livestreams/:id/join"},
        {verb::post, "/api/v1/livestreams/:id/leave"},
        {verb::get, "/api/v1/livestreams/:id/state"},
        {verb::get, "/api/v1/livestreams/:id/events"},
        {verb::get, "/api/v1/livestreams/:id/participants"},
        {verb::get, "/api/v1/livestreams/:id/analytics"},
        {verb::post, "/api/v1/livestreams/:id/invites/:userId"},
        {verb::get, "/api/v1/admin/webhooks/dead/:id"},
        {verb::post, "/api/v1/webhooks/livekit"},
    };
    for (const auto& [method, pattern] : routes) out.add(method, pattern, none);
    return out;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using lso::http::bhttp::verb;
  constexpr verb methods[] = {verb::get,   verb::post,    verb::delete_, verb::put,
                              verb::patch, verb::options, verb::head};
  const verb method = methods[data[0] % std::size(methods)];
  const std::string_view path(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::pair<std::string_view, std::string>> params;
  const auto m = router().match(method, path, params);
  if (m.route) {
    // Every parameter the route names was filled.
    std::size_t names = 0;
    for (const auto& s : m.route->segments) names += !s.empty() && s.front() == ':';
    if (params.size() != names) __builtin_trap();
  } else if (!params.empty() && !m.pathExists) {
    __builtin_trap();  // parameters of a path that matched nothing
  }
  (void)lso::http::percent_decode(path, false);
  (void)lso::http::percent_decode(path, true);
  return 0;
}
