// MetricsRegistry: ordered collectors rendered into the Prometheus text format.
#include "util/metrics_registry.hpp"

#include <fmt/format.h>

namespace lso::util {

namespace {

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
  }
  return "untyped";
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const MetricValue& value, MetricLabels labels) {
  out += name;
  out += suffix;
  if (labels.size() > 0) {
    out += '{';
    bool first = true;
    for (const auto& [key, label] : labels) {
      if (!first) out += ',';
      first = false;
      out += fmt::format("{}=\"{}\"", key, prometheus_escape(label));
    }
    out += '}';
  }
  std::visit([&out](auto v) { out += fmt::format(" {}\n", v); }, value);
}

}  // namespace

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

void MetricsWriter::family(std::string_view name, MetricType type, std::string_view help) {
  name_ = name;
  out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type_name(type));
}

void MetricsWriter::sample(MetricValue value, MetricLabels labels) {
  append_sample(out_, name_, {}, value, labels);
}

void MetricsWriter::sample(std::string_view suffix, MetricValue value, MetricLabels labels) {
  append_sample(out_, name_, suffix, value, labels);
}

void MetricsRegistry::add(Collector collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

Counter& MetricsRegistry::counter(std::string name, std::string help) {
  std::lock_guard lock(mutex_);
  auto& c = counters_.emplace_back();
  collectors_.push_back([&c, name = std::move(name), help = std::move(help)](MetricsWriter& w) {
    w.family(name, MetricType::Counter, help);
    w.sample(c.value());
  });
  return c;
}

Gauge& MetricsRegistry::gauge(std::string name, std::string help) {
  std::lock_guard lock(mutex_);
  auto& g = gauges_.emplace_back();
  collectors_.push_back([&g, name = std::move(name), help = std::move(help)](MetricsWriter& w) {
    w.family(name, MetricType::Gauge, help);
    w.sample(g.value());
  });
  return g;
}

Histogram& MetricsRegistry::histogram(std::string name, std::string help,
                                      std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  auto& h = histograms_.emplace_back(std::move(bounds));
  collectors_.push_back([&h, name = std::move(name), help = std::move(help)](MetricsWriter& w) {
    w.family(name, MetricType::Histogram, help);
    h.write(w);
  });
  return h;
}

void Histogram::observe(double value) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < bounds_.size(); ++i)
    if (value <= bounds_[i]) {
      ++counts_[i];
      break;
    }
  ++count_;
  sum_ += value;
}

void Histogram::write(MetricsWriter& w) const {
  std::lock_guard lock(mutex_);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    w.sample("_bucket", cumulative, {{"le", fmt::format("{}", bounds_[i])}});
  }
  w.sample("_bucket", count_, {{"le", "+Inf"}});
  w.sample("_sum", sum_, {});
  w.sample("_count", count_, {});
}

std::string MetricsRegistry::render() const {
  std::string out;
  MetricsWriter writer(out);
  std::lock_guard lock(mutex_);
  for (const auto& collect : collectors_) {
    try {
      collect(writer);
    } catch (const std::exception&) {
      // A source that cannot answer now (the queue's server down) leaves its samples out.
    }
  }
  return out;
}

}  // namespace lso::util
