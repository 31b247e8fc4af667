// The HTTP server's options from the settings: listener, limits, rate-limit policy of the auth
// mode, and the Content-Security-Policy's sources (this origin, LiveKit's, recordings').
#pragma once

#include <string>
#include <vector>

#include "config/settings.hpp"
#include "http/server.hpp"

namespace lso::app {

http::ServerOptions server_options(const config::Settings& settings);

// The Content-Security-Policy's connect sources for a LiveKit URL: its origin in both schemes
// (and LiveKit Cloud's regional hosts).
std::vector<std::string> livekit_sources(const std::string& url);

}  // namespace lso::app
