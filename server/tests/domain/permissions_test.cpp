// The permission table, row by row: who is allowed, who is refused, and with which status kind.
#include "domain/permissions.hpp"

#include <gtest/gtest.h>

#include "domain/errors.hpp"

namespace lso::domain {
namespace {

Actor user(std::string id, bool admin = false) {
  Actor a;
  a.kind = PrincipalKind::User;
  a.userId = std::move(id);
  a.admin = admin;
  a.scopes = kScopeRead | kScopeWrite | (admin ? kScopeAdmin : 0);
  return a;
}
Actor guest() {
  Actor a;
  a.kind = PrincipalKind::Guest;
  a.userId = "guest-1234";
  a.scopes = kScopeRead | kScopeWrite;
  return a;
}
Actor nobody() {
  return actor_of(Principal::nobody());
}
Actor key(std::uint8_t scopes, bool admin = false) {
  Actor a;
  a.kind = PrincipalKind::ApiKey;
  a.userId = "owner";
  a.admin = admin;
  a.scopes = scopes;
  return a;
}
Livestream livestream(Visibility v, std::string creator = "carol") {
  Livestream l;
  l.id = "00000000-0000-4000-8000-000000000001";
  l.createdBy = std::move(creator);
  l.visibility = v;
  return l;
}

bool allowed(const Actor& a, Action action, const Livestream* l = nullptr, bool invited = false,
             std::string_view target = {}, PermissionPolicy policy = {}) {
  Subject s;
  s.livestream = l;
  s.invited = invited;
  s.targetUserId = target;
  return decide(policy, a, action, s).allowed;
}

TEST(Permissions, EveryActionHasItsOwnRow) {
  // A missing row would fall back to the first one ("list livestreams", allowed to everyone):
  // each admin-only action must refuse a plain user, which the fallback would not.
  const auto pub = livestream(Visibility::Public);
  for (auto action : {Action::ManageUsers, Action::ManageApiKeys, Action::ReadAudit})
    EXPECT_FALSE(allowed(user("bob"), action, &pub)) << to_string(action);
  for (auto action : {Action::EndLivestream, Action::JoinAsHost, Action::ManageInvites,
                      Action::SeeUserIds, Action::ManageIngest, Action::ManageRecordings})
    EXPECT_FALSE(allowed(user("bob"), action, &pub)) << to_string(action);
}

TEST(Permissions, CreateNeedsASignedInUserNotAGuestOrNobody) {
  EXPECT_TRUE(allowed(user("alice"), Action::CreateLivestream));
  EXPECT_FALSE(allowed(guest(), Action::CreateLivestream));
  const auto d = decide({}, nobody(), Action::CreateLivestream);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.refusal, ErrorKind::Authentication);  // 401: sign in
  EXPECT_EQ(decide({}, guest(), Action::CreateLivestream).refusal, ErrorKind::Authorization);
  EXPECT_FALSE(allowed(key(kScopeRead), Action::CreateLivestream));  // scope missing
  EXPECT_TRUE(allowed(key(kScopeWrite), Action::CreateLivestream));
}

TEST(Permissions, IngestAndRecordingsAreManagedByTheCreatorAndAdmins) {
  const auto l = livestream(Visibility::Public);
  for (auto action : {Action::ManageIngest, Action::ManageRecordings}) {
    EXPECT_TRUE(allowed(user("carol"), action, &l)) << to_string(action);
    EXPECT_TRUE(allowed(user("root", true), action, &l)) << to_string(action);
    EXPECT_FALSE(allowed(user("bob"), action, &l)) << to_string(action);
    EXPECT_FALSE(allowed(guest(), action, &l)) << to_string(action);
    EXPECT_FALSE(allowed(key(kScopeRead), action, &l)) << to_string(action);  // needs write
    Subject subject;
    subject.livestream = &l;
    const auto d = decide({}, nobody(), action, subject);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.refusal, ErrorKind::Authentication) << to_string(action);
    EXPECT_TRUE(allowed(actor_of(Principal::open()), action, &l)) << to_string(action);
  }
}

