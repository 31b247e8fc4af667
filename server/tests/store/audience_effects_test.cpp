// Who is counted, on every backend (docs/architecture.md, "Audience"): counts mean sessions
// LiveKit confirmed, every participant effect is keyed by session id, peaks are exact and the
// series is written with the effects. On PostgreSQL the participant events run in the database's
// functions, so these tests hold both implementations of the rules to the same outcomes.
#include <array>
#include <atomic>
#include <memory>
#include <random>

#include "domain/audience.hpp"
#include "domain/livestream_service.hpp"
#include "store_fixture.hpp"
#include "webhook_events.hpp"

namespace lso::store::test {
namespace {

using domain::Livestream;
using domain::ParticipantStatus;
using domain::Queries;
using domain::WebhookEvent;
using O = domain::WebhookOutcome;

class Audience : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;  // no PostgreSQL: there is no store to build on
    processor_ =
        std::make_unique<domain::WebhookProcessor>(store(), time_, events_, participant_batch());
  }
  Livestream live(const std::string& room, const std::string& host = "host") {
    auto l = make_livestream(room, seconds(1), domain::LivestreamStatus::Live, host);
    store().write([&](Queries& q) { q.insert_livestream(l); });
    return l;
  }
  Livestream reread(const Livestream& l) {
    auto r = store().read([&](Queries& q) { return q.find_livestream(l.id); });
    EXPECT_TRUE(r);
    return r.value_or(l);
  }
  domain::StreamState state(const Livestream& l) {
    return store().read(
        [&](Queries& q) { return domain::LivestreamService::build_state(q, reread(l)); });
  }
  std::vector<domain::WebhookProcessor::Result> apply(std::vector<WebhookEvent> events) {
    return processor_->apply_batch(events);
  }
  O apply_one(const WebhookEvent& e) { return processor_->apply_batch({e})[0].outcome; }

  static WebhookEvent joined(const std::string& room, const std::string& user,
                             const std::string& sid) {
    return participant_event("participant_joined", room, user, sid, "EVJ_" + sid);
  }
  static WebhookEvent left(const std::string& room, const std::string& user,
                           const std::string& sid) {
    return participant_event("participant_left", room, user, sid, "EVL_" + sid);
  }

  ManualTime time_{seconds(100)};
  domain::NoLivestreamEvents events_;
  std::unique_ptr<domain::WebhookProcessor> processor_;
};

TEST_P(Audience, AnApiJoinWithoutAConnectionCountsNobody) {
  const auto l = live("seat-only");
  store().write([&](Queries& q) { q.insert_participant(make_participant(l.id, "v", seconds(2))); });
  auto s = state(l);
  EXPECT_EQ(s.viewerCount, 0);
  EXPECT_EQ(s.totalViewers, 0);
  EXPECT_TRUE(s.people.empty());
  // LiveKit's join makes the seat a viewer, on the seat the API reserved.
  EXPECT_EQ(apply_one(joined("seat-only", "v", "PA_v")), O::Applied);
  s = state(l);
  EXPECT_EQ(s.viewerCount, 1);
  ASSERT_EQ(s.people.size(), 1u);
  EXPECT_EQ(s.people[0].userId, "v");
  store().read([&](Queries& q) {
    EXPECT_EQ(q.find_active_participant(l.id, "v")->livekitParticipantSid,
              std::optional<std::string>("PA_v"));
  });
}

TEST_P(Audience, ConnectLeaveAndReconnectWithANewSession) {
  const auto l = live("reconnect");
  EXPECT_EQ(apply_one(joined("reconnect", "v", "S1")), O::Applied);
  EXPECT_EQ(reread(l).viewerCount, 1);
  EXPECT_EQ(apply_one(left("reconnect", "v", "S1")), O::Applied);
  EXPECT_EQ(reread(l).viewerCount, 0);
  EXPECT_EQ(apply_one(joined("reconnect", "v", "S2")), O::Applied);
  const auto after = reread(l);
  EXPECT_EQ(after.viewerCount, 1);
  EXPECT_EQ(after.totalViewers, 1);  // one person, twice
  EXPECT_EQ(after.peakViewers, 1);
  store().read([&](Queries& q) {
    EXPECT_EQ(q.find_active_participant(l.id, "v")->livekitParticipantSid,
              std::optional<std::string>("S2"));
    EXPECT_EQ(q.viewer_watch_times(l.id, time_.now()).size(), 2u);
  });
}

TEST_P(Audience, ALeaveBeforeItsJoinLeavesNobodyCounted) {
  const auto l = live("early-leave");
  EXPECT_EQ(apply_one(left("early-leave", "v", "S1")), O::NoEffect);
  EXPECT_EQ(apply_one(joined("early-leave", "v", "S1")), O::NoEffect);
  const auto s = state(l);
  EXPECT_EQ(s.viewerCount, 0);
  EXPECT_EQ(s.totalViewers, 0);
  EXPECT_TRUE(s.people.empty());
  store().read([&](Queries& q) { EXPECT_FALSE(q.find_active_participant(l.id, "v")); });
}

