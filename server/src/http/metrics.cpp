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

std::string prometheus_escape(std::string_view label) {
  std::string out;
  for (char c : label) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void prometheus_metric(std::string& out, std::string_view name, std::string_view type,
                       std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void HttpMetrics::render(std::string& out) const {
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
  prometheus_metric(out, "lso_http_requests_total", "counter",
                    "HTTP requests by route pattern, method and status");
  for (const auto& [k, v] : counts)
    out += fmt::format("lso_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       prometheus_escape(std::get<0>(k)), std::get<1>(k), std::get<2>(k), v);
  prometheus_metric(out, "lso_http_request_duration_seconds", "histogram",
                    "HTTP request latency by route pattern");
  for (const auto& [route, h] : latency) {
    const auto r = prometheus_escape(route);
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += fmt::format("lso_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                         r, kBuckets[i], h.buckets[i]);
    out += fmt::format("lso_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                       r, h.count);
    out += fmt::format("lso_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r, h.sum);
    out += fmt::format("lso_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r, h.count);
  }
}

}  // namespace lso::http
