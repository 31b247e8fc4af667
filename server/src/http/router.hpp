// Method + path routing with `:name` parameters. A path that exists under another method is a
// 405 (with Allow), a path that does not exist a 404; both are decided here, answered by the
// server.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.hpp"

namespace lso::http {

// Which rate limits a route counts against (each its own budget per caller); a bit set.
enum RateClass : std::uint8_t {
  kNoLimit = 0,
  kApiLimit = 1,     // every API call
  kWriteLimit = 2,   // DELETE, join, leave
  kCreateLimit = 4,  // creations (the costliest writes)
};

// What a route says about itself to the middleware chain.
struct RouteOptions {
  std::uint8_t rateClasses = kNoLimit;
  bool quiet = false;  // probes and scrapes: logged at debug level, not info
  // Whether the application's authentication resolves the caller (false: probes, scrapes,
  // documents, and the webhook receiver, which checks LiveKit's own signature in Authorization).
  bool authenticate = true;
};

struct Route {
  bhttp::verb method;
  std::string pattern;  // "/things/:id", also the route's name in logs and metrics
  Handler handler;
  std::uint8_t rateClasses = kNoLimit;
  bool quiet = false;
  bool authenticate = true;
  std::vector<std::string> segments;
};

class Router {
 public:
  void add(bhttp::verb method, std::string pattern, Handler handler,
           std::uint8_t rateClasses = kNoLimit);
  void add(bhttp::verb method, std::string pattern, Handler handler, RouteOptions options);

  struct Match {
    const Route* route = nullptr;  // set when found
    bool pathExists = false;       // the path matched under some other method (→ 405)
    std::string allow;             // "GET, DELETE" for the 405 answer
  };
  // Fills `params` with the matched route's parameters.
  Match match(bhttp::verb method, std::string_view path,
              std::vector<std::pair<std::string_view, std::string>>& params) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Percent-decoding; nullopt on a malformed escape. `plus_is_space` for query strings.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace lso::http