TEST_P(Audience, AReplayedJoinOfAnOldSessionCountsNobody) {
  const auto l = live("replay");
  apply({joined("replay", "v", "S1"), left("replay", "v", "S1"), joined("replay", "v", "S2"),
         left("replay", "v", "S2")});
  // LiveKit delivers S1's join again under a new webhook id (a retry after a lost answer).
  auto again = joined("replay", "v", "S1");
  again.id = "EV_again";
  EXPECT_EQ(apply_one(again), O::NoEffect);
  EXPECT_EQ(reread(l).viewerCount, 0);
  EXPECT_TRUE(state(l).people.empty());
}

TEST_P(Audience, TwoSessionsOfOnePersonAreOneViewer) {
  const auto l = live("two-tabs");
  apply({joined("two-tabs", "v", "S1"), joined("two-tabs", "v", "S2")});
  EXPECT_EQ(reread(l).viewerCount, 1);
  EXPECT_EQ(state(l).people.size(), 1u);
  apply({left("two-tabs", "v", "S1")});
  EXPECT_EQ(reread(l).viewerCount, 1);  // still watching in S2
  store().read([&](Queries& q) {
    const auto seat = q.find_active_participant(l.id, "v");
    ASSERT_TRUE(seat);
    EXPECT_EQ(seat->livekitParticipantSid, std::optional<std::string>("S2"));  // followed S2
  });
  apply({left("two-tabs", "v", "S2")});
  EXPECT_EQ(reread(l).viewerCount, 0);
  store().read([&](Queries& q) { EXPECT_FALSE(q.find_active_participant(l.id, "v")); });
}

TEST_P(Audience, TheHostIsConnectedButNotAViewer) {
  const auto l = live("host-on", "creator");
  apply({joined("host-on", "creator", "H1"), joined("host-on", "v", "S1")});
  auto s = state(l);
  EXPECT_TRUE(s.hostConnected);
  EXPECT_EQ(s.viewerCount, 1);
  ASSERT_TRUE(s.hostInfo);
  EXPECT_EQ(s.hostInfo->displayName, "creator");
  apply({left("host-on", "creator", "H1")});
  s = state(l);
  EXPECT_FALSE(s.hostConnected);
  EXPECT_EQ(s.viewerCount, 1);
}

// A peak reached by one event of a batch and lost by the next is kept: the count is raised in
// the statement that raises it, not sampled afterwards.
TEST_P(Audience, APeakReachedInsideABatchIsKept) {
  const auto l = live("peak");
  apply({joined("peak", "a", "Sa")});
  const auto results = apply({joined("peak", "b", "Sb"), joined("peak", "c", "Sc"),
                              left("peak", "b", "Sb"), left("peak", "c", "Sc")});
  for (const auto& r : results) EXPECT_EQ(r.outcome, O::Applied);
  const auto after = reread(l);
  EXPECT_EQ(after.viewerCount, 1);
  EXPECT_EQ(after.peakViewers, 3);
  EXPECT_EQ(after.peakAt, time_.now());
  EXPECT_EQ(after.totalViewers, 3);
  // The batch's bucket holds the whole swing.
  const auto series = store().read([&](Queries& q) {
    return q.viewer_series(l.id, seconds(0), time_.now() + std::chrono::hours(1));
  });
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].min, 1);
  EXPECT_EQ(series[0].max, 3);
  EXPECT_EQ(series[0].last, 1);
  EXPECT_EQ(series[0].start, domain::audience::bucket_of(time_.now()));
}

TEST_P(Audience, ConcurrentConnectsThenShuffledLeavesCountExactly) {
  const auto l = live("crowd");
  std::vector<WebhookEvent> joins, leaves;
  for (int i = 0; i < 200; ++i) {
    const auto user = "v" + std::to_string(i);
    joins.push_back(joined("crowd", user, "S" + user));
    if (i % 2 == 0) leaves.push_back(left("crowd", user, "S" + user));
  }
  std::mt19937 rng(11);
  std::shuffle(joins.begin(), joins.end(), rng);
  apply_concurrently(*processor_, joins, 4, 7);
  std::shuffle(leaves.begin(), leaves.end(), rng);
  time_.advance(std::chrono::seconds(30));
  apply_concurrently(*processor_, leaves, 4, 3);
  const auto after = reread(l);
  EXPECT_EQ(after.viewerCount, 100);
  EXPECT_EQ(after.peakViewers, 200);
  EXPECT_EQ(after.totalViewers, 200);
  EXPECT_EQ(state(l).people.size(), 100u);
}

