// What becomes of a webhook job that failed: the rules the workers follow, without the threads
// that run them (runtime/webhook_workers.hpp). A failure saying the store or queue is unreachable
// is no failure of the job: it is kept, no attempt spent, so an outage of any length buries
// nothing. Any other failure is retried with exponential backoff until the attempts run out, then
// the job goes to the dead-letter list. A body that cannot be parsed is buried at once: no retry
// can fix it.
#pragma once

#include <chrono>
#include <exception>
#include <string>

namespace lso::domain {

struct RetryPolicy {
  int maxAttempts = 5;
  std::chrono::milliseconds backoffBase{1000};
  std::chrono::milliseconds backoffMax{30000};
};

// Delay before attempt `attempt + 1`: base · 2^(attempt-1), capped at `policy.backoffMax`.
std::chrono::milliseconds backoff(int attempt, const RetryPolicy& policy);

// A failed job's error: its message on one line, and whether it means the store (or queue) was
// unreachable (AppError of kind Unavailable).
struct JobFailure {
  std::string what = "unknown error";
  bool unreachable = false;
};
JobFailure failure_of(const std::exception_ptr& error);

enum class JobFate {
  Keep,   // the store was unreachable: hold the job and try again when it answers
  Retry,  // queue it again after `delay`
  Bury,   // attempts exhausted: the dead-letter list
};
struct FailedJob {
  JobFate fate;
  std::chrono::milliseconds delay{0};  // for Retry
};
// The fate of a job whose attempt number `attempt` (1 for the first) failed with `failure`.
FailedJob decide(int attempt, const JobFailure& failure, const RetryPolicy& policy);

}  // namespace lso::domain
