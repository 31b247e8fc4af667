// Conformance: the identity queries of domain::Queries (accounts, sessions, API keys, audit log,
// invites, server secrets, livestream visibility) on every store backend.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <limits>

#include "store_fixture.hpp"
#include "util/uuid.hpp"

namespace lso::store::test {
namespace {

using domain::ApiKey;
using domain::AuditEntry;
using domain::AuditFilter;
using domain::AuthSession;
using domain::Invite;
using domain::Livestream;
using domain::LivestreamFilter;
using domain::LivestreamStatus;
using domain::Queries;
using domain::User;
using domain::Visibility;

User make_user(const std::string& id, domain::TimePoint createdAt, bool admin = false) {
  User u;
  u.id = id;
  u.displayName = "Name of " + id;
  u.passwordHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$" + id;
  u.admin = admin;
  u.createdAt = createdAt;
  u.updatedAt = createdAt;
  return u;
}

AuthSession make_session(const std::string& idHash, const std::string& userId,
                         domain::TimePoint createdAt, bool guest = false) {
  AuthSession s;
  s.idHash = idHash;
  s.userId = userId;
  s.displayName = "Session name of " + userId;
  s.guest = guest;
  s.createdAt = createdAt;
  s.expiresAt = createdAt + std::chrono::hours(720);
  s.lastSeenAt = createdAt;
  return s;
}

ApiKey make_key(const std::string& secretHash, const std::string& ownerId,
                domain::TimePoint createdAt) {
  ApiKey k;
  k.id = util::new_uuid();
  k.name = "key " + secretHash;
  k.prefix = "lso_" + secretHash.substr(0, 8);
  k.secretHash = secretHash;
  k.scopes = domain::kScopeRead | domain::kScopeWrite;
  k.ownerId = ownerId;
  k.createdAt = createdAt;
  return k;
}

AuditEntry make_audit(const std::string& action, domain::TimePoint at) {
  AuditEntry e;
  e.at = at;
  e.action = action;
  e.principal = "user:alice";
  e.ip = "192.0.2.7";
  e.target = "target-" + action;
  e.outcome = "ok";
  return e;
}

// The livestream and participant overloads of the fixture, beside this file's own.
using test::expect_same;

void expect_same(const User& a, const User& e) {
  EXPECT_EQ(a.id, e.id);
  EXPECT_EQ(a.displayName, e.displayName);
  EXPECT_EQ(a.passwordHash, e.passwordHash);
  EXPECT_EQ(a.admin, e.admin);
  EXPECT_EQ(a.disabled, e.disabled);
  EXPECT_EQ(a.createdAt, e.createdAt);
  EXPECT_EQ(a.updatedAt, e.updatedAt);
}

void expect_same(const AuthSession& a, const AuthSession& e) {
  EXPECT_EQ(a.idHash, e.idHash);
  EXPECT_EQ(a.userId, e.userId);
  EXPECT_EQ(a.displayName, e.displayName);
  EXPECT_EQ(a.guest, e.guest);
  EXPECT_EQ(a.createdAt, e.createdAt);
  EXPECT_EQ(a.expiresAt, e.expiresAt);
  EXPECT_EQ(a.lastSeenAt, e.lastSeenAt);
}

void expect_same(const ApiKey& a, const ApiKey& e) {
  EXPECT_EQ(a.id, e.id);
  EXPECT_EQ(a.name, e.name);
  EXPECT_EQ(a.prefix, e.prefix);
  EXPECT_EQ(a.secretHash, e.secretHash);
  EXPECT_EQ(a.scopes, e.scopes);
  EXPECT_EQ(a.ownerId, e.ownerId);
  EXPECT_EQ(a.createdAt, e.createdAt);
  EXPECT_EQ(a.lastUsedAt, e.lastUsedAt);
  EXPECT_EQ(a.revokedAt, e.revokedAt);
}

template <class T, class F>
std::vector<std::string> keys(const std::vector<T>& list, F key) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(key(item));
  return out;
}
std::vector<std::string> ids(const std::vector<Livestream>& list) {
  return keys(list, [](const Livestream& l) { return l.id; });
}
std::vector<std::int64_t> audit_ids(const std::vector<AuditEntry>& list) {
  std::vector<std::int64_t> out;
  for (const auto& e : list) out.push_back(e.id);
  return out;
}
std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// --- users ---

TEST_P(StoreTest, UserReadsBackFieldForField) {
  User admin = make_user("alice", seconds(1), true);
  admin.updatedAt = seconds(2);
  User plain = make_user("bob", at(-1));
  plain.disabled = true;
  plain.displayName = "Bob \"the builder\" Ünicode";
  store().write([&](Queries& q) {
    q.insert_user(admin);
    q.insert_user(plain);
  });
  store().read([&](Queries& q) {
    const auto a = q.find_user("alice");
    ASSERT_TRUE(a);
    expect_same(*a, admin);
    const auto b = q.find_user("bob");
    ASSERT_TRUE(b);
    expect_same(*b, plain);
    EXPECT_FALSE(q.find_user("carol"));
    EXPECT_FALSE(q.find_user("ALICE"));
    EXPECT_FALSE(q.find_user(""));
    EXPECT_EQ(q.count_users(), 2);
  });
}

TEST_P(StoreTest, DuplicateUserIsUsersPkey) {
  store().write([&](Queries& q) { q.insert_user(make_user("alice", seconds(1))); });
  EXPECT_EQ(violated_rule([&] {
              store().write([&](Queries& q) { q.insert_user(make_user("alice", seconds(2))); });
            }),
            "users_pkey");
  // The violation leaves the transaction usable on every backend.
  store().write([&](Queries& q) {
    EXPECT_EQ(violated_rule([&] { q.insert_user(make_user("alice", seconds(3))); }), "users_pkey");
    q.insert_user(make_user("bob", seconds(4)));
  });
  store().read([&](Queries& q) {
    EXPECT_EQ(q.count_users(), 2);
    EXPECT_EQ(q.find_user("alice")->createdAt, seconds(1));
  });
}

TEST_P(StoreTest, ListUsersOldestFirstAndPaginates) {
  std::vector<User> all;
  for (int i = 0; i < 7; ++i) all.push_back(make_user("user" + std::to_string(i), seconds(7 - i)));
  all.push_back(make_user("same-b", seconds(3)));
  all.push_back(make_user("same-a", seconds(3)));
  store().write([&](Queries& q) {
    EXPECT_EQ(q.count_users(), 0);
    for (const auto& u : all) q.insert_user(u);
  });
  std::sort(all.begin(), all.end(), [](const User& a, const User& b) {
    return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
  });
  const auto expected = keys(all, [](const User& u) { return u.id; });
  store().read([&](Queries& q) {
    EXPECT_EQ(q.count_users(), 9);
    EXPECT_EQ(keys(q.list_users(100, 0), [](const User& u) { return u.id; }), expected);
    std::vector<std::string> paged;
    for (int offset = 0; offset < 12; offset += 4) {
      for (const auto& u : q.list_users(4, offset)) paged.push_back(u.id);
    }
    EXPECT_EQ(paged, expected);
    EXPECT_TRUE(q.list_users(0, 0).empty());
    EXPECT_TRUE(q.list_users(-1, 0).empty());
    EXPECT_EQ(q.list_users(2, -5).size(), 2u);
  });
}

TEST_P(StoreTest, UserUpdatesReturnTheUpdatedAccount) {
  const User alice = make_user("alice", seconds(1));
  store().write([&](Queries& q) { q.insert_user(alice); });
  store().write([&](Queries& q) {
    const auto p = q.set_user_password("alice", "$argon2id$new", seconds(2));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->passwordHash, "$argon2id$new");
    EXPECT_EQ(p->updatedAt, seconds(2));
    EXPECT_EQ(p->createdAt, seconds(1));
    EXPECT_FALSE(p->admin);

    const auto a = q.set_user_admin("alice", true, seconds(3));
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->admin);
    EXPECT_FALSE(a->disabled);
    EXPECT_EQ(a->passwordHash, "$argon2id$new");
    EXPECT_EQ(a->updatedAt, seconds(3));

    const auto d = q.set_user_disabled("alice", true, seconds(4));
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->disabled);
    EXPECT_TRUE(d->admin);
    EXPECT_EQ(d->updatedAt, seconds(4));