TEST(Permissions, RecordingsAreReadByWhoeverMayReadTheLivestream) {
  const auto pub = livestream(Visibility::Public);
  const auto priv = livestream(Visibility::Private);
  EXPECT_TRUE(allowed(user("bob"), Action::ReadRecordings, &pub));
  EXPECT_TRUE(allowed(guest(), Action::ReadRecordings, &pub));
  EXPECT_FALSE(allowed(guest(), Action::ReadRecordings, &pub, false, {}, {false, false}));
  EXPECT_FALSE(allowed(user("bob"), Action::ReadRecordings, &priv));
  EXPECT_TRUE(allowed(user("bob"), Action::ReadRecordings, &priv, true));
  EXPECT_TRUE(allowed(user("carol"), Action::ReadRecordings, &priv));
}

TEST(Permissions, EndIsForTheCreatorAndAdmins) {
  const auto l = livestream(Visibility::Public);
  EXPECT_TRUE(allowed(user("carol"), Action::EndLivestream, &l));
  EXPECT_TRUE(allowed(user("root", true), Action::EndLivestream, &l));
  EXPECT_FALSE(allowed(user("bob"), Action::EndLivestream, &l));
  EXPECT_FALSE(allowed(guest(), Action::EndLivestream, &l));
  // An admin's key without the write scope cannot end anything.
  EXPECT_FALSE(allowed(key(kScopeRead | kScopeAdmin, true), Action::EndLivestream, &l));
}

TEST(Permissions, HostIsTheCreatorOnlyEvenForAdmins) {
  const auto l = livestream(Visibility::Public);
  EXPECT_TRUE(allowed(user("carol"), Action::JoinAsHost, &l));
  EXPECT_FALSE(allowed(user("root", true), Action::JoinAsHost, &l));
}

TEST(Permissions, ViewersFollowVisibility) {
  const auto pub = livestream(Visibility::Public);
  const auto unl = livestream(Visibility::Unlisted);
  const auto prv = livestream(Visibility::Private);
  EXPECT_TRUE(allowed(user("bob"), Action::JoinAsViewer, &pub));
  EXPECT_TRUE(allowed(user("bob"), Action::JoinAsViewer, &unl));
  EXPECT_FALSE(allowed(user("bob"), Action::JoinAsViewer, &prv));
  EXPECT_TRUE(allowed(user("bob"), Action::JoinAsViewer, &prv, true));  // invited
  EXPECT_TRUE(allowed(user("carol"), Action::JoinAsViewer, &prv));      // its creator
  // Guests watch public livestreams only, and only when the deployment allows guests.
  EXPECT_TRUE(allowed(guest(), Action::JoinAsViewer, &pub));
  EXPECT_FALSE(allowed(guest(), Action::JoinAsViewer, &unl));
  EXPECT_FALSE(allowed(guest(), Action::JoinAsViewer, &prv, true));
  EXPECT_FALSE(allowed(guest(), Action::JoinAsViewer, &pub, false, {}, {false, false}));
  // Nobody has no identity to join with.
  EXPECT_FALSE(allowed(nobody(), Action::JoinAsViewer, &pub));
}

TEST(Permissions, ReadsFollowVisibilityAndTheGuestSwitch) {
  const auto pub = livestream(Visibility::Public);
  const auto unl = livestream(Visibility::Unlisted);
  const auto prv = livestream(Visibility::Private);
  EXPECT_TRUE(allowed(nobody(), Action::ReadLivestream, &pub));
  EXPECT_TRUE(allowed(nobody(), Action::ReadLivestream, &unl));  // the link is the secret
  EXPECT_FALSE(allowed(nobody(), Action::ReadLivestream, &prv));
  EXPECT_FALSE(allowed(nobody(), Action::ReadLivestream, &pub, false, {}, {false, false}));
  EXPECT_FALSE(allowed(nobody(), Action::ListLivestreams, nullptr, false, {}, {false, false}));
  EXPECT_TRUE(allowed(user("bob"), Action::ReadLivestream, &pub, false, {}, {false, false}));
  EXPECT_FALSE(allowed(user("bob"), Action::ReadLivestream, &prv));
  EXPECT_TRUE(allowed(user("bob"), Action::ReadLivestream, &prv, true));
  EXPECT_TRUE(allowed(user("root", true), Action::ReadLivestream, &prv));
  // Private livestreams are refused with 403 to the signed-in, 401 to nobody.
  Subject s;
  s.livestream = &prv;
  EXPECT_EQ(decide({}, user("bob"), Action::ReadLivestream, s).refusal, ErrorKind::Authorization);
  EXPECT_EQ(decide({}, nobody(), Action::ReadLivestream, s).refusal, ErrorKind::Authentication);
}

