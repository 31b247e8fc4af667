// Fuzzes Cookie header parsing: any bytes, any name. A value found must point into the header and
// hold only cookie-octets; anything else, a crash or UB is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/cookies.hpp"

namespace {

bool is_cookie_octet(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
         (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

void check(std::string_view header, std::string_view name) {
  const auto value = lso::auth::find_cookie(header, name);
  if (!value) {
    return;
  }
  if (value->data() < header.data() ||
      value->data() + value->size() > header.data() + header.size()) {
    __builtin_trap();
  }
  for (const char c : *value) {
    if (!is_cookie_octet(static_cast<unsigned char>(c))) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(text, "lso_session");
  check(text, "a");
  // The first byte picks how much of the rest is the name, so names are fuzzed too.
  if (!text.empty()) {
    const std::size_t n = static_cast<unsigned char>(text[0]) % 16;
    const std::string_view rest = text.substr(1);
    if (n <= rest.size()) {
      check(rest.substr(n), rest.substr(0, n));
    }
  }
  return 0;
}