    EXPECT_FALSE(q.set_user_password("nobody", "x", seconds(5)));
    EXPECT_FALSE(q.set_user_admin("nobody", true, seconds(5)));
    EXPECT_FALSE(q.set_user_disabled("nobody", true, seconds(5)));
  });
  store().write([&](Queries& q) {
    const auto back = q.set_user_admin("alice", false, seconds(6));
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->admin);
    const auto enabled = q.set_user_disabled("alice", false, seconds(7));
    ASSERT_TRUE(enabled);
    EXPECT_FALSE(enabled->disabled);
  });
  const auto stored = store().read([](Queries& q) { return q.find_user("alice"); });
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->admin);
  EXPECT_FALSE(stored->disabled);
  EXPECT_EQ(stored->passwordHash, "$argon2id$new");
  EXPECT_EQ(stored->updatedAt, seconds(7));
}

// --- sessions ---

TEST_P(StoreTest, SessionLookupCarriesTheAccountsCurrentState) {
  User alice = make_user("alice", seconds(1), true);
  alice.displayName = "Alice A.";
  AuthSession session = make_session("hash-a", "alice", seconds(2));
  session.displayName = "Alice at sign-in";
  session.expiresAt = seconds(1000);
  session.lastSeenAt = seconds(3);
  store().write([&](Queries& q) {
    q.insert_user(alice);
    q.insert_session(session);
  });
  auto found = store().read([](Queries& q) { return q.find_session("hash-a"); });
  ASSERT_TRUE(found);
  expect_same(found->session, session);
  EXPECT_TRUE(found->admin);
  EXPECT_FALSE(found->disabled);
  EXPECT_EQ(found->displayName, "Alice A.");

  store().write([](Queries& q) {
    q.set_user_disabled("alice", true, seconds(4));
    q.set_user_admin("alice", false, seconds(4));
  });
  found = store().read([](Queries& q) { return q.find_session("hash-a"); });
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->disabled);
  EXPECT_FALSE(found->admin);

  store().read([](Queries& q) {
    EXPECT_FALSE(q.find_session("hash-unknown"));
    EXPECT_FALSE(q.find_session(""));
  });
}

