// The transport's rate limits counting with the domain's rate limiter (in process or in Redis).
#include "api/api.hpp"

namespace lso::api {

namespace {

class LimiterCounter final : public http::RateCounter {
 public:
  explicit LimiterCounter(std::shared_ptr<domain::RateLimiter> limiter)
      : limiter_(std::move(limiter)) {}
  http::RateDecision hit(std::string_view rule, std::string_view key, std::int64_t max,
                         std::chrono::seconds window) override {
    const auto d = limiter_->hit(rule, key, max, window);
    return {d.allowed, d.limit, d.remaining, d.reset};
  }
  void give_back(std::string_view rule, std::string_view key,
                 std::chrono::seconds window) override {
    limiter_->give_back(rule, key, window);
  }

 private:
  std::shared_ptr<domain::RateLimiter> limiter_;
};

}  // namespace

std::shared_ptr<http::RateCounter> rate_counter(std::shared_ptr<domain::RateLimiter> limiter) {
  if (!limiter) return nullptr;
  return std::make_shared<LimiterCounter>(std::move(limiter));
}

}  // namespace lso::api
