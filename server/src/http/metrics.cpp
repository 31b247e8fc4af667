// HttpMetrics: per-thread shards, merged into sorted text at scrape time.
#include "http/metrics.hpp"

#include <fmt/format.h>

namespace lso::http {

HttpMetrics::Shard& HttpMetrics::local() {
  thread_local std::map<const HttpMetrics*, Shard*> mine;
  auto it = mine.find(this);
  if (it != mine.end()) return *it->second;
  std::lock_guard lock(shardsMutex_);
  shards_.push_back(std::make_unique<Shard>());
  mine[this] = shards_.back().get();
  return *shards_.back();
}

void HttpMetrics::observe(const RequestRecord& r) {
  auto& s = local();
  const double seconds = static_cast<double>(r.duration.count()) / 1e6;
  std::lock_guard lock(s.mutex);
  ++s.counts[{r.route, r.method, r.status}];
  auto& h = s.latency[r.route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void HttpMetrics::collect(util::MetricsWriter& w) const {
  std::map<std::tuple<std::string_view, std::string_view, unsigned>, std::uint64_t> counts;
  std::map<std::string_view, Shard::Histogram> latency;
  {
    std::lock_guard lock(shardsMutex_);
    for (const auto& s : shards_) {
      std::lock_guard l(s->mutex);
      for (const auto& [k, v] : s->counts) counts[k] += v;
      for (const auto& [route, h] : s->latency) {
        auto& m = latency[route];
        for (std::size_t i = 0; i < kBuckets.size(); ++i) m.buckets[i] += h.buckets[i];
        m.count += h.count;
        m.sum += h.sum;
      }
    }
  }
  using util::MetricType;
  w.family("lso_http_requests_total", MetricType::Counter,
           "HTTP requests by route pattern, method and status");
  for (const auto& [k, v] : counts) {
    const auto status = std::to_string(std::get<2>(k));
    w.sample(v, {{"route", std::get<0>(k)}, {"method", std::get<1>(k)}, {"status", status}});
  }
  w.family("lso_http_request_duration_seconds", MetricType::Histogram,
           "HTTP request latency by route pattern");
  for (const auto& [route, h] : latency) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      w.sample("_bucket", h.buckets[i], {{"route", route}, {"le", fmt::format("{}", kBuckets[i])}});
    w.sample("_bucket", h.count, {{"route", route}, {"le", "+Inf"}});
    w.sample("_sum", h.sum, {{"route", route}});
    w.sample("_count", h.count, {{"route", route}});
  }
}

void HttpMetrics::register_metrics(util::MetricsRegistry& registry) const {
  registry.add([this](util::MetricsWriter& w) { collect(w); });
}

}  // namespace lso::http