TEST_P(StoreTest, GuestSessionLookupNeedsNoAccount) {
  AuthSession guest = make_session("hash-g", "guest-4f2a", seconds(1), true);
  guest.displayName = "Curious visitor";
  store().write([&](Queries& q) { q.insert_session(guest); });
  const auto found = store().read([](Queries& q) { return q.find_session("hash-g"); });
  ASSERT_TRUE(found);
  expect_same(found->session, guest);
  EXPECT_TRUE(found->session.guest);
  EXPECT_FALSE(found->admin);
  EXPECT_FALSE(found->disabled);
  EXPECT_EQ(found->displayName, "Curious visitor");

  // An account that happens to carry a guest's id never lends it its rights.
  store().write([](Queries& q) { q.insert_user(make_user("guest-4f2a", seconds(2), true)); });
  const auto again = store().read([](Queries& q) { return q.find_session("hash-g"); });
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->admin);
  EXPECT_EQ(again->displayName, "Curious visitor");
}

TEST_P(StoreTest, TouchAndDeleteSession) {
  store().write([](Queries& q) { q.insert_session(make_session("hash-a", "alice", seconds(1))); });
  store().write([](Queries& q) {
    q.touch_session("hash-a", seconds(60));
    q.touch_session("hash-unknown", seconds(60));
  });
  const auto touched = store().read([](Queries& q) { return q.find_session("hash-a"); });
  ASSERT_TRUE(touched);
  EXPECT_EQ(touched->session.lastSeenAt, seconds(60));
  EXPECT_EQ(touched->session.createdAt, seconds(1));

  store().write([](Queries& q) {
    EXPECT_TRUE(q.delete_session("hash-a"));
    EXPECT_FALSE(q.delete_session("hash-a"));
    EXPECT_FALSE(q.find_session("hash-a"));
  });
}

