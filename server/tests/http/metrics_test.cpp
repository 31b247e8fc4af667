// HttpMetrics through the metrics registry: the exact text /metrics served before the registry.
#include "http/metrics.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

namespace lso::http {
namespace {

TEST(HttpMetrics, RendersRequestCountsAndLatencyHistogramsPerRoute) {
  HttpMetrics metrics;
  util::MetricsRegistry registry;
  metrics.register_metrics(registry);
  metrics.observe({"GET", "/api/v1/livestreams/:id", 200, std::chrono::microseconds(500)});
  // Another thread records into its own shard; a scrape merges them.
  std::thread([&] {
    metrics.observe({"GET", "/api/v1/livestreams/:id", 200, std::chrono::microseconds(2500)});
    metrics.observe({"POST", "/a\"b", 404, std::chrono::microseconds(3'000'000)});
  }).join();

  std::string expected =
      "# HELP lso_http_requests_total HTTP requests by route pattern, method and status\n"
      "# TYPE lso_http_requests_total counter\n"
      "lso_http_requests_total{route=\"/a\\\"b\",method=\"POST\",status=\"404\"} 1\n"
      "lso_http_requests_total{route=\"/api/v1/livestreams/:id\",method=\"GET\",status=\"200\"} "
      "2\n"
      "# HELP lso_http_request_duration_seconds HTTP request latency by route pattern\n"
      "# TYPE lso_http_request_duration_seconds histogram\n";
  const char* les[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
                       "0.05",   "0.1",   "0.25",   "0.5",   "1",    "2.5"};
  for (const char* le : les)
    expected += fmt::format(
        "lso_http_request_duration_seconds_bucket{{route=\"/a\\\"b\",le=\"{}\"}} 0\n", le);
  expected +=
      "lso_http_request_duration_seconds_bucket{route=\"/a\\\"b\",le=\"+Inf\"} 1\n"
      "lso_http_request_duration_seconds_sum{route=\"/a\\\"b\"} 3\n"
      "lso_http_request_duration_seconds_count{route=\"/a\\\"b\"} 1\n";
  const int counts[] = {1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
  for (std::size_t i = 0; i < std::size(les); ++i)
    expected += fmt::format(
        "lso_http_request_duration_seconds_bucket{{route=\"/api/v1/livestreams/:id\",le=\"{}\"}} "
        "{}\n",
        les[i], counts[i]);
  expected += fmt::format(
      "lso_http_request_duration_seconds_bucket{{route=\"/api/v1/livestreams/:id\",le=\"+Inf\"}} "
      "2\n"
      "lso_http_request_duration_seconds_sum{{route=\"/api/v1/livestreams/:id\"}} {}\n"
      "lso_http_request_duration_seconds_count{{route=\"/api/v1/livestreams/:id\"}} 2\n",
      0.0 + 500 / 1e6 + 2500 / 1e6);
  EXPECT_EQ(registry.render(), expected);
}

}  // namespace
}  // namespace lso::http
