// The LiveKit call counters in /metrics: one label set over every channel, as before the registry.
#include <gtest/gtest.h>

#include "livekit/twirp_client.hpp"

namespace lso::livekit {
namespace {

TEST(TwirpMetrics, CountsCallsErrorsAndSecondsPerMethodOverEveryChannel) {
  TwirpCallStats rooms[2];
  rooms[0].method = "CreateRoom";
  rooms[0].calls = 3;
  rooms[0].errors = 1;
  rooms[0].totalMicros = 1'500'000;
  rooms[1].method = "ListRooms";
  TwirpCallStats egress[1];
  egress[0].method = "StartRoomCompositeEgress";
  egress[0].calls = 2;
  egress[0].totalMicros = 250'000;
  util::MetricsRegistry registry;
  register_metrics(
      registry, {std::span<const TwirpCallStats>(rooms), std::span<const TwirpCallStats>(egress)});
  EXPECT_EQ(registry.render(),
            "# HELP lso_livekit_requests_total LiveKit server API calls by method\n"
            "# TYPE lso_livekit_requests_total counter\n"
            "lso_livekit_requests_total{method=\"CreateRoom\"} 3\n"
            "lso_livekit_requests_total{method=\"ListRooms\"} 0\n"
            "lso_livekit_requests_total{method=\"StartRoomCompositeEgress\"} 2\n"
            "# HELP lso_livekit_errors_total failed LiveKit server API calls by method\n"
            "# TYPE lso_livekit_errors_total counter\n"
            "lso_livekit_errors_total{method=\"CreateRoom\"} 1\n"
            "lso_livekit_errors_total{method=\"ListRooms\"} 0\n"
            "lso_livekit_errors_total{method=\"StartRoomCompositeEgress\"} 0\n"
            "# HELP lso_livekit_request_seconds_total time spent in LiveKit calls by method\n"
            "# TYPE lso_livekit_request_seconds_total counter\n"
            "lso_livekit_request_seconds_total{method=\"CreateRoom\"} 1.5\n"
            "lso_livekit_request_seconds_total{method=\"ListRooms\"} 0\n"
            "lso_livekit_request_seconds_total{method=\"StartRoomCompositeEgress\"} 0.25\n");
}

}  // namespace
}  // namespace lso::livekit