TEST_P(StoreTest, DeleteUserSessionsKeepsOneAndReportsTheOthers) {
  store().write([](Queries& q) {
    q.insert_user(make_user("alice", seconds(1)));
    for (const char* h : {"a1", "a2", "a3", "a4"})
      q.insert_session(make_session(h, "alice", seconds(2)));
    q.insert_session(make_session("b1", "bob", seconds(2)));
  });
  const auto deleted =
      store().write([](Queries& q) { return q.delete_user_sessions("alice", "a2"); });
  EXPECT_EQ(sorted(deleted), (std::vector<std::string>{"a1", "a3", "a4"}));
  store().read([](Queries& q) {
    EXPECT_TRUE(q.find_session("a2"));
    EXPECT_FALSE(q.find_session("a1"));
    EXPECT_TRUE(q.find_session("b1"));
  });
  // No session to keep: every one goes.
  const auto rest = store().write([](Queries& q) { return q.delete_user_sessions("alice", ""); });
  EXPECT_EQ(rest, std::vector<std::string>{"a2"});
  EXPECT_TRUE(
      store().write([](Queries& q) { return q.delete_user_sessions("alice", ""); }).empty());
  EXPECT_TRUE(store().read([](Queries& q) { return q.find_session("b1"); }));
}

TEST_P(StoreTest, ExpiredAndIdleSessionCleanupRespectsTheLimit) {
  const auto now = seconds(10'000);
  const auto idleBefore = seconds(5'000);
  std::vector<std::string> doomed;
  store().write([&](Queries& q) {
    for (int i = 0; i < 3; ++i) {  // past their absolute expiry, recently seen
      auto s = make_session("expired" + std::to_string(i), "alice", seconds(100));
      s.expiresAt = now - std::chrono::seconds(1 + i);
      s.lastSeenAt = now - std::chrono::seconds(1);
      q.insert_session(s);
      doomed.push_back(s.idHash);
    }
    for (int i = 0; i < 2; ++i) {  // not expired, idle too long
      auto s = make_session("idle" + std::to_string(i), "bob", seconds(100));
      s.expiresAt = now + std::chrono::hours(1);
      s.lastSeenAt = idleBefore - std::chrono::seconds(1 + i);
      q.insert_session(s);
      doomed.push_back(s.idHash);
    }
    auto fresh = make_session("fresh", "carol", seconds(100));
    fresh.expiresAt = now;  // expiry is "before now", not "at"
    fresh.lastSeenAt = idleBefore;
    q.insert_session(fresh);
  });
  EXPECT_EQ(
      store().write([&](Queries& q) { return q.delete_expired_sessions(now, idleBefore, 2); }), 2);
  EXPECT_EQ(
      store().write([&](Queries& q) { return q.delete_expired_sessions(now, idleBefore, 0); }), 0);
  EXPECT_EQ(
      store().write([&](Queries& q) { return q.delete_expired_sessions(now, idleBefore, 100); }),
      3);
  EXPECT_EQ(
      store().write([&](Queries& q) { return q.delete_expired_sessions(now, idleBefore, 100); }),
      0);
  store().read([&](Queries& q) {
    for (const auto& h : doomed) EXPECT_FALSE(q.find_session(h)) << h;
    EXPECT_TRUE(q.find_session("fresh"));
  });
}

// --- API keys ---

TEST_P(StoreTest, ApiKeyLookupByHashCarriesItsOwner) {
  User admin = make_user("alice", seconds(1), true);
  admin.displayName = "Alice Admin";
  ApiKey key = make_key("hash-1", "alice", seconds(2));
  key.scopes = domain::kAllScopes;
  key.lastUsedAt = seconds(3);
  const ApiKey orphan = make_key("hash-2", "jwt-admin", seconds(3));
  store().write([&](Queries& q) {
    q.insert_user(admin);
    q.insert_api_key(key);
    q.insert_api_key(orphan);
  });
  store().read([&](Queries& q) {
    const auto found = q.find_api_key_by_hash("hash-1");
    ASSERT_TRUE(found);
    expect_same(found->key, key);
    EXPECT_EQ(found->ownerDisplayName, "Alice Admin");
    EXPECT_TRUE(found->ownerAdmin);
    EXPECT_FALSE(found->ownerDisabled);

    const auto unowned = q.find_api_key_by_hash("hash-2");
    ASSERT_TRUE(unowned);
    expect_same(unowned->key, orphan);
    EXPECT_EQ(unowned->ownerDisplayName, "jwt-admin");
    EXPECT_FALSE(unowned->ownerAdmin);
    EXPECT_FALSE(unowned->ownerDisabled);

    EXPECT_FALSE(q.find_api_key_by_hash("hash-3"));
  });
  store().write([](Queries& q) { q.set_user_disabled("alice", true, seconds(4)); });
  const auto disabled = store().read([](Queries& q) { return q.find_api_key_by_hash("hash-1"); });
  ASSERT_TRUE(disabled);
  EXPECT_TRUE(disabled->ownerDisabled);
}

TEST_P(StoreTest, ApiKeySecretHashesAreUnique) {
  store().write([](Queries& q) { q.insert_api_key(make_key("hash-1", "alice", seconds(1))); });
  store().write([](Queries& q) {
    EXPECT_EQ(violated_rule([&] { q.insert_api_key(make_key("hash-1", "bob", seconds(2))); }),
              "api_keys_secret");
    q.insert_api_key(make_key("hash-2", "bob", seconds(2)));
  });
  EXPECT_EQ(store().read([](Queries& q) { return q.list_api_keys(); }).size(), 2u);
  ApiKey bad = make_key("hash-3", "alice", seconds(3));
  bad.id = "not-a-uuid";
  EXPECT_THROW(store().write([&](Queries& q) { q.insert_api_key(bad); }), domain::AppError);
}

TEST_P(StoreTest, ApiKeysListNewestFirstRevokeOnceAndTouch) {
  std::vector<ApiKey> all;
  for (int i = 0; i < 4; ++i)
    all.push_back(make_key("hash-" + std::to_string(i), "alice", seconds(i)));
  store().write([&](Queries& q) {
    for (const auto& k : all) q.insert_api_key(k);
  });
  const auto listed = store().read([](Queries& q) { return q.list_api_keys(); });
  EXPECT_EQ(keys(listed, [](const ApiKey& k) { return k.secretHash; }),
            (std::vector<std::string>{"hash-3", "hash-2", "hash-1", "hash-0"}));

  store().write([&](Queries& q) {
    const auto revoked = q.revoke_api_key(all[1].id, seconds(10));
    ASSERT_TRUE(revoked);
    EXPECT_EQ(revoked->id, all[1].id);
    EXPECT_EQ(revoked->revokedAt, seconds(10));
    EXPECT_FALSE(q.revoke_api_key(all[1].id, seconds(11)));
    EXPECT_FALSE(q.revoke_api_key(util::new_uuid(), seconds(11)));
    EXPECT_FALSE(q.revoke_api_key("not-a-uuid", seconds(11)));

    q.touch_api_key(all[2].id, seconds(12));
    q.touch_api_key("not-a-uuid", seconds(12));
  });
  store().read([&](Queries& q) {
    const auto revoked = q.find_api_key_by_hash("hash-1");
    ASSERT_TRUE(revoked);  // revoked keys are still found: the caller refuses them
    EXPECT_EQ(revoked->key.revokedAt, seconds(10));
    const auto touched = q.find_api_key_by_hash("hash-2");
    ASSERT_TRUE(touched);
    EXPECT_EQ(touched->key.lastUsedAt, seconds(12));
    EXPECT_FALSE(touched->key.revokedAt);
    EXPECT_EQ(q.list_api_keys().size(), 4u);
  });
}

// --- audit log ---

TEST_P(StoreTest, AuditEntriesReadBackNewestFirstWithDetails) {
  AuditEntry withDetails = make_audit("auth.login", seconds(1));
  withDetails.details = boost::json::parse(R"({"reason":"bad password","attempt":3})");
  AuditEntry plain = make_audit("livestream.end", seconds(2));
  plain.target = "";
  std::int64_t first = 0;
  std::int64_t second = 0;
  store().write([&](Queries& q) {
    first = q.insert_audit(withDetails);
    second = q.insert_audit(plain);
  });
  EXPECT_GT(first, 0);
  EXPECT_GT(second, first);
  const auto listed = store().read([](Queries& q) { return q.list_audit({}); });
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, second);
  EXPECT_EQ(listed[0].action, "livestream.end");
  EXPECT_EQ(listed[0].target, "");
  EXPECT_TRUE(listed[0].details.is_null());
  EXPECT_EQ(listed[1].id, first);
  EXPECT_EQ(listed[1].at, seconds(1));
  EXPECT_EQ(listed[1].action, "auth.login");
  EXPECT_EQ(listed[1].principal, "user:alice");
  EXPECT_EQ(listed[1].ip, "192.0.2.7");
  EXPECT_EQ(listed[1].target, "target-auth.login");
  EXPECT_EQ(listed[1].outcome, "ok");
  EXPECT_EQ(listed[1].details, withDetails.details);
}

TEST_P(StoreTest, AuditPagesBackwardsByIdAndFiltersByAction) {
  std::vector<std::int64_t> logins;
  std::vector<std::int64_t> all;
  store().write([&](Queries& q) {
    for (int i = 0; i < 10; ++i) {
      const bool login = i % 3 == 0;
      const auto id = q.insert_audit(make_audit(login ? "auth.login" : "join.refused", seconds(i)));
      all.push_back(id);
      if (login) logins.push_back(id);
    }
  });
  std::reverse(all.begin(), all.end());
  std::reverse(logins.begin(), logins.end());
  store().read([&](Queries& q) {
    AuditFilter f;
    f.limit = 100;
    EXPECT_EQ(audit_ids(q.list_audit(f)), all);

    // Pages of 4, each before the last id of the previous page.
    std::vector<std::int64_t> paged;
    f.limit = 4;
    for (;;) {
      const auto page = q.list_audit(f);
      if (page.empty()) break;
      EXPECT_LE(page.size(), 4u);
      for (const auto& e : page) paged.push_back(e.id);
      f.beforeId = page.back().id;
    }
    EXPECT_EQ(paged, all);

    AuditFilter byAction;
    byAction.action = "auth.login";
    EXPECT_EQ(audit_ids(q.list_audit(byAction)), logins);
    byAction.beforeId = logins[0];
    byAction.limit = 2;
    EXPECT_EQ(audit_ids(q.list_audit(byAction)), (std::vector<std::int64_t>{logins[1], logins[2]}));
    byAction.action = "unknown.action";
    EXPECT_TRUE(q.list_audit(byAction).empty());

    AuditFilter none;
    none.limit = 0;
    EXPECT_TRUE(q.list_audit(none).empty());
    none.limit = 3;
    none.beforeId = std::numeric_limits<std::int64_t>::max();
    EXPECT_EQ(q.list_audit(none).size(), 3u);
  });
}

TEST_P(StoreTest, AuditCleanupDeletesOldEntriesInChunks) {
  store().write([&](Queries& q) {
    for (int i = 0; i < 7; ++i) q.insert_audit(make_audit("auth.login", seconds(i)));
  });
  // Entries at 0..4 are before seconds(5).
  EXPECT_EQ(store().write([](Queries& q) { return q.delete_audit_before(seconds(5), 3); }), 3);
  EXPECT_EQ(store().write([](Queries& q) { return q.delete_audit_before(seconds(5), 3); }), 2);
  EXPECT_EQ(store().write([](Queries& q) { return q.delete_audit_before(seconds(5), 3); }), 0);
  AuditFilter f;
  f.limit = 100;
  const auto left = store().read([&](Queries& q) { return q.list_audit(f); });
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].at, seconds(6));
  EXPECT_EQ(left[1].at, seconds(5));
  // Ids keep growing after a cleanup.
  const auto next =
      store().write([](Queries& q) { return q.insert_audit(make_audit("x", seconds(7))); });
  EXPECT_GT(next, left[0].id);
}

