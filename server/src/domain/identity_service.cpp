// Accounts, sessions, guests, API keys, invites and the audit log: the rules around each secret
// (made by the CSPRNG, shown once, stored as a digest, revoked everywhere at once).
#include "domain/identity_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "domain/errors.hpp"
#include "domain/validation.hpp"
#include "util/uuid.hpp"

namespace lso::domain {

namespace {

constexpr std::size_t kSessionBytes = 32;  // 256 bits
constexpr std::size_t kApiKeyBytes = 32;
constexpr std::size_t kPasswordMin = 8;
constexpr std::size_t kPasswordMax = 256;
constexpr std::size_t kApiKeyNameMax = 100;
constexpr std::string_view kApiKeyPrefix = "lso_";
constexpr std::int64_t kCleanupChunk = 5000;

AppError invalid(const std::string& message) {
  return AppError(ErrorKind::Validation, message);
}

AppError bad_credentials() {
  return AppError(ErrorKind::Authentication, "Invalid username or password");
}

std::chrono::microseconds micros(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::microseconds>(s);
}

}  // namespace

IdentityService::IdentityService(Store& store, const PasswordHasher& hasher,
                                 const SecretSource& secrets, const TimeSource& time,
                                 IdentityPolicy policy, PermissionPolicy permissions,
                                 RevocationSink revoked)
    : store_(store),
      hasher_(hasher),
      secrets_(secrets),
      time_(time),
      policy_(policy),
      permissions_(permissions),
      revoked_(std::move(revoked)) {}

std::string IdentityService::normalize_username(std::string_view username) {
  std::string out(username);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool ok =
      out.size() >= 3 && out.size() <= 32 &&
      std::all_of(out.begin(), out.end(), [](unsigned char c) {
        return std::isdigit(c) || (c >= 'a' && c <= 'z') || c == '_' || c == '.' || c == '-';
      });
  if (!ok) throw invalid("username must be 3 to 32 characters: letters, digits, '_', '.' or '-'");
  if (out.starts_with("guest-"))
    throw invalid("usernames starting with 'guest-' are reserved for guests");
  return out;
}

void IdentityService::check_password(std::string_view password) {
  const auto n = utf8_length(password);
  if (n < kPasswordMin || n > kPasswordMax || password.size() > 4 * kPasswordMax)
    throw invalid(fmt::format("password must be {} to {} characters", kPasswordMin, kPasswordMax));
}

SignedIn IdentityService::new_session(std::string userId, std::string displayName, bool admin,
                                      bool guest) {
  SignedIn out;
  out.sessionToken = secrets_.random_token(kSessionBytes);
  AuthSession s;
  s.idHash = secrets_.digest(out.sessionToken);
  s.userId = std::move(userId);
  s.displayName = std::move(displayName);
  s.guest = guest;
  s.createdAt = s.lastSeenAt = time_.now();
  s.expiresAt = s.createdAt + micros(policy_.sessionTtl);
  store_.write([&](Queries& q) { q.insert_session(s); });
  out.maxAge = policy_.sessionTtl;
  auto& p = out.principal;
  p.kind = guest ? PrincipalKind::Guest : PrincipalKind::User;
  p.method = AuthMethod::Session;
  p.userId = s.userId;
  p.displayName = s.displayName;
  p.admin = admin;
  p.scopes = kScopeRead | kScopeWrite | (admin ? kScopeAdmin : 0);
  p.credentialId = s.idHash;
  return out;
}

SignedIn IdentityService::signup(const Principal& caller, const AccountInput& input) {
  if (!policy_.accounts) throw AppError(ErrorKind::NotFound, "Built-in accounts are turned off");
  if (!policy_.signupOpen)
    throw AppError(ErrorKind::Authorization,
                   "Sign-up is closed: an admin creates accounts (AUTH_SIGNUP=closed)");
  if (caller.kind == PrincipalKind::User || caller.kind == PrincipalKind::ApiKey)
    throw AppError(ErrorKind::Conflict, "Already signed in: sign out first");
  const auto id = normalize_username(input.username);
  check_password(input.password);
  std::string name = input.displayName.value_or(id);
  require_text("displayName", name, limits::kDisplayNameMax);

  User u;
  u.id = id;
  u.displayName = std::move(name);
  u.passwordHash = hasher_.hash(input.password);
  u.createdAt = u.updatedAt = time_.now();
  bool first = false;
  try {
    store_.write([&](Queries& q) {
      // Counted in the transaction that inserts: two racing first sign-ups cannot both be admin
      // on SQLite (one writer); on PostgreSQL the later one sees the earlier one's row or fails
      // on the key, never both zero (they insert different ids, so admin is at worst granted to
      // the two first accounts of an empty database racing within milliseconds).
      first = q.count_users() == 0;
      u.admin = first;
      q.insert_user(u);
    });
  } catch (const UniqueViolation&) {
    throw AppError(ErrorKind::Conflict, "That username is taken");
  }
  if (first) spdlog::warn("first account '{}' created: it is an admin", u.id);
  Actor self;
  self.kind = PrincipalKind::User;
  self.userId = u.id;
  self.principalName = "user:" + u.id;
  self.ip = caller.ip;
  audit(self, "auth.signup", u.id, "ok", boost::json::object{{"admin", u.admin}});
  auto signedIn = new_session(u.id, u.displayName, u.admin, false);
  signedIn.principal.ip = caller.ip;
  return signedIn;
}

SignedIn IdentityService::login(std::string_view username, std::string_view password,
                                std::string_view ip) {
  if (!policy_.accounts) throw AppError(ErrorKind::NotFound, "Built-in accounts are turned off");
  Actor who;
  who.ip = ip;
  std::string id;
  try {
    id = normalize_username(username);
  } catch (const AppError&) {
    id.clear();
  }
  std::optional<User> user;
  if (!id.empty() && password.size() <= 4 * kPasswordMax)
    user = store_.read([&](Queries& q) { return q.find_user(id); });
  std::call_once(dummyOnce_, [this] { dummyHash_ = hasher_.hash("not a password of anyone"); });
  // The same Argon2id work whether or not the account exists.
  const bool match = hasher_.verify(user ? user->passwordHash : dummyHash_, password) && user;
  who.principalName = user ? "user:" + user->id : "anonymous";
  if (!match || user->disabled) {
    audit(who, "auth.login", id.empty() ? std::string(username.substr(0, 64)) : id, "failed",
          boost::json::object{{"reason", user && match ? "disabled" : "bad credentials"}});
    throw bad_credentials();
  }
  audit(who, "auth.login", user->id, "ok");
  // A cost raised since this password was hashed (AUTH_ARGON2_*) applies from its next login.
  if (hasher_.needs_rehash(user->passwordHash)) {
    const auto rehashed = hasher_.hash(password);
    store_.write([&](Queries& q) { q.set_user_password(user->id, rehashed, time_.now()); });
  }
  auto signedIn = new_session(user->id, user->displayName, user->admin, false);
  signedIn.principal.ip = ip;
  return signedIn;
}

void IdentityService::logout(const Principal& caller) {
  if (caller.method != AuthMethod::Session)
    throw AppError(ErrorKind::Validation, "Only a session cookie can be signed out");
  store_.write([&](Queries& q) { q.delete_session(caller.credentialId); });
  revoked_("s:" + caller.credentialId);
  audit(actor_of(caller), "auth.logout", caller.userId, "ok");
}

SignedIn IdentityService::change_password(const Principal& caller, std::string_view current,
                                          std::string_view next) {
  if (caller.kind != PrincipalKind::User || caller.method != AuthMethod::Session)
    throw AppError(
        caller.kind == PrincipalKind::Nobody ? ErrorKind::Authentication : ErrorKind::Authorization,
        "Only a signed-in account can change its password");
  check_password(next);
  auto user = store_.read([&](Queries& q) { return q.find_user(caller.userId); });
  if (!user || !hasher_.verify(user->passwordHash, current)) {
    audit(actor_of(caller), "auth.password_changed", caller.userId, "failed");
    throw AppError(ErrorKind::Authorization, "The current password is wrong");
  }
  const auto hash = hasher_.hash(next);
  std::vector<std::string> revoked;
  store_.write([&](Queries& q) {
    q.set_user_password(caller.userId, hash, time_.now());
    revoked = q.delete_user_sessions(caller.userId, "");
  });
  for (const auto& digest : revoked) revoked_("s:" + digest);
  audit(actor_of(caller), "auth.password_changed", caller.userId, "ok",
        boost::json::object{{"sessionsRevoked", revoked.size()}});
  auto signedIn = new_session(user->id, user->displayName, user->admin, false);
  signedIn.principal.ip = caller.ip;
  return signedIn;
}

SignedIn IdentityService::guest(const Principal& caller,
                                const std::optional<std::string>& displayName) {
  if (!permissions_.guestsAllowed)
    throw AppError(ErrorKind::Authorization, "Guests are not allowed here (AUTH_GUESTS=false)");
  if (caller.kind != PrincipalKind::Nobody)
    throw AppError(ErrorKind::Conflict, "Already signed in");
  std::string id = "guest-" + secrets_.random_hex(8);
  std::string name = displayName.value_or("Guest " + id.substr(6, 4));
  require_text("displayName", name, limits::kDisplayNameMax);
  auto signedIn = new_session(std::move(id), std::move(name), false, true);
  signedIn.principal.ip = caller.ip;
  return signedIn;
}

User IdentityService::create_user(const Actor& actor, const AccountInput& input) {
  require(permissions_, actor, Action::ManageUsers);
  User u;
  u.id = normalize_username(input.username);
  check_password(input.password);
  u.displayName = input.displayName.value_or(u.id);
  require_text("displayName", u.displayName, limits::kDisplayNameMax);
  u.passwordHash = hasher_.hash(input.password);
  u.admin = input.admin;
  u.createdAt = u.updatedAt = time_.now();
  try {
    store_.write([&](Queries& q) { q.insert_user(u); });
  } catch (const UniqueViolation&) {
    throw AppError(ErrorKind::Conflict, "That username is taken");
  }
  audit(actor, "user.create", u.id, "ok", boost::json::object{{"admin", u.admin}});
  return u;
}

std::vector<User> IdentityService::list_users(const Actor& actor, std::int32_t limit,
                                              std::int32_t offset) {
  require(permissions_, actor, Action::ManageUsers);
  return store_.read([&](Queries& q) { return q.list_users(limit, offset); });
}

User IdentityService::update_user(const Actor& actor, std::string_view id,
                                  std::optional<bool> admin, std::optional<bool> disabled) {
  require(permissions_, actor, Action::ManageUsers);
  if (id == actor.userId && ((admin && !*admin) || (disabled && *disabled)))
    throw AppError(ErrorKind::Conflict,
                   "You cannot remove your own admin rights or disable yourself");
  const auto now = time_.now();
  auto updated = store_.write([&](Queries& q) {
    std::optional<User> u = q.find_user(id);
    if (!u) return u;
    if (admin) u = q.set_user_admin(id, *admin, now);
    if (disabled) u = q.set_user_disabled(id, *disabled, now);
    // A disabled account's sessions end now, not when they expire.
    if (disabled && *disabled) q.delete_user_sessions(id, "");
    return u;
  });
  if (!updated) throw AppError(ErrorKind::NotFound, fmt::format("User {} not found", id));
  revoked_("u:" + std::string(id));
  boost::json::object details;
  if (admin) details["admin"] = *admin;
  if (disabled) details["disabled"] = *disabled;
  audit(actor, "user.update", id, "ok", std::move(details));
  return *updated;
}

CreatedApiKey IdentityService::create_api_key(const Actor& actor, std::string name,
                                              std::uint8_t scopes) {
  require(permissions_, actor, Action::ManageApiKeys);
  require_text("name", name, kApiKeyNameMax);
  if (scopes == 0 || (scopes & ~kAllScopes)) throw invalid("scopes must name at least one scope");
  CreatedApiKey out;
  const auto secretPart = secrets_.random_token(kApiKeyBytes);
  out.secret = std::string(kApiKeyPrefix) + secretPart;
  auto& k = out.key;
  k.id = util::new_uuid();
  k.name = std::move(name);
  k.prefix = std::string(kApiKeyPrefix) + secretPart.substr(0, 8);
  k.secretHash = secrets_.digest(out.secret);
  k.scopes = scopes;
  k.ownerId = actor.userId;
  k.createdAt = time_.now();
  store_.write([&](Queries& q) { q.insert_api_key(k); });
  audit(actor, "apikey.create", k.id, "ok",
        boost::json::object{
            {"name", k.name}, {"scopes", scopes_to_string(scopes)}, {"prefix", k.prefix}});
  return out;
}

std::vector<ApiKey> IdentityService::list_api_keys(const Actor& actor) {
  require(permissions_, actor, Action::ManageApiKeys);
  return store_.read([&](Queries& q) { return q.list_api_keys(); });
}

ApiKey IdentityService::revoke_api_key(const Actor& actor, std::string_view id) {
  require(permissions_, actor, Action::ManageApiKeys);
  if (!util::is_uuid(id))
    throw AppError(ErrorKind::NotFound, fmt::format("API key {} not found", id));
  auto key = store_.write([&](Queries& q) -> std::optional<ApiKey> {
    if (auto k = q.revoke_api_key(id, time_.now())) return k;
    for (auto& k : q.list_api_keys())  // already revoked: idempotent, answer the record
      if (k.id == id) return k;
    return std::nullopt;
  });
  if (!key) throw AppError(ErrorKind::NotFound, fmt::format("API key {} not found", id));
  revoked_("k:" + key->id);
  audit(actor, "apikey.revoke", key->id, "ok", boost::json::object{{"prefix", key->prefix}});
  return *key;
}

std::optional<Principal> IdentityService::session_principal(std::string_view sessionToken) {
  const auto digest = secrets_.digest(sessionToken);
  auto found = store_.read([&](Queries& q) { return q.find_session(digest); });
  if (!found) return std::nullopt;
  const auto now = time_.now();
  const auto& s = found->session;
  if (found->disabled || s.expiresAt <= now || s.lastSeenAt + micros(policy_.sessionIdle) <= now)
    return std::nullopt;
  Principal p;
  p.kind = s.guest ? PrincipalKind::Guest : PrincipalKind::User;
  p.method = AuthMethod::Session;
  p.userId = s.userId;
  p.displayName = found->displayName;
  p.admin = !s.guest && found->admin;
  p.scopes = kScopeRead | kScopeWrite | (p.admin ? kScopeAdmin : 0);
  p.credentialId = digest;
  p.lastActive = s.lastSeenAt;
  return p;
}

std::optional<Principal> IdentityService::api_key_principal(std::string_view key) {
  if (!key.starts_with(kApiKeyPrefix)) return std::nullopt;
  const auto digest = secrets_.digest(key);
  auto found = store_.read([&](Queries& q) { return q.find_api_key_by_hash(digest); });
  if (!found || found->key.revokedAt || found->ownerDisabled) return std::nullopt;
  Principal p;
  p.kind = PrincipalKind::ApiKey;
  p.method = AuthMethod::ApiKey;
  p.userId = found->key.ownerId;
  p.displayName = found->ownerDisplayName;
  // A key acts as its owner (an admin when it was made): the table's admin rows for livestreams
  // apply within its scopes; the administration routes also need the `admin` scope.
  p.admin = found->ownerAdmin;
  p.scopes = found->key.scopes;
  p.credentialId = found->key.id;
  p.lastActive = found->key.lastUsedAt;
  return p;
}

void IdentityService::touch(const std::vector<std::string>& sessions,
                            const std::vector<std::string>& keys) {
  const auto now = time_.now();
  store_.write([&](Queries& q) {
    for (const auto& digest : sessions) q.touch_session(digest, now);
    for (const auto& id : keys) q.touch_api_key(id, now);
  });
}

Livestream IdentityService::managed_livestream(Queries& q, const Actor& actor,
                                               std::string_view livestreamId) {
  std::optional<Livestream> l;
  if (util::is_uuid(livestreamId)) l = q.find_livestream(livestreamId);
  if (!l) throw AppError(ErrorKind::NotFound, fmt::format("Livestream {} not found", livestreamId));
  Subject s;
  s.livestream = &*l;
  require(permissions_, actor, Action::ManageInvites, s);
  return std::move(*l);
}

std::vector<Invite> IdentityService::invites(const Actor& actor, std::string_view livestreamId) {
  return store_.read([&](Queries& q) {
    managed_livestream(q, actor, livestreamId);
    return q.list_invites(livestreamId);
  });
}

bool IdentityService::invite(const Actor& actor, std::string_view livestreamId,
                             std::string userId) {
  require_text("userId", userId, limits::kUserIdMax);
  const bool added = store_.write([&](Queries& q) {
    auto l = managed_livestream(q, actor, livestreamId);
    return q.add_invite({l.id, userId, time_.now()});
  });
  if (added)
    audit(actor, "invite.add", livestreamId, "ok", boost::json::object{{"userId", userId}});
  return added;
}

bool IdentityService::uninvite(const Actor& actor, std::string_view livestreamId,
                               std::string_view userId) {
  const bool removed = store_.write([&](Queries& q) {
    auto l = managed_livestream(q, actor, livestreamId);
    return q.remove_invite(l.id, userId);
  });
  if (removed)
    audit(actor, "invite.remove", livestreamId, "ok", boost::json::object{{"userId", userId}});
  return removed;
}

void IdentityService::audit(const Actor& actor, std::string_view action, std::string_view target,
                            std::string_view outcome, boost::json::value details) {
  AuditEntry e;
  e.at = time_.now();
  e.action = action;
  e.principal = actor.principalName.empty() ? "anonymous" : actor.principalName;
  e.ip = actor.ip;
  e.target = target;
  e.outcome = outcome;
  e.details = std::move(details);
  try {
    store_.write([&](Queries& q) { q.insert_audit(e); });
  } catch (const std::exception& ex) {
    spdlog::warn("audit record {} {} not written: {}", e.action, e.target, ex.what());
  }
}

std::vector<AuditEntry> IdentityService::audit_log(const Actor& actor, const AuditFilter& filter) {
  require(permissions_, actor, Action::ReadAudit);
  return store_.read([&](Queries& q) { return q.list_audit(filter); });
}

void IdentityService::cleanup() {
  const auto now = time_.now();
  const auto idleBefore = now - micros(policy_.sessionIdle);
  std::int64_t sessions = 0, entries = 0;
  for (std::int64_t got = kCleanupChunk; got == kCleanupChunk; sessions += got)
    got = store_.write(
        [&](Queries& q) { return q.delete_expired_sessions(now, idleBefore, kCleanupChunk); });
  const auto auditBefore = now - micros(policy_.auditRetention);
  for (std::int64_t got = kCleanupChunk; got == kCleanupChunk; entries += got)
    got =
        store_.write([&](Queries& q) { return q.delete_audit_before(auditBefore, kCleanupChunk); });
  if (sessions || entries)
    spdlog::info("deleted {} expired sessions and {} audit entries past retention", sessions,
                 entries);
}

}  // namespace lso::domain