TEST(Permissions, UserIdsAreForTheCreatorAdminsAndOpenMode) {
  const auto l = livestream(Visibility::Public);
  EXPECT_TRUE(allowed(user("carol"), Action::SeeUserIds, &l));
  EXPECT_TRUE(allowed(user("root", true), Action::SeeUserIds, &l));
  EXPECT_FALSE(allowed(user("bob"), Action::SeeUserIds, &l));
  EXPECT_FALSE(allowed(nobody(), Action::SeeUserIds, &l));
  EXPECT_TRUE(allowed(actor_of(Principal::open()), Action::SeeUserIds, &l));
}

TEST(Permissions, LeaveIsForTheParticipantTheCreatorAndAdmins) {
  const auto l = livestream(Visibility::Public);
  EXPECT_TRUE(allowed(user("bob"), Action::Leave, &l, false, "bob"));
  EXPECT_FALSE(allowed(user("bob"), Action::Leave, &l, false, "dave"));
  EXPECT_TRUE(allowed(user("carol"), Action::Leave, &l, false, "dave"));
  EXPECT_TRUE(allowed(user("root", true), Action::Leave, &l, false, "dave"));
  EXPECT_FALSE(allowed(nobody(), Action::Leave, &l, false, ""));
}

TEST(Permissions, AdministrationIsForAdminsWithTheAdminScope) {
  for (auto action :
       {Action::ManageUsers, Action::ManageApiKeys, Action::ReadAudit, Action::ManageDeadLetters}) {
    EXPECT_TRUE(allowed(user("root", true), action)) << to_string(action);
    EXPECT_TRUE(allowed(key(kScopeAdmin, true), action)) << to_string(action);
    EXPECT_FALSE(allowed(key(kScopeRead | kScopeWrite, true), action)) << to_string(action);
    EXPECT_FALSE(allowed(key(kScopeAdmin, false), action)) << to_string(action);
    EXPECT_FALSE(allowed(user("bob"), action)) << to_string(action);
    EXPECT_FALSE(allowed(guest(), action)) << to_string(action);
  }
}

TEST(Permissions, FilteringByCreatorNamesOnlyYourselfUnlessAdmin) {
  EXPECT_TRUE(allowed(user("bob"), Action::ListByCreator, nullptr, false, "bob"));
  EXPECT_FALSE(allowed(user("bob"), Action::ListByCreator, nullptr, false, "carol"));
  EXPECT_TRUE(allowed(user("root", true), Action::ListByCreator, nullptr, false, "carol"));
  EXPECT_FALSE(allowed(nobody(), Action::ListByCreator, nullptr, false, "carol"));
  EXPECT_TRUE(allowed(actor_of(Principal::open()), Action::ListByCreator, nullptr, false, "x"));
}

TEST(Permissions, ListScopes) {
  EXPECT_EQ(list_scope(user("root", true)), LivestreamFilter::Scope::All);
  EXPECT_EQ(list_scope(actor_of(Principal::open())), LivestreamFilter::Scope::All);
  EXPECT_EQ(list_scope(user("bob")), LivestreamFilter::Scope::PublicOrOwn);
  EXPECT_EQ(list_scope(guest()), LivestreamFilter::Scope::PublicOnly);
  EXPECT_EQ(list_scope(nobody()), LivestreamFilter::Scope::PublicOnly);
}

