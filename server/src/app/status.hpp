// The /health sections and /metrics families of what main assembles from several parts: the
// webhook workers (their outages), and the identity configuration.
#pragma once

#include <boost/json/value.hpp>

#include "config/settings.hpp"
#include "runtime/webhook_workers.hpp"
#include "util/metrics_registry.hpp"

namespace lso::app {

// The `workers` section: paused while the database or the queue is unreachable (no outage of the
// instance: intake keeps accepting), with how long.
boost::json::value workers_health(const runtime::WebhookWorkers& workers);
// lso_webhook_workers_paused and lso_webhook_worker_pauses_total by cause.
void register_worker_metrics(util::MetricsRegistry& registry,
                             const runtime::WebhookWorkers& workers);

// The `auth` section: the identity settings in force.
boost::json::value auth_health(const config::Settings& settings);

}  // namespace lso::app
