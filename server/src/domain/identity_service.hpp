// The identity use cases: built-in accounts and their sessions, guests, API keys, resolving a
// credential to a Principal, private livestreams' invite lists, and the audit log.
// Synchronous and blocking (database; Argon2id in signup, login and password changes): the API
// runs password work on the password pool and the rest on the blocking pool.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/credentials.hpp"
#include "domain/identity.hpp"
#include "domain/permissions.hpp"
#include "domain/principal.hpp"
#include "domain/store.hpp"

namespace lso::domain {

struct IdentityPolicy {
  bool accounts = true;    // built-in accounts (signup, login) are offered
  bool signupOpen = true;  // AUTH_SIGNUP=open: anyone may sign up (closed: admins create accounts)
  std::chrono::seconds sessionTtl{30 * 24 * 3600};
  std::chrono::seconds sessionIdle{7 * 24 * 3600};
  std::chrono::seconds auditRetention{90 * 24 * 3600};
};

// Where revocations go so that every instance forgets a cached credential at once: "s:<digest>"
// (a session), "k:<key id>" (an API key), "u:<user id>" (everything of a user).
using RevocationSink = std::function<void(const std::string& credential)>;

struct AccountInput {
  std::string username;
  std::string password;
  std::optional<std::string> displayName;
  bool admin = false;
};

// A new session: the cookie value (shown once, never stored) and who it signs in.
struct SignedIn {
  std::string sessionToken;
  std::chrono::seconds maxAge{0};
  Principal principal;
};

struct CreatedApiKey {
  ApiKey key;
  std::string secret;  // "lso_…": shown once, never stored
};

class IdentityService final : public AuditTrail {
 public:
  IdentityService(Store& store, const PasswordHasher& hasher, const SecretSource& secrets,
                  const TimeSource& time, IdentityPolicy policy, PermissionPolicy permissions,
                  RevocationSink revoked);

  const IdentityPolicy& policy() const { return policy_; }
  const PermissionPolicy& permissions() const { return permissions_; }

  // --- accounts (password work: run on the password pool) ---
  // The first account of an empty database becomes admin (and says so in the log).
  SignedIn signup(const Principal& caller, const AccountInput& input);
  // Unknown accounts cost the same Argon2id verification as known ones (no timing oracle); the
  // refusal never says which part was wrong. Throws AppError(Authentication).
  SignedIn login(std::string_view username, std::string_view password, std::string_view ip);
  void logout(const Principal& caller);
  // Revokes every session of the user and returns a fresh one for this client.
  SignedIn change_password(const Principal& caller, std::string_view current,
                           std::string_view next);
  SignedIn guest(const Principal& caller, const std::optional<std::string>& displayName);
  // For the `user create` command and admins (POST /users).
  User create_user(const Actor& actor, const AccountInput& input);
  std::vector<User> list_users(const Actor& actor, std::int32_t limit, std::int32_t offset);
  User update_user(const Actor& actor, std::string_view id, std::optional<bool> admin,
                   std::optional<bool> disabled);

  // --- API keys ---
  CreatedApiKey create_api_key(const Actor& actor, std::string name, std::uint8_t scopes);
  std::vector<ApiKey> list_api_keys(const Actor& actor);
  ApiKey revoke_api_key(const Actor& actor, std::string_view id);

  // --- resolving credentials (blocking: the middleware caches what these return) ---
  // nullopt: unknown, expired, idle too long, revoked, or the account is disabled.
  std::optional<Principal> session_principal(std::string_view sessionToken);
  std::optional<Principal> api_key_principal(std::string_view key);
  // Records that these sessions (digests) and keys (ids) were used now, in one transaction.
  void touch(const std::vector<std::string>& sessions, const std::vector<std::string>& keys);
  // The digest the store keeps of a session token or an API key.
  std::string digest(std::string_view secret) const { return secrets_.digest(secret); }

  // --- invites of private livestreams ---
  std::vector<Invite> invites(const Actor& actor, std::string_view livestreamId);
  bool invite(const Actor& actor, std::string_view livestreamId, std::string userId);
  bool uninvite(const Actor& actor, std::string_view livestreamId, std::string_view userId);

  // --- audit ---
  // Best effort: a failure to write the audit record is logged, never fails the request.
  void audit(const Actor& actor, std::string_view action, std::string_view target,
             std::string_view outcome, boost::json::value details = nullptr) override;
  std::vector<AuditEntry> audit_log(const Actor& actor, const AuditFilter& filter);

  // Hourly: expired sessions and audit entries past retention, in bounded transactions.
  void cleanup();

  // Validation shared with the command line.
  static std::string normalize_username(std::string_view username);
  static void check_password(std::string_view password);

 private:
  SignedIn new_session(std::string userId, std::string displayName, bool admin, bool guest);
  Livestream managed_livestream(Queries& q, const Actor& actor, std::string_view livestreamId);

  Store& store_;
  const PasswordHasher& hasher_;
  const SecretSource& secrets_;
  const TimeSource& time_;
  IdentityPolicy policy_;
  PermissionPolicy permissions_;
  RevocationSink revoked_;
  std::once_flag dummyOnce_;
  std::string dummyHash_;  // verified against for unknown accounts (equal timing)
};

}  // namespace lso::domain