TEST(Actors, BodyIdentityFieldsNameTheActorOnlyForActAsKeysAndOpenMode) {
  Principal alice;
  alice.kind = PrincipalKind::User;
  alice.userId = "alice";
  alice.scopes = kScopeRead | kScopeWrite;
  EXPECT_EQ(resolve_actor(alice, "createdBy", std::nullopt).userId, "alice");
  EXPECT_EQ(resolve_actor(alice, "createdBy", std::string("alice")).userId, "alice");
  try {
    resolve_actor(alice, "createdBy", std::string("mallory"));
    FAIL() << "naming someone else must be refused";
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Authorization);
  }
  EXPECT_EQ(resolve_actor(alice, "userId", std::string("dave"), true).userId, "alice");

  Principal backend;
  backend.kind = PrincipalKind::ApiKey;
  backend.userId = "root";
  backend.admin = true;
  backend.scopes = kScopeWrite | kScopeActAs | kScopeAdmin;
  const auto acting = resolve_actor(backend, "createdBy", std::string("dave"));
  EXPECT_EQ(acting.userId, "dave");
  EXPECT_FALSE(acting.admin);  // the named user is not the admin who made the key
  EXPECT_TRUE(acting.namedInBody);

  backend.scopes = kScopeWrite;  // without act-as a key is its owner
  EXPECT_THROW(resolve_actor(backend, "createdBy", std::string("dave")), AppError);

  EXPECT_THROW(resolve_actor(Principal::open(), "createdBy", std::nullopt), AppError);
  EXPECT_EQ(resolve_actor(Principal::open(), "createdBy", std::string("x")).userId, "x");
}

// --- chat, moderation and the stage ---

bool chat_allowed(const Actor& a, Action action, const Livestream& l, std::string_view target = {},
                  bool moderator = false, bool targetModerator = false,
                  PermissionPolicy policy = {}) {
  Subject s;
  s.livestream = &l;
  s.targetUserId = target;
  s.moderator = moderator;
  s.targetModerator = targetModerator;
  return decide(policy, a, action, s).allowed;
}

TEST(ChatPermissions, ReadingAndPostingFollowWhoMayWatch) {
  const auto pub = livestream(Visibility::Public);
  const auto priv = livestream(Visibility::Private);
  EXPECT_TRUE(chat_allowed(user("bob"), Action::ReadChat, pub));
  EXPECT_TRUE(chat_allowed(user("bob"), Action::PostChat, pub));
  EXPECT_TRUE(chat_allowed(guest(), Action::PostChat, pub));
  EXPECT_FALSE(chat_allowed(guest(), Action::PostChat, pub, {}, false, false, {false, false}));
  EXPECT_FALSE(chat_allowed(user("bob"), Action::PostChat, priv));  // not invited
  EXPECT_FALSE(chat_allowed(user("bob"), Action::ReadChat, priv));
  EXPECT_TRUE(chat_allowed(user("carol"), Action::PostChat, priv));  // the host
  Subject subject;
  subject.livestream = &pub;
  EXPECT_EQ(decide({}, nobody(), Action::PostChat, subject).refusal, ErrorKind::Authentication);
  EXPECT_FALSE(chat_allowed(key(kScopeRead), Action::PostChat, pub));
}

TEST(ChatPermissions, AViewerDeletesOnlyTheirOwnMessage) {
  const auto l = livestream(Visibility::Public);
  EXPECT_TRUE(chat_allowed(user("bob"), Action::DeleteChatMessage, l, "bob"));
  EXPECT_FALSE(chat_allowed(user("bob"), Action::DeleteChatMessage, l, "dave"));
  EXPECT_FALSE(chat_allowed(guest(), Action::DeleteChatMessage, l, "dave"));
  EXPECT_TRUE(chat_allowed(user("carol"), Action::DeleteChatMessage, l, "dave"));     // host
  EXPECT_TRUE(chat_allowed(user("mo"), Action::DeleteChatMessage, l, "dave", true));  // moderator
  EXPECT_TRUE(chat_allowed(user("root", true), Action::DeleteChatMessage, l, "dave"));
}

