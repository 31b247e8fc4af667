// Conformance: the participant queries of domain::Queries on every store backend.
#include <algorithm>
#include <boost/json/parse.hpp>

#include "store_fixture.hpp"
#include "util/uuid.hpp"

namespace lso::store::test {
namespace {

using domain::ErrorKind;
using domain::Participant;
using domain::ParticipantFilter;
using domain::ParticipantRole;
using domain::ParticipantStatus;
using domain::Queries;

std::vector<std::string> ids(const std::vector<Participant>& list) {
  std::vector<std::string> out;
  for (const auto& p : list) out.push_back(p.id);
  return out;
}

// The order participant lists promise: joinedAt DESC, then id DESC.
std::vector<std::string> newest_first(std::vector<Participant> list) {
  std::sort(list.begin(), list.end(), [](const Participant& a, const Participant& b) {
    return a.joinedAt != b.joinedAt ? a.joinedAt > b.joinedAt : a.id > b.id;
  });
  return ids(list);
}

// A LIVE livestream to join; returns its id.
std::string add_livestream(domain::Store& store, const std::string& room = "room") {
  const auto l = make_livestream(room, seconds(0), domain::LivestreamStatus::Live);
  store.write([&](Queries& q) { q.insert_livestream(l); });
  return l.id;
}

TEST_P(StoreTest, InsertedParticipantReadsBackFieldForField) {
  const std::string livestreamId = add_livestream(store());
  Participant full =
      make_participant(livestreamId, "user-1", at(1'700'000'000'000'001), ParticipantRole::Host);
  full.metadata = boost::json::parse(R"({"avatar":"https://example.com/a.png","level":3})");
  full.livekitParticipantSid = "PA_abc";
  full.livekitRoomSid = "RM_xyz";
  Participant left = make_participant(livestreamId, "user-2", seconds(3));
  left.status = ParticipantStatus::Left;
  left.leftAt = seconds(4);
  store().write([&](Queries& q) {
    q.insert_participant(full);
    q.insert_participant(left);
  });
  store().read([&](Queries& q) {
    const auto active = q.find_active_participant(livestreamId, "user-1");
    ASSERT_TRUE(active);
    expect_same(*active, full);
    const auto bySid = q.find_participant_by_sid("PA_abc");
    ASSERT_TRUE(bySid);
    expect_same(*bySid, full);
    EXPECT_FALSE(q.find_active_participant(livestreamId, "user-2"));
    const auto listed =
        q.list_participants(participants_where(livestreamId, ParticipantStatus::Left, {}));
    ASSERT_EQ(listed.size(), 1u);
    expect_same(listed[0], left);
    EXPECT_FALSE(q.find_participant_by_sid("PA_unknown"));
    EXPECT_FALSE(q.find_active_participant(util::new_uuid(), "user-1"));
    EXPECT_FALSE(q.find_active_participant("not-a-uuid", "user-1"));
  });
}

TEST_P(StoreTest, OneActiveSessionPerUserAndLivestream) {
  const std::string a = add_livestream(store(), "a");
  const std::string b = add_livestream(store(), "b");
  const auto join = [&](const std::string& livestreamId, const std::string& user) {
    return violated_rule([&] {
      store().write([&](Queries& q) {
        q.insert_participant(make_participant(livestreamId, user, seconds(5)));
      });
    });
  };
  EXPECT_EQ(join(a, "u"), "");
  EXPECT_EQ(join(a, "u"), "participants_active_session");
  EXPECT_EQ(join(b, "u"), "");  // another livestream
  EXPECT_EQ(join(a, "v"), "");  // another user
  store().write([&](Queries& q) { ASSERT_TRUE(q.mark_participant_left(a, "u", seconds(6))); });
  EXPECT_EQ(join(a, "u"), "");  // a new session after leaving
  EXPECT_EQ(join(a, "u"), "participants_active_session");
}

TEST_P(StoreTest, InsertIfAbsentSkipsEveryUniquenessRuleAndTheTransactionGoesOn) {
  const std::string l = add_livestream(store());
  Participant withSid = make_participant(l, "s1", seconds(1));
  withSid.livekitParticipantSid = "PA_taken";
  Participant sameSid = make_participant(l, "s2", seconds(2));
  sameSid.livekitParticipantSid = "PA_taken";
  store().write([&](Queries& q) {
    EXPECT_TRUE(q.insert_participant_if_absent(make_participant(l, "u", seconds(1))));
    EXPECT_FALSE(q.insert_participant_if_absent(make_participant(l, "u", seconds(2))));  // active
    EXPECT_TRUE(q.insert_participant_if_absent(withSid));
    EXPECT_FALSE(q.insert_participant_if_absent(sameSid));  // sid
    // The refused inserts did not abort the transaction: it still reads and writes.
    EXPECT_TRUE(q.find_active_participant(l, "u"));
    EXPECT_TRUE(q.insert_participant_if_absent(make_participant(l, "v", seconds(3))));
  });
  const auto joined = store().read([&](Queries& q) {
    return q.list_participants(participants_where(l, ParticipantStatus::Joined, std::nullopt));
  });
  EXPECT_EQ(joined.size(), 3u);
}

// One row per LiveKit session: connected, disconnected once, tombstones never connected.
TEST_P(StoreTest, LivekitSessionsAreKeyedBySid) {
  const std::string l = add_livestream(store());
  store().write([&](Queries& q) {
    q.insert_livekit_session(
        {"PA_1", l, "u", "U", ParticipantRole::Viewer, "RM_1", seconds(1), {}});
    q.insert_livekit_session(
        {"PA_gone", l, "u", "U", ParticipantRole::Viewer, std::nullopt, std::nullopt, seconds(1)});
  });
  store().write([&](Queries& q) {  // a failed statement ends a PostgreSQL transaction
    try {
      q.insert_livekit_session({"PA_1", l, "w", "W", ParticipantRole::Viewer, {}, seconds(1), {}});
      ADD_FAILURE() << "a second row for one sid";
    } catch (const domain::UniqueViolation& e) {
      EXPECT_EQ(e.constraint(), "participant_sessions_pkey");
    }
  });
  store().write([&](Queries& q) {
    const auto s = q.find_livekit_session("PA_1");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->livestreamId, l);
    EXPECT_EQ(s->userId, "u");
    EXPECT_EQ(s->roomSid, std::optional<std::string>("RM_1"));
    EXPECT_TRUE(s->connected());
    const auto tomb = q.find_livekit_session("PA_gone");
    ASSERT_TRUE(tomb);
    EXPECT_FALSE(tomb->connected());
    EXPECT_FALSE(tomb->connectedAt);
    EXPECT_FALSE(q.disconnect_livekit_session("PA_gone", seconds(2)));  // never connected
    EXPECT_TRUE(q.disconnect_livekit_session("PA_1", seconds(3)));
    EXPECT_FALSE(q.disconnect_livekit_session("PA_1", seconds(4)));
    EXPECT_EQ(q.find_livekit_session("PA_1")->disconnectedAt, seconds(3));
    EXPECT_FALSE(q.find_livekit_session("PA_none"));
  });
}

TEST_P(StoreTest, LivekitParticipantSidIsUnique) {
  const std::string l = add_livestream(store());
  Participant first = make_participant(l, "u1", seconds(1));
  first.livekitParticipantSid = "PA_same";
  Participant second = make_participant(l, "u2", seconds(2));
  second.livekitParticipantSid = "PA_same";
  store().write([&](Queries& q) {
    q.insert_participant(first);
    q.insert_participant(make_participant(l, "u3", seconds(3)));  // no sid: never conflicts
    q.insert_participant(make_participant(l, "u4", seconds(3)));
  });
  EXPECT_EQ(
      violated_rule([&] { store().write([&](Queries& q) { q.insert_participant(second); }); }),
      "participants_livekit_sid");
  EXPECT_EQ(
      violated_rule([&] {
        store().write([&](Queries& q) { q.attach_livekit_session(l, "u3", "PA_same", "RM_1"); });
      }),
      "participants_livekit_sid");
}

TEST_P(StoreTest, ParticipantOfUnknownLivestreamIsNotFound) {
  for (const std::string& livestreamId : {util::new_uuid(), std::string("not-a-uuid")}) {
    try {
      store().write([&](Queries& q) {
        q.insert_participant(make_participant(livestreamId, "u", seconds(1)));
      });
      ADD_FAILURE() << "no error for livestream " << livestreamId;
    } catch (const domain::AppError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::NotFound) << e.what();
    }
  }
}

TEST_P(StoreTest, ListParticipantsNewestFirstWithFilters) {
  const std::string l = add_livestream(store(), "l");
  const std::string other = add_livestream(store(), "other");
  std::vector<Participant> all;
  for (int i = 0; i < 12; ++i) {
    Participant p = make_participant(l, "u" + std::to_string(i), seconds(i % 5),
                                     i % 4 == 0 ? ParticipantRole::Host : ParticipantRole::Viewer);
    if (i % 3 == 0) {
      p.status = ParticipantStatus::Left;
      p.leftAt = seconds(10);
    }
    all.push_back(p);
  }
  store().write([&](Queries& q) {
    for (const auto& p : all) q.insert_participant(p);
    q.insert_participant(make_participant(other, "u0", seconds(1)));
  });
  const auto matching = [&](std::optional<ParticipantStatus> status,
                            std::optional<ParticipantRole> role) {
    std::vector<Participant> out;
    for (const auto& p : all) {
      if ((!status || p.status == *status) && (!role || p.role == *role)) out.push_back(p);
    }
    return newest_first(out);
  };
  store().read([&](Queries& q) {
    EXPECT_EQ(ids(q.list_participants(participants_where(l, {}, {}))), matching({}, {}));
    for (auto status : {ParticipantStatus::Joined, ParticipantStatus::Left}) {
      EXPECT_EQ(ids(q.list_participants(participants_where(l, status, {}))), matching(status, {}));
      for (auto role : {ParticipantRole::Host, ParticipantRole::Viewer}) {
        EXPECT_EQ(ids(q.list_participants(participants_where(l, status, role))),
                  matching(status, role));
      }
    }
    EXPECT_EQ(ids(q.list_participants(participants_where(l, {}, ParticipantRole::Viewer))),
              matching({}, ParticipantRole::Viewer));
    const auto everyone = matching({}, {});
    EXPECT_EQ(ids(q.list_participants(participants_where(l, {}, {}, {5, 5}))),
              std::vector(everyone.begin() + 5, everyone.begin() + 10));
    EXPECT_TRUE(q.list_participants(participants_where(l, {}, {}, {5, 12})).empty());
    EXPECT_TRUE(q.list_participants(participants_where(util::new_uuid(), {}, {})).empty());
    EXPECT_TRUE(q.list_participants(participants_where("bad", {}, {})).empty());
  });
}

TEST_P(StoreTest, MarkParticipantLeftEndsOnlyTheActiveSession) {
  const std::string l = add_livestream(store());
  const Participant p = make_participant(l, "u", seconds(1));
  store().write([&](Queries& q) { q.insert_participant(p); });
  store().write([&](Queries& q) {
    EXPECT_FALSE(q.mark_participant_left(l, "someone-else", seconds(2)));
    const auto left = q.mark_participant_left(l, "u", seconds(2));
    ASSERT_TRUE(left);
    EXPECT_EQ(left->id, p.id);
    EXPECT_EQ(left->status, ParticipantStatus::Left);
    EXPECT_EQ(left->leftAt, seconds(2));
    EXPECT_FALSE(q.mark_participant_left(l, "u", seconds(3)));  // already left
    EXPECT_FALSE(q.find_active_participant(l, "u"));
  });
}

TEST_P(StoreTest, MarkParticipantsLeftEndsOnlyTheListedActiveSessions) {
  const std::string l = add_livestream(store());
  const std::string other = add_livestream(store(), "room-other");
  const std::string quoted = "o'brien \"q\" \\ ü";  // quoted and escaped on the way
  store().write([&](Queries& q) {
    for (const std::string u : {"a", "b", "c", "d"})
      q.insert_participant(make_participant(l, u, seconds(1)));
    q.insert_participant(make_participant(l, quoted, seconds(1)));
    q.insert_participant(make_participant(other, "a", seconds(1)));
    ASSERT_TRUE(q.mark_participant_left(l, "d", seconds(2)));
  });
  const std::vector<std::string> gone = {"a", "c", "d", quoted, "nobody", "a"};
  EXPECT_EQ(
      store().write([&](Queries& q) { return q.mark_participants_left(l, gone, seconds(3)); }),
      3);  // a, c and the quoted one; d had left already, nobody never joined
  store().read([&](Queries& q) {
    std::vector<std::string> active;
    for (const auto& p : q.active_participants(l)) active.push_back(p.userId);
    EXPECT_EQ(active, std::vector<std::string>{"b"});
    EXPECT_TRUE(q.find_active_participant(other, "a"));  // another livestream's session stays
    const auto left = q.list_participants(participants_where(l, ParticipantStatus::Left, {}));
    ASSERT_EQ(left.size(), 4u);
    for (const auto& p : left) EXPECT_EQ(p.leftAt, p.userId == "d" ? seconds(2) : seconds(3));
  });
  EXPECT_EQ(store().write([&](Queries& q) { return q.mark_participants_left(l, {}, seconds(4)); }),
            0);
  EXPECT_EQ(store().write([&](Queries& q) {
    return q.mark_participants_left("not-a-uuid", gone, seconds(4));
  }),
            0);
}

TEST_P(StoreTest, AttachLivekitSessionThenLeave) {
  const std::string l = add_livestream(store());
  store().write([&](Queries& q) {
    EXPECT_FALSE(q.attach_livekit_session(l, "u", "PA_1", "RM_1"));  // no active session yet
    q.insert_participant(make_participant(l, "u", seconds(1)));
    const auto attached = q.attach_livekit_session(l, "u", "PA_1", "RM_1");
    ASSERT_TRUE(attached);
    EXPECT_EQ(attached->livekitParticipantSid, "PA_1");
    EXPECT_EQ(attached->livekitRoomSid, "RM_1");
  });
  store().write([&](Queries& q) {
    const auto left = q.mark_participant_left(l, "u", seconds(3));
    ASSERT_TRUE(left);
    EXPECT_EQ(left->userId, "u");
    EXPECT_EQ(left->status, ParticipantStatus::Left);
    EXPECT_EQ(left->leftAt, seconds(3));
    EXPECT_FALSE(q.mark_participant_left(l, "u", seconds(4)));
    // The sid keeps pointing at the (now LEFT) record.
    const auto bySid = q.find_participant_by_sid("PA_1");
    ASSERT_TRUE(bySid);
    EXPECT_EQ(bySid->status, ParticipantStatus::Left);
  });
}

TEST_P(StoreTest, MarkAllParticipantsLeftCountsOnlyActiveOnes) {
  const std::string l = add_livestream(store(), "l");
  const std::string other = add_livestream(store(), "other");
  Participant earlier = make_participant(l, "gone", seconds(1));
  earlier.status = ParticipantStatus::Left;
  earlier.leftAt = seconds(2);
  store().write([&](Queries& q) {
    q.insert_participant(earlier);
    for (const char* u : {"a", "b", "c"}) q.insert_participant(make_participant(l, u, seconds(3)));
    q.insert_participant(make_participant(other, "a", seconds(3)));
  });
  EXPECT_EQ(store().write([&](Queries& q) { return q.mark_all_participants_left(l, seconds(9)); }),
            3);
  EXPECT_EQ(store().write([&](Queries& q) { return q.mark_all_participants_left(l, seconds(10)); }),
            0);
  store().read([&](Queries& q) {
    for (const auto& p : q.list_participants(participants_where(l, {}, {}))) {
      EXPECT_EQ(p.status, ParticipantStatus::Left);
      EXPECT_EQ(p.leftAt, p.userId == "gone" ? seconds(2) : seconds(9)) << p.userId;
    }
    EXPECT_TRUE(q.find_active_participant(other, "a"));
  });
}

TEST_P(StoreTest, ActiveParticipantsOldestFirst) {
  const std::string l = add_livestream(store());
  store().write([&](Queries& q) {
    q.insert_participant(make_participant(l, "late", seconds(3)));
    q.insert_participant(make_participant(l, "host", seconds(1), ParticipantRole::Host));
    q.insert_participant(make_participant(l, "middle", seconds(2)));
    q.insert_participant(make_participant(l, "leaver", seconds(0)));
    q.mark_participant_left(l, "leaver", seconds(4));
  });
  const auto active = store().read([&](Queries& q) { return q.active_participants(l); });
  ASSERT_EQ(active.size(), 3u);
  EXPECT_EQ(active[0].userId, "host");
  EXPECT_EQ(active[0].displayName, "Name of host");
  EXPECT_EQ(active[0].role, ParticipantRole::Host);
  EXPECT_EQ(active[1].userId, "middle");
  EXPECT_EQ(active[1].role, ParticipantRole::Viewer);
  EXPECT_EQ(active[2].userId, "late");
  EXPECT_TRUE(
      store().read([&](Queries& q) { return q.active_participants(util::new_uuid()); }).empty());
}

// The lookups the audience rules make: presence (another connected session), whether a user
// ever watched, the people connected, watch times, and the recount that repairs the counters.
TEST_P(StoreTest, SessionLookupsAnswerPresenceHistoryAndWatchTime) {
  const std::string l = add_livestream(store(), "l");
  const std::string other = add_livestream(store(), "other");
  const auto V = ParticipantRole::Viewer;
  store().write([&](Queries& q) {
    q.insert_livekit_session({"S1", l, "v1", "Vee", V, {}, seconds(10), seconds(20)});
    q.insert_livekit_session({"S2", l, "v1", "Vee", V, {}, seconds(30), {}});
    q.insert_livekit_session({"S3", l, "v2", "Two", V, {}, seconds(15), {}});
    q.insert_livekit_session({"S4", l, "tomb", "T", V, {}, std::nullopt, seconds(5)});
    q.insert_livekit_session({"H1", l, "host", "Host", ParticipantRole::Host, {}, seconds(1), {}});
    q.insert_livekit_session({"O1", other, "v1", "Vee", V, {}, seconds(1), {}});
  });
  store().write([&](Queries& q) {
    EXPECT_EQ(q.other_connected_session(l, "v1", "S1"), std::optional<std::string>("S2"));
    EXPECT_FALSE(q.other_connected_session(l, "v1", "S2"));
    EXPECT_FALSE(q.other_connected_session(l, "tomb", ""));
    // What a new session's connect reads, in one statement.
    auto context = q.session_context(l, "v1", "S9");
    EXPECT_FALSE(context.sidKnown);
    EXPECT_TRUE(context.present);    // S2 is connected
    EXPECT_TRUE(context.wasViewer);  // S1 connected once
    EXPECT_FALSE(context.seat);      // no seat
    context = q.session_context(l, "tomb", "S4");
    EXPECT_TRUE(context.sidKnown);  // a tombstone is known
    EXPECT_FALSE(context.present);
    EXPECT_FALSE(context.wasViewer);  // a tombstone never watched
    const auto people = q.connected_people(l);
    ASSERT_EQ(people.size(), 3u);
    EXPECT_EQ(people[0].userId, "host");
    EXPECT_EQ(people[0].role, ParticipantRole::Host);
    EXPECT_EQ(people[1].userId, "v2");
    EXPECT_EQ(people[1].displayName, "Two");
    EXPECT_EQ(people[2].userId, "v1");
    EXPECT_EQ(people[2].connectedAt, seconds(30));
    auto watch = q.viewer_watch_times(l, seconds(40));
    std::sort(watch.begin(), watch.end());
    EXPECT_EQ(watch, (std::vector<std::int64_t>{10'000'000, 10'000'000, 25'000'000}));
    // The counters start at zero here: the recount sets them from the sessions.
    EXPECT_EQ(q.recount_audience(l, "host", seconds(41)), 2);
    const auto after = q.find_livestream(l);
    EXPECT_EQ(after->totalViewers, 2);
    EXPECT_EQ(after->peakViewers, 2);
    EXPECT_EQ(after->peakAt, seconds(41));
    EXPECT_TRUE(after->hostConnected);
    const std::string users[] = {"v1", "nobody"};
    EXPECT_EQ(q.disconnect_user_sessions(l, users, seconds(50)), 1);
    EXPECT_EQ(q.disconnect_all_sessions(l, seconds(51)), 2);
    EXPECT_TRUE(q.connected_people(l).empty());
    EXPECT_EQ(q.connected_people(other).size(), 1u);
  });
}

}  // namespace
}  // namespace lso::store::test
