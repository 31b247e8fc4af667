// Identifiers: random (v4) UUIDs for new records, and a strict check for ids taken from URLs.
#pragma once

#include <string>
#include <string_view>

namespace lso::util {

// A new random UUID (122 bits from the system CSPRNG) in canonical lowercase form (8-4-4-4-12).
// Thread-safe.
std::string new_uuid();
// True for the canonical 36-character form, hex digits in either case.
bool is_uuid(std::string_view text) noexcept;

}  // namespace lso::util
