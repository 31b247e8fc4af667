// The metrics of one process in Prometheus text format: each component registers its own
// families (typed counters and gauges it owns here, or values it already keeps, read when
// scraped); /metrics renders them in registration order. No global counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace lso::util {

enum class MetricType { Counter, Gauge, Histogram };

// A sample's value: integers print as integers, doubles in their shortest form.
using MetricValue = std::variant<std::int64_t, std::uint64_t, double>;
using MetricLabels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// What a collector writes into: family headers (HELP/TYPE) and samples.
class MetricsWriter {
 public:
  explicit MetricsWriter(std::string& out) : out_(out) {}
  // Starts a family: its HELP and TYPE lines; the samples that follow carry its name.
  void family(std::string_view name, MetricType type, std::string_view help);
  void sample(MetricValue value, MetricLabels labels = {});
  // A sample whose name extends the family's (a histogram's _bucket, _sum, _count).
  void sample(std::string_view suffix, MetricValue value, MetricLabels labels);
  // Text already in the exposition format (a component rendering its own families).
  std::string& raw() { return out_; }

 private:
  std::string& out_;
  std::string name_;
};

// A monotonically increasing count owned by the registry, incremented by its component.
class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down, set by its component.
class Gauge {
 public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Observations counted in cumulative buckets (upper bounds, ascending), with their sum.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(bounds_.size(), 0) {}
  void observe(double value);
  // Appends the _bucket, _sum and _count samples of the current family.
  void write(MetricsWriter& w) const;

 private:
  mutable std::mutex mutex_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

class MetricsRegistry {
 public:
  using Collector = std::function<void(MetricsWriter&)>;
  // A collector reads values its component keeps, at scrape time. An exception ends that
  // collector's output (what it wrote stays), never the scrape.
  void add(Collector collector);
  // A family of one counter or gauge the registry owns (lives as long as the registry).
  Counter& counter(std::string name, std::string help);
  Gauge& gauge(std::string name, std::string help);
  Histogram& histogram(std::string name, std::string help, std::vector<double> bounds);
  // Every family, in registration order.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Collector> collectors_;
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
  std::deque<Histogram> histograms_;
};

// Prometheus text helpers.
std::string prometheus_escape(std::string_view label);

}  // namespace lso::util
