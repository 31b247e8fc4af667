// The fate of a failed webhook job: kept while the store is unreachable (no attempt spent),
// retried with capped exponential backoff, buried once the attempts run out.
#include "domain/webhook_retry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "domain/errors.hpp"

namespace lso::domain {
namespace {

using namespace std::chrono_literals;

const RetryPolicy kPolicy{5, 1000ms, 30000ms};

TEST(WebhookRetry, BackoffDoublesFromTheBaseAndIsCapped) {
  EXPECT_EQ(backoff(1, kPolicy), 1000ms);
  EXPECT_EQ(backoff(2, kPolicy), 2000ms);
  EXPECT_EQ(backoff(3, kPolicy), 4000ms);
  EXPECT_EQ(backoff(5, kPolicy), 16000ms);
  EXPECT_EQ(backoff(6, kPolicy), 30000ms);
  EXPECT_EQ(backoff(60, kPolicy), 30000ms);
}

TEST(WebhookRetry, AnUnreachableStoreKeepsTheJobWhateverItsAttempt) {
  const auto unreachable =
      failure_of(std::make_exception_ptr(AppError(ErrorKind::Unavailable, "db\n  down")));
  EXPECT_TRUE(unreachable.unreachable);
  EXPECT_EQ(unreachable.what, "db down");
  EXPECT_EQ(decide(1, unreachable, kPolicy).fate, JobFate::Keep);
  EXPECT_EQ(decide(kPolicy.maxAttempts, unreachable, kPolicy).fate, JobFate::Keep);
}

TEST(WebhookRetry, AJobsOwnFailureIsRetriedThenBuried) {
  const auto own = failure_of(std::make_exception_ptr(std::runtime_error("constraint violated")));
  EXPECT_FALSE(own.unreachable);
  const auto first = decide(1, own, kPolicy);
  EXPECT_EQ(first.fate, JobFate::Retry);
  EXPECT_EQ(first.delay, 1000ms);
  const auto last = decide(kPolicy.maxAttempts - 1, own, kPolicy);
  EXPECT_EQ(last.fate, JobFate::Retry);
  EXPECT_EQ(last.delay, 8000ms);
  EXPECT_EQ(decide(kPolicy.maxAttempts, own, kPolicy).fate, JobFate::Bury);
}

TEST(WebhookRetry, OtherAppErrorsAreTheJobsOwn) {
  for (auto kind : {ErrorKind::Validation, ErrorKind::NotFound, ErrorKind::Internal}) {
    const auto f = failure_of(std::make_exception_ptr(AppError(kind, "no")));
    EXPECT_FALSE(f.unreachable);
    EXPECT_EQ(decide(1, f, kPolicy).fate, JobFate::Retry);
  }
  EXPECT_EQ(failure_of(std::make_exception_ptr(42)).what, "unknown error");
}

}  // namespace
}  // namespace lso::domain
