// Stream tickets: the principal's identity in the claims of an HS256 JWT (livekit/jwt.hpp).
#include "auth/stream_ticket.hpp"

#include <boost/json/object.hpp>

#include "livekit/jwt.hpp"

namespace lso::auth {

namespace {
constexpr std::string_view kAudience = "lso-events";
long long seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
}  // namespace

std::pair<std::string, long long> StreamTickets::issue(
    const domain::Principal& p, std::chrono::system_clock::time_point now) const {
  const long long exp = seconds(now + ttl_);
  boost::json::object claims{
      {"aud", kAudience},
      {"sub", p.userId},
      {"name", p.displayName},
      {"kind", domain::to_string(p.kind)},
      {"admin", p.admin},
      {"scopes", p.scopes},
      // A key's id names it in the audit log; a session's digest stays
      // out of URLs.
      {"cid", p.kind == domain::PrincipalKind::ApiKey ? p.credentialId : std::string()},
      {"exp", exp}};
  return {livekit::jwt::sign(claims, secret_), exp};
}

std::optional<domain::Principal> StreamTickets::verify(
    std::string_view ticket, std::chrono::system_clock::time_point now) const {
  if (ticket.size() > 4096) return std::nullopt;
  try {
    const auto c = livekit::jwt::verify(ticket, secret_);
    const auto* aud = c.if_contains("aud");
    const auto* exp = c.if_contains("exp");
    if (!aud || !aud->is_string() || aud->get_string() != kAudience) return std::nullopt;
    if (!exp || !exp->is_int64() || exp->get_int64() <= seconds(now)) return std::nullopt;
    domain::Principal p;
    const auto kind = c.at("kind").as_string();
    if (kind == "user")
      p.kind = domain::PrincipalKind::User;
    else if (kind == "guest")
      p.kind = domain::PrincipalKind::Guest;
    else if (kind == "apiKey")
      p.kind = domain::PrincipalKind::ApiKey;
    else
      return std::nullopt;
    p.method = domain::AuthMethod::Ticket;
    p.userId = c.at("sub").as_string();
    p.displayName = c.at("name").as_string();
    p.admin = c.at("admin").as_bool();
    p.scopes = static_cast<std::uint8_t>(c.at("scopes").to_number<int>());
    p.credentialId = c.at("cid").as_string();
    return p;
  } catch (const std::exception&) {
    return std::nullopt;  // a bad signature, or claims of the wrong shape
  }
}

}  // namespace lso::auth