// The six orders of {join S1, leave S1, join S2} of one user end alike: S2 connected, the user
// counted once, the seat on S2. Many users, each in one of the orders, applied one event at a
// time, then all shuffled together in batches by concurrent workers.
TEST_P(Audience, EveryOrderOfAReconnectEndsConnectedWithTheNewSession) {
  const std::vector<std::array<int, 3>> orders{{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                               {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (const bool shuffled : {false, true}) {
    const std::string room = shuffled ? "orders-shuffled" : "orders-one-by-one";
    const auto l = live(room);
    std::vector<WebhookEvent> all;
    const int users = 60;
    for (int u = 0; u < users; ++u) {
      const auto user = "u" + std::to_string(u);
      const auto s1 = room + "_S1_" + user, s2 = room + "_S2_" + user;
      const WebhookEvent three[] = {joined(room, user, s1), left(room, user, s1),
                                    joined(room, user, s2)};
      for (int k : orders[static_cast<std::size_t>(u) % orders.size()]) all.push_back(three[k]);
    }
    if (shuffled) {
      std::mt19937 rng(5);
      auto twice = all;
      twice.insert(twice.end(), all.begin(), all.end());  // and every one delivered twice
      std::shuffle(twice.begin(), twice.end(), rng);
      apply_concurrently(*processor_, twice, 4, 8);
    } else {
      for (const auto& e : all) ASSERT_FALSE(processor_->apply_batch({e})[0].error) << e.id;
    }
    const auto after = reread(l);
    EXPECT_EQ(after.viewerCount, users) << room;
    EXPECT_EQ(after.totalViewers, users) << room;
    store().read([&](Queries& q) {
      for (int u = 0; u < users; ++u) {
        const auto user = "u" + std::to_string(u);
        const auto s2 = q.find_livekit_session(room + "_S2_" + user);
        ASSERT_TRUE(s2) << user;
        EXPECT_TRUE(s2->connected()) << room << " " << user;
        EXPECT_FALSE(q.find_livekit_session(room + "_S1_" + user)->connected())
            << room << " " << user;
        const auto seat = q.find_active_participant(l.id, user);
        ASSERT_TRUE(seat) << room << " " << user;
        EXPECT_EQ(seat->livekitParticipantSid, std::optional<std::string>(room + "_S2_" + user))
            << room << " " << user;
      }
    });
  }
}

TEST_P(Audience, RoomFinishedDisconnectsEveryoneAndKeepsTheHistory) {
  const auto l = live("finish");
  apply({joined("finish", "a", "Sa"), joined("finish", "b", "Sb")});
  time_.advance(std::chrono::seconds(20));
  WebhookEvent finished;
  finished.id = "EV_finished";
  finished.event = "room_finished";
  finished.room = domain::Room{};
  finished.room->name = "finish";
  EXPECT_EQ(apply_one(finished), O::Applied);
  const auto after = reread(l);
  EXPECT_EQ(after.status, domain::LivestreamStatus::Ended);
  EXPECT_EQ(after.viewerCount, 0);
  EXPECT_EQ(after.peakViewers, 2);
  EXPECT_EQ(after.totalViewers, 2);
  store().read([&](Queries& q) {
    EXPECT_TRUE(q.connected_people(l.id).empty());
    EXPECT_EQ(q.viewer_watch_times(l.id, time_.now() + std::chrono::hours(1)),
              (std::vector<std::int64_t>{20'000'000, 20'000'000}));
  });
  // A late leave of an ended session changes nothing.
  EXPECT_EQ(apply_one(left("finish", "a", "Sa")), O::NoEffect);
}

// The API leave and reconciliation end a user's every session at once (audience::remove_users).
TEST_P(Audience, RemovingUsersEndsTheirSessionsAndSeats) {
  const auto l = live("remove");
  std::vector<WebhookEvent> evs;
  for (int i = 0; i < 30; ++i)
    evs.push_back(joined("remove", "v" + std::to_string(i), "S" + std::to_string(i)));
  evs.push_back(joined("remove", "v0", "S0b"));  // v0 in two tabs
  apply(evs);
  EXPECT_EQ(reread(l).viewerCount, 30);
  const auto now = time_.now();
  store().write([&](Queries& q) {
    domain::audience::Tally tally;
    const std::string one[] = {"v0"};
    EXPECT_TRUE(domain::audience::remove_users(q, reread(l), one, now, tally));
    // More than a few users at once: the counters are recounted from the sessions.
    std::vector<std::string> many;
    for (int i = 1; i < 21; ++i) many.push_back("v" + std::to_string(i));
    EXPECT_TRUE(domain::audience::remove_users(q, reread(l), many, now, tally));
    const std::string nobody[] = {"nobody"};
    EXPECT_FALSE(domain::audience::remove_users(q, reread(l), nobody, now, tally));
    tally.write(q, now);
  });
  const auto after = reread(l);
  EXPECT_EQ(after.viewerCount, 9);
  EXPECT_EQ(after.peakViewers, 30);
  store().read([&](Queries& q) {
    EXPECT_FALSE(q.find_active_participant(l.id, "v0"));
    EXPECT_FALSE(q.find_livekit_session("S0b")->connected());
    const auto series = q.viewer_series(l.id, seconds(0), now + std::chrono::hours(1));
    ASSERT_EQ(series.size(), 1u);  // the joins and the removals share the bucket
    EXPECT_EQ(series[0].min, 1);
    EXPECT_EQ(series[0].max, 30);
    EXPECT_EQ(series[0].last, 9);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, Audience, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lso::store::test
