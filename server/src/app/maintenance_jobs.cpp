#include "app/maintenance_jobs.hpp"

#include <spdlog/spdlog.h>

namespace lso::app {

void schedule_maintenance(Scheduler& scheduler, const MaintenanceJobs& jobs) {
  scheduler.every("reconciliation", jobs.reconciliationInterval, [&reconciler = jobs.reconciler] {
    const auto r = reconciler.run_once();
    if (r.ran && (r.ended || r.participantsLeft || r.participantsJoined || r.recordingsSettled ||
                  r.ingestsSettled))
      spdlog::info(
          "reconciliation: {} checked, {} ended, {} participants left, {} sessions connected, "
          "{} recordings and {} ingests LiveKit lost settled",
          r.checked, r.ended, r.participantsLeft, r.participantsJoined, r.recordingsSettled,
          r.ingestsSettled);
  });
  scheduler.every("identity-cleanup", std::chrono::hours(1),
                  [&identity = jobs.identity] { identity.cleanup(); });
  scheduler.every(
      "analytics-maintenance", std::chrono::hours(1),
      [&analytics = jobs.analytics, downsampleAfter = jobs.analyticsDownsampleAfter,
       retention = jobs.analyticsRetention] {
        const auto n = analytics.maintain(downsampleAfter, retention);
        if (n > 0)
          spdlog::info("analytics maintenance: {} viewer series/session rows merged or deleted", n);
      });
}

}  // namespace lso::app