// --- invites ---

TEST_P(StoreTest, InvitesAddOnceRemoveAndListOldestFirst) {
  Livestream l = make_livestream("room", seconds(1));
  l.visibility = Visibility::Private;
  const Livestream other = make_livestream("other", seconds(1));
  store().write([&](Queries& q) {
    q.insert_livestream(l);
    q.insert_livestream(other);
  });
  store().write([&](Queries& q) {
    EXPECT_TRUE(q.add_invite({l.id, "carol", seconds(3)}));
    EXPECT_TRUE(q.add_invite({l.id, "bob", seconds(2)}));
    EXPECT_TRUE(q.add_invite({l.id, "dave", seconds(2)}));
    EXPECT_FALSE(q.add_invite({l.id, "bob", seconds(4)}));
    EXPECT_TRUE(q.add_invite({other.id, "bob", seconds(5)}));
  });
  store().read([&](Queries& q) {
    EXPECT_TRUE(q.is_invited(l.id, "bob"));
    EXPECT_FALSE(q.is_invited(l.id, "erin"));
    EXPECT_FALSE(q.is_invited("not-a-uuid", "bob"));
    const auto list = q.list_invites(l.id);
    EXPECT_EQ(keys(list, [](const Invite& i) { return i.userId; }),
              (std::vector<std::string>{"bob", "dave", "carol"}));
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].livestreamId, l.id);
    EXPECT_EQ(list[0].createdAt, seconds(2));  // the first add's time, not the repeat's
    EXPECT_TRUE(q.list_invites(util::new_uuid()).empty());
    EXPECT_TRUE(q.list_invites("not-a-uuid").empty());
  });
  store().write([&](Queries& q) {
    EXPECT_TRUE(q.remove_invite(l.id, "bob"));
    EXPECT_FALSE(q.remove_invite(l.id, "bob"));
    EXPECT_FALSE(q.remove_invite("not-a-uuid", "bob"));
    EXPECT_FALSE(q.is_invited(l.id, "bob"));
    EXPECT_TRUE(q.is_invited(other.id, "bob"));
  });
}

