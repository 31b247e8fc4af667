// Outage: condition-change logging with rate-limited repeats.
#include "domain/outage.hpp"

#include <spdlog/spdlog.h>

namespace lso::domain {

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool lineBreak = false;  // inside a line break and the indentation after it
  for (const char c : text) {
    if (c == '\n' || c == '\r') {
      lineBreak = true;
      continue;
    }
    if (lineBreak && (c == ' ' || c == '\t')) continue;
    if (lineBreak && !out.empty() && out.back() != ' ') out.push_back(' ');
    lineBreak = false;
    out.push_back(c);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return out;
}

Outage::Outage(std::string what, std::string effect, std::chrono::seconds repeatEvery)
    : what_(std::move(what)), effect_(std::move(effect)), repeatEvery_(repeatEvery) {}

void Outage::failed(std::string_view error) {
  const auto now = Clock::now();
  const std::lock_guard lock(mutex_);
  ++failures_;
  ++sinceLastLine_;
  if (!down_) {
    down_ = true;
    since_ = lastLine_ = now;
    ++outages_;
    sinceLastLine_ = 0;
    lastError_ = one_line(error);
    spdlog::error("{} unreachable, {}: {}", what_, effect_, lastError_);
    return;
  }
  if (now - lastLine_ < repeatEvery_) return;
  lastError_ = one_line(error);
  spdlog::warn("{} still unreachable after {:.1f} s ({} failed tries since the last line): {}",
               what_, std::chrono::duration<double>(now - since_).count(), sinceLastLine_,
               lastError_);
  lastLine_ = now;
  sinceLastLine_ = 0;
}

void Outage::recovered() {
  const std::lock_guard lock(mutex_);
  if (!down_) return;
  down_ = false;
  spdlog::info("{} back after {:.1f} s ({} failed tries)", what_,
               std::chrono::duration<double>(Clock::now() - since_).count(), failures_);
  failures_ = 0;
  sinceLastLine_ = 0;
}

bool Outage::down() const {
  const std::lock_guard lock(mutex_);
  return down_;
}

std::chrono::milliseconds Outage::down_for() const {
  const std::lock_guard lock(mutex_);
  if (!down_) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since_);
}

std::int64_t Outage::outages() const {
  const std::lock_guard lock(mutex_);
  return outages_;
}

}  // namespace lso::domain
