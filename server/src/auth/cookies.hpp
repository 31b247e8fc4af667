// The `Cookie` request header and the `Set-Cookie` response header (RFC 6265), just what the
// session cookie needs. Parsing is strict and bounded: a malformed header yields no value.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lso::auth {

// The value of cookie `name` in a Cookie header ("a=1; b=2", spaces after ';' optional), without
// its optional double quotes; "" for "name=". nullopt when absent, when its value holds anything
// but cookie-octets, or when the header holds control characters or more than 256 pairs. Other
// cookies' pairs are not judged. When the name appears more than once, the first wins (the most
// specific path, per RFC 6265), even when it is malformed. Points into `header`; never allocates.
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name);

struct CookieOptions {
  bool secure = false;  // set when the request came over HTTPS
  std::string path = "/";
  // Max-Age in seconds; 0 deletes the cookie; nullopt makes a browser-session cookie.
  std::optional<std::chrono::seconds> maxAge;
};
// "name=value; Path=/; Max-Age=…; HttpOnly; SameSite=Lax[; Secure]". A maxAge of 0 (or less)
// writes "name=; …; Max-Age=0; …" whatever `value` is. Throws std::invalid_argument when the name
// is not a token, the value holds non-cookie-octets, or the path does not start with '/' or holds
// ';' or controls (each would let a caller inject attributes).
std::string set_cookie(std::string_view name, std::string_view value, const CookieOptions& options);

}  // namespace lso::auth
