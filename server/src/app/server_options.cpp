// server_options; see server_options.hpp.
#include "app/server_options.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <thread>

#include "http/middleware.hpp"

namespace lso::app {

std::vector<std::string> livekit_sources(const std::string& url) {
  std::vector<std::string> out;
  auto u = boost::urls::parse_uri(url);
  if (!u) return out;
  const std::string host = std::string(u->encoded_authority());
  const bool tls = u->scheme() == "wss" || u->scheme() == "https";
  out.push_back((tls ? "wss://" : "ws://") + host);
  out.push_back((tls ? "https://" : "http://") + host);
  // LiveKit Cloud hands out regional hosts after the first connection.
  if (host.ends_with(".livekit.cloud")) {
    out.push_back("wss://*.livekit.cloud");
    out.push_back("https://*.livekit.cloud");
  }
  return out;
}

http::ServerOptions server_options(const config::Settings& settings) {
  http::ServerOptions options;
  options.host = settings.host;
  options.port = settings.port;
  options.ioThreads = settings.ioThreads > 0
                          ? settings.ioThreads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.bodyLimit = settings.bodyLimitBytes;
  options.corsOrigins = settings.corsOrigins;
  options.trustProxyHops = settings.trustProxyHops;
  auto& limits = options.rateLimits;
  limits.enabled = settings.rateLimitEnabled;
  limits.api = {settings.rateLimitApi.max, settings.rateLimitApi.window};
  limits.write = {settings.rateLimitWrite.max, settings.rateLimitWrite.window};
  limits.create = {settings.rateLimitCreate.max, settings.rateLimitCreate.window};
  if (!settings.open_mode()) {
    // Per principal; signed-out clients per IP under one rule; creates count when they succeed.
    limits.anonymous =
        http::RateRule{settings.rateLimitAnonymous.max, settings.rateLimitAnonymous.window};
    limits.createCountsSuccessOnly = true;
  }
  options.contentSecurityPolicy = http::SecurityHeaders::policy_for(
      livekit_sources(settings.livekitPublicUrl), settings.recordingMediaOrigins);
  options.accessLog = settings.accessLog;
  return options;
}

}  // namespace lso::app
