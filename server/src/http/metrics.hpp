// Request metrics (Prometheus text format): counts by route, method and status, and
// a latency histogram per route. Recorded per I/O thread without locks on the hot path; merged
// when scraped.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "http/server.hpp"
#include "util/metrics_registry.hpp"

namespace lso::http {

class HttpMetrics {
 public:
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  void observe(const RequestRecord& r);
  // The request metrics join `registry` (read when scraped); this outlives the registry's use.
  void register_metrics(util::MetricsRegistry& registry) const;

 private:
  struct Shard {
    std::mutex mutex;  // uncontended: one writer thread; taken by the scraper too
    // Route names and methods are views of strings that live as long as the server (route
    // patterns, literals): no allocation per request.
    std::map<std::tuple<std::string_view, std::string_view, unsigned>, std::uint64_t> counts;
    struct Histogram {
      std::array<std::uint64_t, kBuckets.size()> buckets{};
      std::uint64_t count = 0;
      double sum = 0;
    };
    std::map<std::string_view, Histogram> latency;
  };
  Shard& local();
  void collect(util::MetricsWriter& w) const;
  mutable std::mutex shardsMutex_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace lso::http