TEST_P(StoreTest, InviteToAnUnknownLivestreamIsNotFound) {
  const auto kind_of = [&](const std::string& livestreamId) {
    try {
      store().write([&](Queries& q) { q.add_invite({livestreamId, "bob", seconds(1)}); });
    } catch (const domain::AppError& e) {
      return e.kind();
    }
    return domain::ErrorKind::Internal;
  };
  EXPECT_EQ(kind_of(util::new_uuid()), domain::ErrorKind::NotFound);
  EXPECT_EQ(kind_of("not-a-uuid"), domain::ErrorKind::NotFound);
  // The transaction goes on after the refusal on every backend.
  const Livestream l = make_livestream("room", seconds(1));
  store().write([&](Queries& q) {
    q.insert_livestream(l);
    EXPECT_THROW(q.add_invite({util::new_uuid(), "bob", seconds(2)}), domain::AppError);
    EXPECT_TRUE(q.add_invite({l.id, "bob", seconds(2)}));
  });
  EXPECT_TRUE(store().read([&](Queries& q) { return q.is_invited(l.id, "bob"); }));
}

// --- server secrets ---

TEST_P(StoreTest, GetOrCreateSecretKeepsTheFirstValue) {
  EXPECT_EQ(store().write([](Queries& q) { return q.get_or_create_secret("ticket", "first"); }),
            "first");
  EXPECT_EQ(store().write([](Queries& q) { return q.get_or_create_secret("ticket", "second"); }),
            "first");
  EXPECT_EQ(store().write([](Queries& q) { return q.get_or_create_secret("other", "third"); }),
            "third");
  // Another instance on the same database sees the same secret.
  const auto again = open_again();
  EXPECT_EQ(again->write([](Queries& q) { return q.get_or_create_secret("ticket", "mine"); }),
            "first");
}

