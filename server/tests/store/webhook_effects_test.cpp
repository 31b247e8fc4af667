// Webhook effects under concurrent workers, on every backend: several threads apply one
// shuffled stream of participant and room events (each duplicated) with retries, the way the
// queue's workers do; the end state must equal the ordered, single-worker outcome. On
// PostgreSQL (READ COMMITTED, real concurrency) this is where lookups that see a neighbour's
// commit halfway through an effect would lose a leave or keep a participant in an ended room.
#include <random>

#include "domain/clock.hpp"
#include "domain/events.hpp"
#include "domain/webhook_processor.hpp"
#include "store_fixture.hpp"
#include "webhook_events.hpp"

namespace lso::store::test {
namespace {

using domain::ParticipantStatus;
using domain::Queries;
using domain::WebhookEvent;

std::vector<std::string> joined_users(domain::Store& store, const std::string& livestreamId) {
  std::vector<std::string> users;
  for (const auto& p : store.read([&](Queries& q) {
         return q.list_participants(
             participants_where(livestreamId, ParticipantStatus::Joined, std::nullopt, {1000, 0}));
       })) {
    users.push_back(p.userId);
  }
  std::sort(users.begin(), users.end());
  return users;
}

TEST_P(StoreTest, ConcurrentWorkersEndShuffledJoinsAndLeavesLikeTheOrderedDelivery) {
  domain::SystemTimeSource time;
  domain::NoLivestreamEvents events;
  domain::WebhookProcessor processor(store(), time, events, participant_batch());
  std::mt19937 rng(20261126);
  for (int round = 0; round < 6; ++round) {
    const std::string room = "shuffle-" + std::to_string(round);
    const auto l = make_livestream(room, seconds(1), domain::LivestreamStatus::Live);
    store().write([&](Queries& q) { q.insert_livestream(l); });
    // Half the users also have an API join (a record without a LiveKit sid) before LiveKit's
    // webhooks arrive; odd users stay, even users leave.
    std::vector<WebhookEvent> evs;
    std::vector<std::string> expected;
    for (int u = 0; u < 40; ++u) {
      const std::string user = "u" + std::to_string(u);
      const std::string sid = "PA_" + room + "_" + user;
      if (u % 4 < 2) {
        store().write(
            [&](Queries& q) { q.insert_participant(make_participant(l.id, user, seconds(2))); });
      }
      evs.push_back(participant_event("participant_joined", room, user, sid, "EVJ" + sid));
      if (u % 2 == 0) {
        evs.push_back(participant_event("participant_left", room, user, sid, "EVL" + sid));
      } else {
        expected.push_back(user);
      }
    }
    std::sort(expected.begin(), expected.end());
    const auto once = evs;
    evs.insert(evs.end(), once.begin(), once.end());  // every webhook delivered twice
    std::shuffle(evs.begin(), evs.end(), rng);
    apply_concurrently(processor, evs, 4, round % 2 == 0 ? 1 : 5);
    EXPECT_EQ(joined_users(store(), l.id), expected) << "round " << round;
  }
}

TEST_P(StoreTest, RoomFinishedRacingJoinsLeavesNobodyJoinedInTheEndedLivestream) {
  domain::SystemTimeSource time;
  domain::NoLivestreamEvents events;
  domain::WebhookProcessor processor(store(), time, events, participant_batch());
  std::mt19937 rng(7);
  for (int round = 0; round < 6; ++round) {
    const std::string room = "finish-" + std::to_string(round);
    const auto l = make_livestream(room, seconds(1), domain::LivestreamStatus::Live);
    store().write([&](Queries& q) { q.insert_livestream(l); });
    std::vector<WebhookEvent> evs;
    for (int u = 0; u < 30; ++u) {
      const std::string sid = "PA_" + room + "_" + std::to_string(u);
      evs.push_back(
          participant_event("participant_joined", room, "v" + std::to_string(u), sid, "EV" + sid));
    }
    WebhookEvent finished;
    finished.id = "EVF" + room;
    finished.event = "room_finished";
    finished.room = domain::Room{};
    finished.room->name = room;
    finished.room->sid = "RM_" + room;
    evs.insert(evs.begin() + static_cast<std::ptrdiff_t>(rng() % evs.size()), finished);
    apply_concurrently(processor, evs, 4, 1);
    const auto after = store().read([&](Queries& q) { return q.find_livestream(l.id); });
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, domain::LivestreamStatus::Ended);
    EXPECT_EQ(joined_users(store(), l.id), std::vector<std::string>{}) << "round " << round;
  }
}

// One batch of joins for distinct users and sessions reaches every branch of the join rules at
// once (on PostgreSQL this is the set-based path; a batch with a repeated user or session takes
// the event-by-event one, covered above).
TEST_P(StoreTest, ABatchOfIndependentJoinsFollowsEveryJoinRule) {
  domain::SystemTimeSource time;
  domain::NoLivestreamEvents events;
  domain::WebhookProcessor processor(store(), time, events, participant_batch());
  const auto l = make_livestream("batch-rules", seconds(1), domain::LivestreamStatus::Live, "host");
  store().write([&](Queries& q) {
    q.insert_livestream(l);
    q.insert_participant(make_participant(l.id, "api-joined", seconds(2)));  // no sid yet
    // A session connected before (its own seat), and one whose leave came before its join.
    q.insert_livekit_session({"PA_same",
                              l.id,
                              "same-session",
                              "same-session",
                              domain::ParticipantRole::Viewer,
                              {},
                              seconds(2),
                              {}});
    auto same = make_participant(l.id, "same-session", seconds(2));
    same.livekitParticipantSid = "PA_same";
    q.insert_participant(same);
    q.adjust_audience(l.id, {1, 1, 0}, 1, seconds(2));
    q.insert_livekit_session({"PA_left",
                              l.id,
                              "left-before",
                              "left-before",
                              domain::ParticipantRole::Viewer,
                              {},
                              std::nullopt,
                              seconds(3)});
    q.record_webhook("EV_seen", "participant_joined", time.now(),
                     time.now() + std::chrono::hours(1));
  });
  std::vector<WebhookEvent> batch{
      participant_event("participant_joined", "batch-rules", "dup", "PA_dup", "EV_seen"),
      participant_event("participant_joined", "no-such-room", "stranger", "PA_x", "EV_room"),
      participant_event("participant_joined", "batch-rules", "", "PA_anon", "EV_anon"),
      participant_event("participant_joined", "batch-rules", "left-before", "PA_left", "EV_left"),
      participant_event("participant_joined", "batch-rules", "same-session", "PA_same", "EV_same"),
      participant_event("participant_joined", "batch-rules", "api-joined", "PA_api", "EV_api"),
      participant_event("participant_joined", "batch-rules", "host", "PA_host", "EV_host"),
      participant_event("participant_joined", "batch-rules", "new", "PA_new", "EV_new"),
  };
  batch.back().participant->name = "";  // display name falls back to the identity
  const auto results = processor.apply_batch(batch);
  using O = domain::WebhookOutcome;
  const std::vector<O> expected{O::Duplicate, O::Unknown, O::Unknown, O::NoEffect,
                                O::NoEffect,  O::Applied, O::Applied, O::Applied};
  ASSERT_EQ(results.size(), expected.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_FALSE(results[i].error) << batch[i].id;
    EXPECT_EQ(results[i].outcome, expected[i]) << batch[i].id;
  }
  store().read([&](Queries& q) {
    const auto api = q.find_participant_by_sid("PA_api");  // attached to the API join's record
    ASSERT_TRUE(api);
    EXPECT_EQ(api->userId, "api-joined");
    EXPECT_EQ(api->status, ParticipantStatus::Joined);
    EXPECT_EQ(api->livekitRoomSid, std::optional<std::string>("RM_batch-rules"));
    const auto host = q.find_participant_by_sid("PA_host");
    ASSERT_TRUE(host);
    EXPECT_EQ(host->role, domain::ParticipantRole::Host);
    const auto added = q.find_participant_by_sid("PA_new");
    ASSERT_TRUE(added);
    EXPECT_EQ(added->displayName, "new");
    EXPECT_EQ(added->role, domain::ParticipantRole::Viewer);
    EXPECT_EQ(added->status, ParticipantStatus::Joined);
    EXPECT_FALSE(q.find_livekit_session("PA_left")->connected());  // a left session stays left
    EXPECT_FALSE(q.find_active_participant(l.id, "left-before"));
    EXPECT_FALSE(q.find_participant_by_sid("PA_dup"));
    EXPECT_FALSE(q.find_active_participant(l.id, "dup"));
    const auto counted = q.find_livestream(l.id);
    EXPECT_EQ(counted->viewerCount, 3);  // same-session, api-joined, new
    EXPECT_EQ(counted->totalViewers, 3);
    EXPECT_EQ(counted->peakViewers, 3);
    EXPECT_TRUE(counted->hostConnected);
  });
  EXPECT_EQ(joined_users(store(), l.id),
            (std::vector<std::string>{"api-joined", "host", "new", "same-session"}));
  // Delivered again, the whole batch is a duplicate and changes nothing.
  for (const auto& r : processor.apply_batch(batch)) EXPECT_EQ(r.outcome, O::Duplicate);
  EXPECT_EQ(joined_users(store(), l.id),
            (std::vector<std::string>{"api-joined", "host", "new", "same-session"}));
}

}  // namespace
}  // namespace lso::store::test