TEST(ChatPermissions, ModeratingIsForTheHostModeratorsAndAdmins) {
  const auto l = livestream(Visibility::Public);
  EXPECT_FALSE(chat_allowed(user("bob"), Action::Moderate, l));
  EXPECT_FALSE(chat_allowed(guest(), Action::Moderate, l));
  EXPECT_TRUE(chat_allowed(user("mo"), Action::Moderate, l, {}, true));
  EXPECT_TRUE(chat_allowed(user("carol"), Action::Moderate, l));
  EXPECT_TRUE(chat_allowed(user("root", true), Action::Moderate, l));
  // Open mode has no identities: being "open" is no moderator right by itself.
  EXPECT_FALSE(chat_allowed(actor_of(Principal::open()), Action::Moderate, l));
}

TEST(ChatPermissions, NobodyModeratesTheHostAndModeratorsDoNotModerateEachOther) {
  const auto l = livestream(Visibility::Public);
  EXPECT_FALSE(chat_allowed(user("bob"), Action::ModerateUser, l, "dave"));  // a viewer
  EXPECT_TRUE(chat_allowed(user("mo"), Action::ModerateUser, l, "dave", true));
  EXPECT_FALSE(chat_allowed(user("mo"), Action::ModerateUser, l, "carol", true));  // the host
  EXPECT_FALSE(chat_allowed(user("mo"), Action::ModerateUser, l, "mo2", true, true));
  EXPECT_FALSE(chat_allowed(user("mo"), Action::ModerateUser, l, "mo", true, true));  // self
  EXPECT_TRUE(chat_allowed(user("carol"), Action::ModerateUser, l, "mo2", false, true));
  EXPECT_FALSE(chat_allowed(user("carol"), Action::ModerateUser, l, "carol"));
  EXPECT_FALSE(chat_allowed(user("root", true), Action::ModerateUser, l, "carol"));
  EXPECT_TRUE(chat_allowed(user("root", true), Action::ModerateUser, l, "mo2", false, true));
}

TEST(ChatPermissions, OnlyTheCreatorAppointsModerators) {
  const auto l = livestream(Visibility::Public);
  EXPECT_TRUE(chat_allowed(user("carol"), Action::ManageModerators, l, "bob"));
  EXPECT_FALSE(chat_allowed(user("mo"), Action::ManageModerators, l, "bob", true));
  EXPECT_FALSE(chat_allowed(user("bob"), Action::ManageModerators, l, "bob"));
  EXPECT_TRUE(chat_allowed(user("root", true), Action::ManageModerators, l, "bob"));
}

TEST(ChatPermissions, HandsAndTheStage) {
  const auto l = livestream(Visibility::Public);
  EXPECT_TRUE(chat_allowed(user("bob"), Action::RaiseHand, l, "bob"));
  EXPECT_FALSE(chat_allowed(user("bob"), Action::RaiseHand, l, "dave"));
  EXPECT_FALSE(chat_allowed(user("carol"), Action::RaiseHand, l, "carol"));  // the host
  EXPECT_TRUE(chat_allowed(user("bob"), Action::LowerHand, l, "bob"));
  EXPECT_FALSE(chat_allowed(user("bob"), Action::LowerHand, l, "dave"));
  EXPECT_TRUE(chat_allowed(user("mo"), Action::LowerHand, l, "dave", true));
  EXPECT_TRUE(chat_allowed(user("carol"), Action::ManageStage, l, "bob"));
  EXPECT_FALSE(chat_allowed(user("mo"), Action::ManageStage, l, "bob", true));
  EXPECT_FALSE(chat_allowed(user("bob"), Action::ManageStage, l, "bob"));
  EXPECT_TRUE(chat_allowed(user("bob"), Action::AnswerStageInvite, l, "bob"));
  EXPECT_FALSE(chat_allowed(user("dave"), Action::AnswerStageInvite, l, "bob"));
  EXPECT_FALSE(chat_allowed(user("carol"), Action::AnswerStageInvite, l, "bob"));
}

TEST(Scopes, ParseAndPrint) {
  EXPECT_EQ(parse_scopes("read, write,act-as"), kScopeRead | kScopeWrite | kScopeActAs);
  EXPECT_EQ(parse_scopes("admin"), kScopeAdmin);
  EXPECT_FALSE(parse_scopes("read,root"));
  EXPECT_EQ(scopes_to_string(kAllScopes), "read,write,admin,act-as");
}

}  // namespace
}  // namespace lso::domain