// --- livestream visibility ---

TEST_P(StoreTest, VisibilityAndCreatorNameRoundTrip) {
  for (const auto visibility : {Visibility::Public, Visibility::Unlisted, Visibility::Private}) {
    Livestream l = make_livestream("room-" + std::string(to_string(visibility)), seconds(1));
    l.visibility = visibility;
    l.creatorName = "Créatrice « 1 »";
    store().write([&](Queries& q) { q.insert_livestream(l); });
    const auto found = store().read([&](Queries& q) { return q.find_livestream(l.id); });
    ASSERT_TRUE(found);
    expect_same(*found, l);
    // Status changes return the whole row, new columns included.
    const auto live =
        store().write([&](Queries& q) { return q.mark_livestream_live(l.id, seconds(2)); });
    ASSERT_TRUE(live);
    EXPECT_EQ(live->visibility, visibility);
    EXPECT_EQ(live->creatorName, l.creatorName);
  }
  const Livestream seed = make_livestream("seed", seconds(3));
  store().write([&](Queries& q) { q.insert_livestream(seed); });
  const auto found = store().read([&](Queries& q) { return q.find_livestream(seed.id); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->visibility, Visibility::Public);
  EXPECT_EQ(found->creatorName, "");
}

TEST_P(StoreTest, ListLivestreamsHonoursTheReadersScope) {
  const auto make = [](const std::string& room, int at, Visibility v, const std::string& by,
                       LivestreamStatus status = LivestreamStatus::Live) {
    Livestream l = make_livestream(room, seconds(at), status, by);
    l.visibility = v;
    return l;
  };
  const Livestream alicePublic = make("a-pub", 1, Visibility::Public, "alice");
  const Livestream alicePrivate = make("a-priv", 2, Visibility::Private, "alice");
  const Livestream aliceUnlisted =
      make("a-unl", 3, Visibility::Unlisted, "alice", LivestreamStatus::Ended);
  const Livestream bobUnlisted = make("b-unl", 4, Visibility::Unlisted, "bob");
  const Livestream bobPublic = make("b-pub", 5, Visibility::Public, "bob", LivestreamStatus::Ended);
  const Livestream bobPrivate = make("b-priv", 6, Visibility::Private, "bob");
  store().write([&](Queries& q) {
    for (const auto* l :
         {&alicePublic, &alicePrivate, &aliceUnlisted, &bobUnlisted, &bobPublic, &bobPrivate})
      q.insert_livestream(*l);
  });
  const auto list = [&](LivestreamFilter::Scope scope, const std::string& reader,
                        std::optional<LivestreamStatus> status = {},
                        std::optional<std::string> createdBy = {}, Page page = {}) {
    auto f = livestreams_where(status, std::move(createdBy), page);
    f.scope = scope;
    f.reader = reader;
    return ids(store().read([&](Queries& q) { return q.list_livestreams(f); }));
  };
  using S = LivestreamFilter::Scope;
  using V = std::vector<std::string>;
  const auto live = LivestreamStatus::Live;

  EXPECT_EQ(list(S::All, ""), (V{bobPrivate.id, bobPublic.id, bobUnlisted.id, aliceUnlisted.id,
                                 alicePrivate.id, alicePublic.id}));
  EXPECT_EQ(list(S::PublicOnly, ""), (V{bobPublic.id, alicePublic.id}));
  // A reader named in PublicOnly sees no more than anybody.
  EXPECT_EQ(list(S::PublicOnly, "alice"), (V{bobPublic.id, alicePublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, "alice"),
            (V{bobPublic.id, aliceUnlisted.id, alicePrivate.id, alicePublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, "bob"),
            (V{bobPrivate.id, bobPublic.id, bobUnlisted.id, alicePublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, "carol"), (V{bobPublic.id, alicePublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, ""), (V{bobPublic.id, alicePublic.id}));

  // Combined with the status and creator filters.
  EXPECT_EQ(list(S::All, "", live),
            (V{bobPrivate.id, bobUnlisted.id, alicePrivate.id, alicePublic.id}));
  EXPECT_EQ(list(S::PublicOnly, "", live), (V{alicePublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, "bob", live), (V{bobPrivate.id, bobUnlisted.id, alicePublic.id}));
  EXPECT_EQ(list(S::All, "", {}, "bob"), (V{bobPrivate.id, bobPublic.id, bobUnlisted.id}));
  EXPECT_EQ(list(S::PublicOnly, "", {}, "bob"), (V{bobPublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, "alice", {}, "bob"), (V{bobPublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, "bob", {}, "bob"),
            (V{bobPrivate.id, bobPublic.id, bobUnlisted.id}));
  EXPECT_EQ(list(S::All, "", live, "alice"), (V{alicePrivate.id, alicePublic.id}));
  EXPECT_EQ(list(S::PublicOnly, "", live, "alice"), (V{alicePublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, "alice", live, "alice"), (V{alicePrivate.id, alicePublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, "bob", live, "alice"), (V{alicePublic.id}));

  // Pages count visible livestreams only.
  EXPECT_EQ(list(S::PublicOnly, "", {}, {}, {1, 1}), (V{alicePublic.id}));
  EXPECT_EQ(list(S::PublicOrOwn, "alice", {}, {}, {2, 1}), (V{aliceUnlisted.id, alicePrivate.id}));
}

}  // namespace
}  // namespace lso::store::test
