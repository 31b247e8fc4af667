// The retry, backoff and dead-letter rules of failed webhook jobs.
#include "domain/webhook_retry.hpp"

#include <algorithm>

#include "domain/errors.hpp"
#include "domain/outage.hpp"

namespace lso::domain {

std::chrono::milliseconds backoff(int attempt, const RetryPolicy& policy) {
  auto d = policy.backoffBase;
  for (int i = 1; i < attempt && d < policy.backoffMax; ++i) d *= 2;
  return std::min(d, policy.backoffMax);
}

JobFailure failure_of(const std::exception_ptr& error) {
  JobFailure f;
  try {
    std::rethrow_exception(error);
  } catch (const AppError& e) {
    f.what = one_line(e.what());
    f.unreachable = e.kind() == ErrorKind::Unavailable;
  } catch (const std::exception& e) {
    f.what = one_line(e.what());
  } catch (...) {
  }
  return f;
}

FailedJob decide(int attempt, const JobFailure& failure, const RetryPolicy& policy) {
  if (failure.unreachable) return {JobFate::Keep};
  if (attempt >= policy.maxAttempts) return {JobFate::Bury};
  return {JobFate::Retry, backoff(attempt, policy)};
}

}  // namespace lso::domain
