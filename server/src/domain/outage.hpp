// An outage of one dependency as the log and the health report see it: one line when it starts
// ("database unreachable, webhook workers paused"), one when it ends ("database back after
// 5.5 s"), and in between at most one summary line per interval with how many failures it
// stood for. Driver messages are folded into one line.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace lso::domain {

// `text` on one line: line breaks and the indentation after them become single spaces, trailing
// whitespace goes (libpq and hiredis messages span lines).
std::string one_line(std::string_view text);

class Outage {
 public:
  using Clock = std::chrono::steady_clock;
  // `what` names the dependency ("database"); `effect` what its outage does ("webhook workers
  // paused"), logged with the first line.
  Outage(std::string what, std::string effect,
         std::chrono::seconds repeatEvery = std::chrono::seconds(30));

  // A failure caused by the dependency being unreachable. Thread-safe, cheap when repeated.
  void failed(std::string_view error);
  // A success: ends the outage if there was one.
  void recovered();

  bool down() const;
  // How long the current outage has lasted (zero when none).
  std::chrono::milliseconds down_for() const;
  // Outages since start (for a counter).
  std::int64_t outages() const;

 private:
  const std::string what_, effect_;
  const std::chrono::seconds repeatEvery_;
  mutable std::mutex mutex_;
  bool down_ = false;
  Clock::time_point since_{}, lastLine_{};
  std::int64_t failures_ = 0;       // during the current outage
  std::int64_t sinceLastLine_ = 0;  // failures not yet mentioned in a line
  std::int64_t outages_ = 0;
  std::string lastError_;
};

}  // namespace lso::domain
