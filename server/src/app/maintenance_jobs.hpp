// The periodic jobs of the scheduler thread besides the webhook-record cleanup: reconciliation with
// LiveKit, the expiry of identity records, and analytics downsampling and retention. Each logs what
// it changed, and nothing when a pass changed nothing.
#pragma once

#include <chrono>

#include "app/scheduler.hpp"
#include "domain/analytics.hpp"
#include "domain/identity_service.hpp"
#include "domain/reconciler.hpp"

namespace lso::app {

struct MaintenanceJobs {
  domain::Reconciler& reconciler;
  std::chrono::seconds reconciliationInterval;
  domain::IdentityService& identity;  // expired sessions and keys, hourly
  domain::AnalyticsService& analytics;
  std::chrono::seconds analyticsDownsampleAfter;
  std::chrono::seconds analyticsRetention;  // 0: kept forever
};

// Adds the jobs to `scheduler`; everything `jobs` refers to outlives the scheduler's thread.
void schedule_maintenance(Scheduler& scheduler, const MaintenanceJobs& jobs);

}  // namespace lso::app
