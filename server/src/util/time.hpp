// Timestamps on the wire: ISO-8601 UTC with milliseconds ("2025-11-09T10:00:00.000Z"), the form
// JavaScript's Date.toISOString() prints, and microseconds since the epoch in storage.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lso::util {

using Micros = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

std::string to_iso8601(Micros t);
// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)"; nullopt when malformed.
std::optional<Micros> parse_iso8601(std::string_view text);

inline std::int64_t to_epoch_micros(Micros t) {
  return t.time_since_epoch().count();
}
inline Micros from_epoch_micros(std::int64_t us) {
  return Micros{std::chrono::microseconds{us}};
}

}  // namespace lso::util
