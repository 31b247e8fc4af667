// The identity records the store keeps: built-in accounts, their server-side sessions, API keys,
// the audit log and private livestreams' invite lists. Secrets are never here in clear: a
// password is an Argon2id string, a session id and an API key are SHA-256 digests (hex).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"

namespace lso::domain {

// What a credential may do (API keys carry a subset; signed-in users have read|write, and
// admin when they are admins). act-as lets a trusted backend name the acting user in bodies.
enum Scope : std::uint8_t {
  kScopeRead = 1,
  kScopeWrite = 2,
  kScopeAdmin = 4,
  kScopeActAs = 8,
};
inline constexpr std::uint8_t kAllScopes = kScopeRead | kScopeWrite | kScopeAdmin | kScopeActAs;
// "read,write" ↔ bits; nullopt for an unknown scope name.
std::string scopes_to_string(std::uint8_t scopes);
std::optional<std::uint8_t> parse_scopes(std::string_view commaSeparated);

// A built-in account. `id` is the login name (lowercase), also the user id everywhere else.
struct User {
  std::string id;
  std::string displayName;
  std::string passwordHash;  // Argon2id, libsodium's crypto_pwhash_str format
  bool admin = false;
  bool disabled = false;
  TimePoint createdAt{};
  TimePoint updatedAt{};
};

// A server-side session (built-in accounts and guests). The cookie holds the random id; the
// store holds only its SHA-256.
struct AuthSession {
  std::string idHash;  // hex SHA-256 of the session id
  std::string userId;  // an account id, or "guest-…" for a guest session
  std::string displayName;
  bool guest = false;
  TimePoint createdAt{};
  TimePoint expiresAt{};   // absolute expiry
  TimePoint lastSeenAt{};  // idle timeout counts from here (written at most once a minute)
};

// A session with what authentication needs of its user, in one read.
struct SessionLookup {
  AuthSession session;
  bool admin = false;       // the account's current admin flag (false for guests)
  bool disabled = false;    // the account is disabled (its sessions do nothing)
  std::string displayName;  // the account's current display name (the session's for guests)
};

struct ApiKey {
  std::string id;          // UUID
  std::string name;        // what the admin called it
  std::string prefix;      // "lso_" + the first 8 characters of the secret part: shown in lists
  std::string secretHash;  // hex SHA-256 of the whole key
  std::uint8_t scopes = 0;
  std::string ownerId;  // the admin who created it; the key acts as this user
  TimePoint createdAt{};
  std::optional<TimePoint> lastUsedAt;
  std::optional<TimePoint> revokedAt;
};

// A key with what authentication needs of its owner, in one read.
struct ApiKeyLookup {
  ApiKey key;
  std::string ownerDisplayName;
  bool ownerAdmin = false;
  bool ownerDisabled = false;
};

struct AuditEntry {
  std::int64_t id = 0;  // assigned by the store, increasing
  TimePoint at{};
  std::string action;     // "auth.login", "livestream.end", "join.refused", …
  std::string principal;  // "user:alice", "apikey:<id>", "guest:guest-…", "anonymous"
  std::string ip;
  std::string target;   // what it acted on: a livestream id, a user id, a key id; may be empty
  std::string outcome;  // "ok" | "refused" | "failed"
  boost::json::value details;  // null or a small JSON object (never a secret)
};

struct AuditFilter {
  std::optional<std::string> action;
  std::optional<std::int64_t> beforeId;  // entries with id < beforeId (paging backwards)
  std::int32_t limit = 50;
};

struct Invite {
  std::string livestreamId;
  std::string userId;
  TimePoint createdAt{};
};

}  // namespace lso::domain
