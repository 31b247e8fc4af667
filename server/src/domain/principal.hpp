// Who is asking. The authentication middleware resolves every request once to a Principal; the
// use cases turn it into an Actor (the user a request acts as) and ask the permission table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/identity.hpp"

namespace lso::domain {

enum class PrincipalKind {
  Nobody,  // no credential
  User,    // a built-in account (session cookie) or a host-app JWT's subject
  Guest,   // a server-made guest identity (session cookie)
  ApiKey,  // a server-to-server key; acts as its owner, or as a named user with act-as
  Open,    // AUTH_MODE=open: identity is whatever the request body says (the seed's model)
};

enum class AuthMethod { None, Session, Jwt, ApiKey, Ticket, Open };

struct Principal {
  PrincipalKind kind = PrincipalKind::Nobody;
  AuthMethod method = AuthMethod::None;
  std::string userId;  // User/Guest: the user; ApiKey: the key's owner; empty otherwise
  std::string displayName;
  bool admin = false;
  std::uint8_t scopes = 0;   // what the credential allows (Scope bits)
  std::string credentialId;  // ApiKey: the key id; Session: the session's digest
  std::string ip;            // where the request came from (audit log)
  // When the credential was last recorded in use (session lastSeenAt, key lastUsedAt), so that
  // the next write of it waits until it is worth making.
  std::optional<TimePoint> lastActive;

  // "user:alice", "guest:guest-1f…", "apikey:<id>", "open", "anonymous": for the audit log.
  std::string audit_name() const;
  static Principal nobody() { return {}; }
  static Principal open() {
    Principal p;
    p.kind = PrincipalKind::Open;
    p.method = AuthMethod::Open;
    p.scopes = kScopeRead | kScopeWrite | kScopeActAs;
    return p;
  }
};

std::string_view to_string(PrincipalKind kind);  // "nobody", "user", "guest", "apiKey", "open"
std::string_view to_string(AuthMethod method);   // "none", "session", "jwt", "apiKey", ...

// The user a request acts as: the principal itself, or for act-as keys and open mode the user a
// body field names. `userId` empty: nobody in particular (an anonymous reader).
struct Actor {
  PrincipalKind kind = PrincipalKind::Nobody;
  std::string userId;
  std::string displayName;
  bool admin = false;
  std::uint8_t scopes = 0;
  bool namedInBody = false;   // the acting user came from a body field (act-as key, open mode)
  std::string principalName;  // Principal::audit_name(), for the audit log
  std::string ip;

  bool signed_in() const {
    return kind == PrincipalKind::User || kind == PrincipalKind::ApiKey ||
           kind == PrincipalKind::Open;
  }
};

// Where security-relevant actions are recorded (creates, ends, refused joins, logins, key and
// role changes). Best effort: recording never fails the action.
class AuditTrail {
 public:
  virtual ~AuditTrail() = default;
  virtual void audit(const Actor& actor, std::string_view action, std::string_view target,
                     std::string_view outcome, boost::json::value details = nullptr) = 0;
};

// The actor for a request whose body may name a user (`createdBy`, `userId`, …) in `field`.
// Act-as keys and open mode act as the named user (open mode requires it: 400 when missing).
// Everyone else acts as themselves; a body naming someone else is a 403 unless `othersAllowed`
// (the caller then checks the table for acting on another user, e.g. leave by the creator).
Actor resolve_actor(const Principal& principal, std::string_view field,
                    const std::optional<std::string>& named, bool othersAllowed = false);
// The actor of a request whose body names nobody.
Actor actor_of(const Principal& principal);

}  // namespace lso::domain
