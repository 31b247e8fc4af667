// Reconciler on the fakes: a livestream whose room LiveKit lost is ended only after enough
// consecutive absences and never inside the grace period; a LiveKit outage ends nothing;
// participants LiveKit no longer lists are marked LEFT, sessions it lists that no webhook
// connected are connected; one instance at a time.
#include "domain/reconciler.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_coordination.hpp"
#include "fakes/fake_room_service.hpp"
#include "fakes/fake_store.hpp"
#include "fakes/recording_events.hpp"

namespace lso::domain {
namespace {

using namespace std::chrono_literals;

Principal user(const std::string& id) {
  Principal p;
  p.kind = PrincipalKind::User;
  p.method = AuthMethod::Session;
  p.userId = id;
  p.displayName = id;
  p.scopes = kScopeRead | kScopeWrite;
  return p;
}

class ReconcilerTest : public ::testing::Test {
 protected:
  Reconciler::Options options() {
    Reconciler::Options o;
    o.absences = 3;
    o.grace = 120s;
    return o;
  }
  Livestream create(const std::string& room) {
    CreateLivestreamInput in;
    in.roomName = room;
    in.title = room;
    return service.create(user("alice"), std::move(in));
  }
  LivestreamStatus status(const std::string& id) {
    return store.read([&](Queries& q) { return q.find_livestream(id)->status; });
  }
  bool seated(const std::string& id, const std::string& who) {
    return store.read([&](Queries& q) { return q.find_active_participant(id, who).has_value(); });
  }

  fakes::FakeStore store;
  fakes::FakeRoomService rooms;
  fakes::FakeTokenIssuer tokens;
  fakes::FakeClock clock;
  fakes::RecordingEvents events;
  fakes::FakeJobLock lock;
  LivestreamService service{store, rooms, tokens, clock, events};
  Reconciler reconciler{store, rooms, service, lock, clock, events, options()};
};

TEST_F(ReconcilerTest, AMissingRoomEndsItsLivestreamOnTheThirdAbsenceInARow) {
  const auto l = create("room-a");
  clock.advance(121s);
  rooms.rooms.clear();
  auto r = reconciler.run_once();
  EXPECT_TRUE(r.ran);
  EXPECT_EQ(r.checked, 1);
  EXPECT_EQ(r.ended, 0);
  EXPECT_EQ(reconciler.run_once().ended, 0);
  EXPECT_EQ(status(l.id), LivestreamStatus::Live);
  EXPECT_EQ(reconciler.run_once().ended, 1);
  EXPECT_EQ(status(l.id), LivestreamStatus::Ended);
  EXPECT_TRUE(events.saw(l.id, StateChange::RoomEnded));
  EXPECT_FALSE(lock.held("reconciliation"));  // released after the pass
}

TEST_F(ReconcilerTest, OnlyConsecutiveAbsencesCount) {
  const auto l = create("room-a");
  clock.advance(121s);
  const auto room = rooms.rooms;
  rooms.rooms.clear();
  reconciler.run_once();
  reconciler.run_once();
  rooms.rooms = room;  // listed again: the count starts over
  reconciler.run_once();
  rooms.rooms.clear();
  reconciler.run_once();
  reconciler.run_once();
  EXPECT_EQ(status(l.id), LivestreamStatus::Live);
  reconciler.run_once();
  EXPECT_EQ(status(l.id), LivestreamStatus::Ended);
}

TEST_F(ReconcilerTest, NothingIsEndedInsideTheGracePeriod) {
  const auto l = create("room-a");
  rooms.rooms.clear();
  clock.advance(119s);
  for (int i = 0; i < 5; ++i) reconciler.run_once();
  EXPECT_EQ(status(l.id), LivestreamStatus::Live);
}

TEST_F(ReconcilerTest, ALiveKitOutageEndsNothing) {
  const auto l = create("room-a");
  clock.advance(121s);
  rooms.rooms.clear();
  rooms.failure = LiveKitError("unavailable", 503, "LiveKit down");
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(reconciler.run_once().ran);
  EXPECT_EQ(status(l.id), LivestreamStatus::Live);
}

TEST_F(ReconcilerTest, OneInstanceAtATime) {
  const auto l = create("room-a");
  clock.advance(121s);
  rooms.rooms.clear();
  lock.heldElsewhere = true;
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(reconciler.run_once().ran);
  EXPECT_EQ(status(l.id), LivestreamStatus::Live);
  EXPECT_EQ(std::count(rooms.calls.begin(), rooms.calls.end(), "list_rooms"), 0);
}

TEST_F(ReconcilerTest, ASeatLiveKitNoLongerListsIsMarkedLeftAfterTheGracePeriod) {
  const auto l = create("room-a");
  JoinInput in;
  service.join(user("bob"), l.id, in);
  service.join(user("carol"), l.id, in);
  rooms.connect("room-a", "carol", "PA_carol");
  clock.advance(60s);
  auto r = reconciler.run_once();  // the livestream itself is inside its grace period
  EXPECT_EQ(r.participantsLeft, 0);
  clock.advance(61s);
  r = reconciler.run_once();
  EXPECT_EQ(r.participantsLeft, 1);
  EXPECT_FALSE(seated(l.id, "bob"));
  EXPECT_TRUE(events.saw(l.id, StateChange::ParticipantsChanged));
}

TEST_F(ReconcilerTest, ASessionLiveKitListsThatNoWebhookConnectedIsConnected) {
  const auto l = create("room-a");
  clock.advance(121s);
  rooms.connect("room-a", "dave", "PA_dave");
  const auto r = reconciler.run_once();
  EXPECT_EQ(r.participantsJoined, 1);
  const auto viewers = store.read([&](Queries& q) { return q.find_livestream(l.id)->viewerCount; });
  EXPECT_EQ(viewers, 1);
  EXPECT_TRUE(seated(l.id, "dave"));
  // The next pass finds it connected: nothing more to do.
  EXPECT_EQ(reconciler.run_once().participantsJoined, 0);
}

}  // namespace
}  // namespace lso::domain
