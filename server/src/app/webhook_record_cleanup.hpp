// The hourly deletion of processed-webhook records past their dedup window, as a scheduled job.
#pragma once

#include <cstdint>

#include "app/scheduler.hpp"
#include "domain/clock.hpp"
#include "domain/store.hpp"

namespace lso::app {

class WebhookRecordCleanup {
 public:
  WebhookRecordCleanup(domain::Store& store, const domain::TimeSource& time)
      : store_(store), time_(time) {}
  // Deletes every expired record, 5,000 per transaction; returns how many.
  std::int64_t run_once();
  // Runs it every hour on `scheduler`; this outlives the scheduler's thread.
  void schedule(Scheduler& scheduler);

 private:
  domain::Store& store_;
  const domain::TimeSource& time_;
};

}  // namespace lso::app
