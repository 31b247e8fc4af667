// MetricsRegistry: the Prometheus text of registered families, in registration order.
#include "util/metrics_registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace lso::util {
namespace {

TEST(MetricsRegistry, RendersFamiliesInRegistrationOrderWithHelpAndType) {
  MetricsRegistry registry;
  registry.add([](MetricsWriter& w) {
    w.family("lso_b", MetricType::Gauge, "second letter");
    w.sample(std::int64_t{3});
  });
  registry.add([](MetricsWriter& w) {
    w.family("lso_a_total", MetricType::Counter, "first letter");
    w.sample(std::uint64_t{7}, {{"state", "waiting"}, {"cause", "queue"}});
  });
  EXPECT_EQ(registry.render(),
            "# HELP lso_b second letter\n# TYPE lso_b gauge\nlso_b 3\n"
            "# HELP lso_a_total first letter\n# TYPE lso_a_total counter\n"
            "lso_a_total{state=\"waiting\",cause=\"queue\"} 7\n");
}

TEST(MetricsRegistry, FormatsIntegersAsIntegersAndDoublesShortest) {
  MetricsRegistry registry;
  registry.add([](MetricsWriter& w) {
    w.family("lso_h", MetricType::Histogram, "latency");
    w.sample("_bucket", std::uint64_t{2}, {{"le", "0.0005"}});
    w.sample("_sum", 0.25, {});
    w.sample("_count", std::uint64_t{2}, {});
    w.sample(1.5);
  });
  EXPECT_EQ(registry.render(),
            "# HELP lso_h latency\n# TYPE lso_h histogram\nlso_h_bucket{le=\"0.0005\"} 2\n"
            "lso_h_sum 0.25\nlso_h_count 2\nlso_h 1.5\n");
}

TEST(MetricsRegistry, EscapesLabelValues) {
  MetricsRegistry registry;
  registry.add([](MetricsWriter& w) {
    w.family("lso_x", MetricType::Counter, "x");
    w.sample(std::int64_t{1}, {{"route", "a\"b\\c\nd"}});
  });
  EXPECT_EQ(registry.render(),
            "# HELP lso_x x\n# TYPE lso_x counter\nlso_x{route=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsRegistry, ACollectorThatThrowsKeepsWhatItWroteAndTheOthers) {
  MetricsRegistry registry;
  registry.add([](MetricsWriter& w) {
    w.family("lso_queue", MetricType::Gauge, "queue");
    throw std::runtime_error("queue server down");
  });
  registry.add([](MetricsWriter& w) {
    w.family("lso_after", MetricType::Gauge, "after");
    w.sample(std::int64_t{0});
  });
  EXPECT_EQ(registry.render(),
            "# HELP lso_queue queue\n# TYPE lso_queue gauge\n"
            "# HELP lso_after after\n# TYPE lso_after gauge\nlso_after 0\n");
}

TEST(MetricsRegistry, OwnedCountersAndGaugesAreReadWhenScraped) {
  MetricsRegistry registry;
  auto& c = registry.counter("lso_c_total", "count");
  auto& g = registry.gauge("lso_g", "level");
  c.inc();
  c.inc(2);
  g.set(5);
  g.add(-1);
  EXPECT_EQ(registry.render(),
            "# HELP lso_c_total count\n# TYPE lso_c_total counter\nlso_c_total 3\n"
            "# HELP lso_g level\n# TYPE lso_g gauge\nlso_g 4\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithSumAndCount) {
  MetricsRegistry registry;
  auto& h = registry.histogram("lso_wait_seconds", "wait", {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(2);
  EXPECT_EQ(registry.render(),
            "# HELP lso_wait_seconds wait\n# TYPE lso_wait_seconds histogram\n"
            "lso_wait_seconds_bucket{le=\"0.1\"} 1\nlso_wait_seconds_bucket{le=\"1\"} 2\n"
            "lso_wait_seconds_bucket{le=\"+Inf\"} 3\nlso_wait_seconds_sum 2.55\n"
            "lso_wait_seconds_count 3\n");
}

}  // namespace
}  // namespace lso::util
