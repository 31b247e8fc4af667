// Health sections and metric families; see status.hpp.
#include "app/status.hpp"

#include <boost/json/object.hpp>
#include <utility>

namespace lso::app {

boost::json::value workers_health(const runtime::WebhookWorkers& workers) {
  boost::json::object o{{"status", workers.paused() ? "paused" : "up"}};
  for (const auto* outage : {&workers.database(), &workers.queue()})
    if (outage->down())
      o[outage == &workers.database() ? "databaseDownSeconds" : "queueDownSeconds"] =
          static_cast<double>(outage->down_for().count()) / 1000.0;
  return boost::json::value(std::move(o));
}

void register_worker_metrics(util::MetricsRegistry& registry,
                             const runtime::WebhookWorkers& workers) {
  registry.add([&workers](util::MetricsWriter& w) {
    using util::MetricType;
    const std::pair<const char*, const domain::Outage*> causes[] = {
        {"database", &workers.database()}, {"queue", &workers.queue()}};
    w.family("lso_webhook_workers_paused", MetricType::Gauge,
             "1 while webhook workers wait for an unreachable dependency");
    for (const auto& [cause, outage] : causes)
      w.sample(std::int64_t{outage->down() ? 1 : 0}, {{"cause", cause}});
    w.family("lso_webhook_worker_pauses_total", MetricType::Counter,
             "webhook worker pauses since start, by cause");
    for (const auto& [cause, outage] : causes) w.sample(outage->outages(), {{"cause", cause}});
  });
}

boost::json::value auth_health(const config::Settings& settings) {
  return boost::json::value(
      boost::json::object{{"status", "up"},
                          {"mode", settings.authMode},
                          {"open", settings.open_mode()},
                          {"signup", settings.authSignupOpen ? "open" : "closed"},
                          {"guests", settings.authGuests},
                          {"hostTokens", settings.host_tokens()}});
}

}  // namespace lso::app
