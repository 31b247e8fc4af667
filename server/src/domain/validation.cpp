// Text checks and room-name sanitising.
#include "domain/validation.hpp"

#include <fmt/format.h>

#include "domain/errors.hpp"

namespace lso::domain {

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

namespace {
bool is_blank(std::string_view v) {
  for (const char c : v)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  return true;
}

// C0 controls, DEL, and the C1 range (U+0080–U+009F, encoded as C2 80–C2 9F).
bool has_control(std::string_view v, bool multiline) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7F) {
      if (multiline && (c == '\n' || c == '\r' || c == '\t')) continue;
      return true;
    }
    if (c == 0xC2 && i + 1 < v.size()) {
      const auto n = static_cast<unsigned char>(v[i + 1]);
      if (n >= 0x80 && n <= 0x9F) return true;
    }
  }
  return false;
}
}  // namespace

void require_text(std::string_view field, std::string_view value, std::size_t max_chars,
                  bool multiline) {
  if (is_blank(value)) throw AppError(ErrorKind::Validation, fmt::format("{} is required", field));
  if (utf8_length(value) > max_chars)
    throw AppError(ErrorKind::Validation,
                   fmt::format("{} must be at most {} characters", field, max_chars));
  if (has_control(value, multiline))
    throw AppError(ErrorKind::Validation,
                   fmt::format("{} must not contain control characters", field));
}

std::string sanitize_room_name(std::string_view room_name) {
  std::size_t b = 0, e = room_name.size();
  while (b < e && is_blank(room_name.substr(b, 1))) ++b;
  while (e > b && is_blank(room_name.substr(e - 1, 1))) --e;
  std::string out;
  out.reserve(e - b);
  for (std::size_t i = b; i < e; ++i) {
    char c = room_name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    // A multi-byte UTF-8 character becomes a single '-' (its continuation bytes are skipped).
    if (!ok && (static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
    if (!ok) c = '-';
    if (c == '-' && !out.empty() && out.back() == '-') continue;
    out.push_back(c);
  }
  if (!out.empty() && out.front() == '-') out.erase(out.begin());
  if (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace lso::domain
