// Principals and actors: naming them for the audit log, and resolving who a request acts as.
#include "domain/principal.hpp"

#include <fmt/format.h>

#include "domain/errors.hpp"

namespace lso::domain {

std::string_view to_string(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::Nobody: return "nobody";
    case PrincipalKind::User: return "user";
    case PrincipalKind::Guest: return "guest";
    case PrincipalKind::ApiKey: return "apiKey";
    case PrincipalKind::Open: return "open";
  }
  return "nobody";
}

std::string_view to_string(AuthMethod method) {
  switch (method) {
    case AuthMethod::None: return "none";
    case AuthMethod::Session: return "session";
    case AuthMethod::Jwt: return "jwt";
    case AuthMethod::ApiKey: return "apiKey";
    case AuthMethod::Ticket: return "ticket";
    case AuthMethod::Open: return "open";
  }
  return "none";
}

std::string scopes_to_string(std::uint8_t scopes) {
  std::string out;
  for (auto [bit, name] : {std::pair{kScopeRead, "read"}, std::pair{kScopeWrite, "write"},
                           std::pair{kScopeAdmin, "admin"}, std::pair{kScopeActAs, "act-as"}}) {
    if (!(scopes & bit)) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

std::optional<std::uint8_t> parse_scopes(std::string_view text) {
  std::uint8_t out = 0;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto name = text.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name == "read")
      out |= kScopeRead;
    else if (name == "write")
      out |= kScopeWrite;
    else if (name == "admin")
      out |= kScopeAdmin;
    else if (name == "act-as")
      out |= kScopeActAs;
    else
      return std::nullopt;
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

std::string Principal::audit_name() const {
  switch (kind) {
    case PrincipalKind::Nobody: return "anonymous";
    case PrincipalKind::User: return "user:" + userId;
    case PrincipalKind::Guest: return "guest:" + userId;
    case PrincipalKind::ApiKey: return "apikey:" + credentialId;
    case PrincipalKind::Open: return "open";
  }
  return "anonymous";
}

Actor actor_of(const Principal& p) {
  Actor a;
  a.kind = p.kind;
  a.userId = p.userId;
  a.displayName = p.displayName;
  a.admin = p.admin;
  a.principalName = p.audit_name();
  a.ip = p.ip;
  // Anonymous readers may read what the table lets everyone read, nothing more.
  a.scopes = p.kind == PrincipalKind::Nobody ? std::uint8_t{kScopeRead} : p.scopes;
  return a;
}

Actor resolve_actor(const Principal& p, std::string_view field,
                    const std::optional<std::string>& named, bool othersAllowed) {
  Actor a = actor_of(p);
  if (p.kind == PrincipalKind::Nobody) return a;  // the table answers 401
  if (p.kind == PrincipalKind::Open) {
    if (!named) throw AppError(ErrorKind::Validation, fmt::format("{} is required", field));
    a.userId = *named;
    a.namedInBody = true;
    return a;
  }
  if (p.kind == PrincipalKind::ApiKey && (p.scopes & kScopeActAs) && named) {
    // A trusted backend acting for one of its users: that user, with the key's scopes, and
    // never the owner's admin rights (the named user is not the admin who made the key).
    a.userId = *named;
    a.displayName.clear();
    a.admin = false;
    a.namedInBody = true;
    return a;
  }
  if (named && *named != p.userId && !othersAllowed)
    throw AppError(
        ErrorKind::Authorization,
        fmt::format("{} must be your own user id (you are signed in as someone else)", field));
  return a;
}

}  // namespace lso::domain
