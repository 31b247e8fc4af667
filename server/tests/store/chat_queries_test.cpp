// Conformance: the chat, moderation and stage queries of domain::Queries on every
// store backend.
#include "store_fixture.hpp"
#include "util/uuid.hpp"

namespace lso::store::test {
namespace {

using domain::ChatMessage;
using domain::Member;
using domain::ModerationEntry;
using domain::Queries;
using domain::StageStatus;

std::string live_livestream(domain::Store& store, const std::string& room) {
  auto l = make_livestream(room, seconds(1), domain::LivestreamStatus::Live);
  store.write([&](Queries& q) { q.insert_livestream(l); });
  return l.id;
}

ChatMessage message(const std::string& livestreamId, const std::string& userId, domain::TimePoint t,
                    std::optional<std::string> clientId = std::nullopt) {
  ChatMessage m;
  m.id = util::new_uuid();
  m.livestreamId = livestreamId;
  m.userId = userId;
  m.displayName = "Name of " + userId;
  m.text = "hello <b>" + userId + "</b> ünïcode";
  m.createdAt = t;
  m.clientId = std::move(clientId);
  return m;
}

TEST_P(StoreTest, ChatMessagesReadBackAndPageNewestFirst) {
  const auto id = live_livestream(store(), "chat-room");
  std::vector<ChatMessage> sent;
  for (int i = 0; i < 5; ++i)
    sent.push_back(message(id, "u" + std::to_string(i % 2), at(1000 + i)));
  // Two messages at the same instant: the id breaks the tie, and paging still sees each once.
  sent.push_back(message(id, "u1", at(1004)));
  store().write([&](Queries& q) {
    for (const auto& m : sent) EXPECT_TRUE(q.insert_chat_message(m));
  });
  store().read([&](Queries& q) {
    const auto found = q.find_chat_message(sent[0].id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->text, sent[0].text);
    EXPECT_EQ(found->displayName, sent[0].displayName);
    EXPECT_EQ(found->createdAt, sent[0].createdAt);
    EXPECT_FALSE(found->deletedAt);
    EXPECT_FALSE(q.find_chat_message("not-a-uuid"));

    const auto first = q.list_chat_messages(id, nullptr, 4);
    ASSERT_EQ(first.size(), 4u);
    EXPECT_GE(first[0].createdAt, first[1].createdAt);
    const auto rest = q.list_chat_messages(id, &first.back(), 10);
    ASSERT_EQ(rest.size(), 2u);
    std::set<std::string> seen;
    for (const auto& m : first) seen.insert(m.id);
    for (const auto& m : rest) seen.insert(m.id);
    EXPECT_EQ(seen.size(), sent.size());
  });
}

TEST_P(StoreTest, AClientMessageIdIsStoredOnce) {
  const auto id = live_livestream(store(), "chat-idem");
  const auto a = message(id, "bob", at(10), "client-1");
  auto retry = message(id, "bob", at(20), "client-1");
  const auto other = message(id, "dave", at(30), "client-1");  // another author may reuse it
  store().write([&](Queries& q) {
    EXPECT_TRUE(q.insert_chat_message(a));
    EXPECT_FALSE(q.insert_chat_message(retry));
    EXPECT_TRUE(q.insert_chat_message(other));
  });
  store().read([&](Queries& q) {
    const auto found = q.find_chat_message_by_client_id(id, "bob", "client-1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, a.id);
    EXPECT_EQ(q.list_chat_messages(id, nullptr, 10).size(), 2u);
  });
}

TEST_P(StoreTest, DeletedMessagesLeaveHistoryAndActivityCountsRecentOnes) {
  const auto id = live_livestream(store(), "chat-delete");
  const auto a = message(id, "bob", seconds(100));
  const auto b = message(id, "bob", seconds(105));
  store().write([&](Queries& q) {
    q.insert_chat_message(a);
    q.insert_chat_message(b);
    EXPECT_TRUE(q.delete_chat_message(a.id, "carol", seconds(106)));
    EXPECT_FALSE(q.delete_chat_message(a.id, "carol", seconds(107)));  // already
  });
  store().read([&](Queries& q) {
    const auto page = q.list_chat_messages(id, nullptr, 10);
    ASSERT_EQ(page.size(), 1u);
    EXPECT_EQ(page[0].id, b.id);
    const auto gone = q.find_chat_message(a.id);
    ASSERT_TRUE(gone && gone->deletedAt);
    EXPECT_EQ(*gone->deletedAt, seconds(106));
    EXPECT_EQ(gone->deletedBy, "carol");
    const auto activity = q.chat_activity(id, "bob", seconds(101));
    EXPECT_EQ(activity.recent, 1);
    ASSERT_TRUE(activity.last);
    EXPECT_EQ(*activity.last, seconds(105));
    EXPECT_EQ(q.chat_activity(id, "nobody", seconds(0)).recent, 0);
    EXPECT_FALSE(q.chat_activity(id, "nobody", seconds(0)).last);
  });
}

TEST_P(StoreTest, SlowModeMembersAndTheModerationLog) {
  const auto id = live_livestream(store(), "chat-moderation");
  store().write([&](Queries& q) {
    EXPECT_EQ(q.chat_slow_mode(id), 0);
    q.set_chat_slow_mode(id, 30);
    Member m;
    m.livestreamId = id;
    m.userId = "bob";
    m.displayName = "Bob";
    m.moderator = true;
    m.chatTimeoutUntil = seconds(500);
    m.handRaisedAt = seconds(400);
    m.stage = StageStatus::Invited;
    m.updatedAt = seconds(400);
    q.save_member(m);
    m.banned = true;
    m.moderator = false;
    m.stage = StageStatus::On;
    m.updatedAt = seconds(401);
    q.save_member(m);  // replaces
    ModerationEntry e;
    e.livestreamId = id;
    e.at = seconds(401);
    e.actorId = "carol";
    e.action = "ban";
    e.targetUserId = "bob";
    EXPECT_GT(q.insert_moderation(e), 0);
    e.action = "slow_mode";
    e.targetUserId.clear();
    e.details = boost::json::object{{"seconds", 30}};
    q.insert_moderation(e);
  });
  store().read([&](Queries& q) {
    EXPECT_EQ(q.chat_slow_mode(id), 30);
    const auto m = q.find_member(id, "bob");
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->banned);
    EXPECT_FALSE(m->moderator);
    EXPECT_EQ(m->stage, StageStatus::On);
    EXPECT_EQ(m->chatTimeoutUntil, seconds(500));
    EXPECT_EQ(m->handRaisedAt, seconds(400));
    EXPECT_FALSE(q.find_member(id, "dave"));
    EXPECT_EQ(q.list_members(id).size(), 1u);
    const auto log = q.list_moderation(id, 0, 10);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].action, "slow_mode");  // newest first
    EXPECT_TRUE(log[0].targetUserId.empty());
    EXPECT_EQ(log[0].details.at("seconds").to_number<int>(), 30);
    EXPECT_EQ(log[1].targetUserId, "bob");
    EXPECT_EQ(q.list_moderation(id, log[0].id, 10).size(), 1u);
  });
}

}  // namespace
}  // namespace lso::store::test
