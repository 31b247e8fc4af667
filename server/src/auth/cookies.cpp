// Cookie header parsing and Set-Cookie formatting (RFC 6265 §4.1.1 and §4.2.1).
#include "auth/cookies.hpp"

#include <stdexcept>

namespace lso::auth {
namespace {

// Browsers keep at most ~180 cookies per site; a header with more pairs is not a browser's.
constexpr std::size_t kMaxPairs = 256;

// token (RFC 7230 §3.2.6): visible ASCII except separators.
bool is_token_char(unsigned char c) {
  if (c <= 0x20 || c >= 0x7F) {
    return false;
  }
  constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={}";
  return kSeparators.find(static_cast<char>(c)) == std::string_view::npos;
}

// cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E (no space, '"', ',', ';', '\').
bool is_cookie_octet(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
         (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

bool is_token(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (const char c : s) {
    if (!is_token_char(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

bool is_cookie_octets(std::string_view s) {
  for (const char c : s) {
    if (!is_cookie_octet(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ); returns it without the quotes.
std::optional<std::string_view> cookie_value(std::string_view raw) {
  if (!raw.empty() && raw.front() == '"') {
    if (raw.size() < 2 || raw.back() != '"') {
      return std::nullopt;
    }
    raw = raw.substr(1, raw.size() - 2);
  }
  if (!is_cookie_octets(raw)) {
    return std::nullopt;
  }
  return raw;
}

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

// Control characters make the whole header suspect (header splitting, NUL truncation): no pair of
// it is trusted. HTAB is optional whitespace, not a control here.
bool has_control(std::string_view header) {
  for (const char ch : header) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      return true;
    }
  }
  return false;
}

}  // namespace

// The header is split at every ';' exactly as browsers split a Set-Cookie value, so a quoted value
// can never hide a ';'. Pairs of other cookies are skipped whatever they hold (another app on the
// same site may set values this grammar forbids, and must not sign our users out); the pair named
// `name` must be well-formed, and the first one decides.
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
  if (name.empty() || has_control(header)) {
    return std::nullopt;
  }
  std::size_t pairs = 0;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    if (++pairs > kMaxPairs) {
      return std::nullopt;
    }
    std::size_t end = header.find(';', pos);
    if (end == std::string_view::npos) {
      end = header.size();
    }
    std::string_view pair = header.substr(pos, end - pos);
    while (!pair.empty() && is_ows(pair.front())) {
      pair.remove_prefix(1);
    }
    while (!pair.empty() && is_ows(pair.back())) {
      pair.remove_suffix(1);
    }
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return cookie_value(pair.substr(eq + 1));
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value,
                       const CookieOptions& options) {
  // Each part is checked because a stray ';' or line break would inject attributes or headers.
  if (!is_token(name)) {
    throw std::invalid_argument("cookie name is not a token");
  }
  const bool deleting = options.maxAge && options.maxAge->count() <= 0;
  if (deleting) {
    value = {};  // a deletion never carries the old credential back to the browser
  }
  if (!is_cookie_octets(value)) {
    throw std::invalid_argument("cookie value has characters outside cookie-octet");
  }
  // path-value: any CHAR except CTLs or ';'.
  if (options.path.empty() || options.path.front() != '/' ||
      options.path.find(';') != std::string::npos || has_control(options.path) ||
      options.path.find('\t') != std::string::npos) {
    throw std::invalid_argument("cookie path must start with '/' and hold no ';' or control");
  }
  std::string out;
  out.reserve(name.size() + value.size() + options.path.size() + 64);
  out.append(name).append("=").append(value);
  out.append("; Path=").append(options.path);
  if (options.maxAge) {
    out.append("; Max-Age=").append(deleting ? "0" : std::to_string(options.maxAge->count()));
  }
  out.append("; HttpOnly; SameSite=Lax");
  if (options.secure) {
    out.append("; Secure");
  }
  return out;
}

}  // namespace lso::auth
