// LivestreamService on the fakes: the rules of create, end, join and leave, each checked against
// what the store holds, what LiveKit was asked and what was announced afterwards.
#include "domain/livestream_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "domain/errors.hpp"
#include "fakes/fake_clock.hpp"
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
  p.displayName = id + " name";
  p.scopes = kScopeRead | kScopeWrite;
  return p;
}

ErrorKind kind_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const AppError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no AppError thrown";
  return ErrorKind::Internal;
}

class LivestreamServiceTest : public ::testing::Test {
 protected:
  Livestream create(const std::string& room, const std::string& by = "alice",
                    Visibility visibility = Visibility::Public) {
    CreateLivestreamInput in;
    in.roomName = room;
    in.title = "Title of " + room;
    in.visibility = visibility;
    return service.create(user(by), std::move(in));
  }
  JoinResult join(const std::string& id, const std::string& who,
                  ParticipantRole role = ParticipantRole::Viewer) {
    JoinInput in;
    in.role = role;
    return service.join(user(who), id, std::move(in));
  }
  std::optional<Participant> active(const std::string& id, const std::string& who) {
    return store.read([&](Queries& q) { return q.find_active_participant(id, who); });
  }
  Livestream stored(const std::string& id) {
    return store.read([&](Queries& q) { return *q.find_livestream(id); });
  }
  int calls(const std::string& call) {
    return static_cast<int>(std::count(rooms.calls.begin(), rooms.calls.end(), call));
  }

  fakes::FakeStore store;
  fakes::FakeRoomService rooms;
  fakes::FakeTokenIssuer tokens;
  fakes::FakeClock clock;
  fakes::RecordingEvents events;
  LivestreamService service{store, rooms, tokens, clock, events};
};

TEST_F(LivestreamServiceTest, CreateStoresTheRecordThenTheRoomAndAnnouncesItLive) {
  const auto l = create("Room A!");
  EXPECT_EQ(l.status, LivestreamStatus::Live);
  EXPECT_EQ(l.roomName, "room-a");  // sanitized
  EXPECT_EQ(l.createdBy, "alice");
  EXPECT_EQ(l.createdAt, clock.now());
  EXPECT_EQ(l.startedAt, clock.now());
  EXPECT_EQ(stored(l.id).status, LivestreamStatus::Live);
  EXPECT_EQ(calls("create_room room-a"), 1);
  ASSERT_EQ(events.changed.size(), 1u);
  EXPECT_EQ(events.changed[0].status, LivestreamStatus::Live);
  EXPECT_TRUE(events.changed[0].created);
}

TEST_F(LivestreamServiceTest, ARoomWithAnActiveLivestreamIsAConflictAndNoRoomIsCreated) {
  create("room-a");
  EXPECT_EQ(kind_of([&] { create("room-a", "bob"); }), ErrorKind::Conflict);
  EXPECT_EQ(calls("create_room room-a"), 1);
}

TEST_F(LivestreamServiceTest, AFailedCreateRoomLeavesTheRecordInErrorAndRethrows) {
  rooms.failure = LiveKitError("unavailable", 503, "LiveKit down");
  EXPECT_THROW(create("room-a"), LiveKitError);
  const auto all = store.read([](Queries& q) { return q.list_livestreams({}); });
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].status, LivestreamStatus::Error);
  ASSERT_EQ(events.changed.size(), 1u);
  EXPECT_EQ(events.changed[0].status, LivestreamStatus::Error);
  // The room name is free again: an ERROR livestream does not hold it.
  rooms.failure.reset();
  EXPECT_EQ(create("room-a").status, LivestreamStatus::Live);
}

TEST_F(LivestreamServiceTest, EndingMarksEveryoneLeftDeletesTheRoomAndIsIdempotent) {
  const auto l = create("room-a");
  join(l.id, "bob");
  clock.advance(5min);
  const auto ended = service.end(user("alice"), l.id, std::nullopt);
  EXPECT_EQ(ended.status, LivestreamStatus::Ended);
  EXPECT_EQ(ended.endedAt, clock.now());
  EXPECT_FALSE(active(l.id, "bob"));
  EXPECT_TRUE(events.saw(l.id, StateChange::RoomEnded));
  EXPECT_EQ(calls("delete_room room-a"), 1);
  // Again: answered from the record, LiveKit not asked twice, nothing announced twice.
  const auto again = service.end(user("alice"), l.id, std::nullopt);
  EXPECT_EQ(again.status, LivestreamStatus::Ended);
  EXPECT_EQ(calls("delete_room room-a"), 1);
  EXPECT_EQ(std::count_if(events.states.begin(), events.states.end(),
                          [](const auto& s) { return s.change == StateChange::RoomEnded; }),
            1);
}

TEST_F(LivestreamServiceTest, OnlyTheCreatorEnds) {
  const auto l = create("room-a");
  EXPECT_EQ(kind_of([&] { service.end(user("mallory"), l.id, std::nullopt); }),
            ErrorKind::Authorization);
  EXPECT_EQ(stored(l.id).status, LivestreamStatus::Live);
  EXPECT_EQ(calls("delete_room room-a"), 0);
}

TEST_F(LivestreamServiceTest, ALostRoomAtLiveKitDoesNotFailTheEnd) {
  const auto l = create("room-a");
  rooms.rooms.clear();  // LiveKit answers not_found
  EXPECT_EQ(service.end(user("alice"), l.id, std::nullopt).status, LivestreamStatus::Ended);
}

TEST_F(LivestreamServiceTest, JoinWritesASeatAndATokenThatGrantsPublishingToTheHostOnly) {
  const auto l = create("room-a");
  clock.advance(1s);
  const auto viewer = join(l.id, "bob");
  EXPECT_EQ(viewer.token, "token:room-a:bob");
  EXPECT_EQ(viewer.url, "wss://livekit.test");
  const auto seat = active(l.id, "bob");
  ASSERT_TRUE(seat);
  EXPECT_EQ(seat->joinedAt, clock.now());
  EXPECT_EQ(seat->displayName, "bob name");
  const auto host = join(l.id, "alice", ParticipantRole::Host);
  EXPECT_EQ(host.token, "token:room-a:alice:publish");
  // No live-state change: a seat is not a viewer until LiveKit says it connected.
  EXPECT_TRUE(events.states.empty());
}

TEST_F(LivestreamServiceTest, OnlyTheCreatorJoinsAsHost) {
  const auto l = create("room-a");
  EXPECT_EQ(kind_of([&] { join(l.id, "bob", ParticipantRole::Host); }), ErrorKind::Authorization);
  EXPECT_FALSE(active(l.id, "bob"));
}

TEST_F(LivestreamServiceTest, ASecondActiveSessionOfOneUserIsAConflict) {
  const auto l = create("room-a");
  join(l.id, "bob");
  EXPECT_EQ(kind_of([&] { join(l.id, "bob"); }), ErrorKind::Conflict);
}

TEST_F(LivestreamServiceTest, JoiningALivestreamThatIsNotLiveIsRefused) {
  const auto l = create("room-a");
  service.end(user("alice"), l.id, std::nullopt);
  EXPECT_EQ(kind_of([&] { join(l.id, "bob"); }), ErrorKind::Validation);
  EXPECT_EQ(kind_of([&] { join("00000000-0000-4000-8000-000000000000", "bob"); }),
            ErrorKind::NotFound);
}

TEST_F(LivestreamServiceTest, ABannedPersonCannotJoinAndACoHostOnStageMayPublish) {
  const auto l = create("room-a");
  store.change([&](fakes::FakeTables& t) {
    Member banned;
    banned.livestreamId = l.id;
    banned.userId = "mallory";
    banned.banned = true;
    t.members[{l.id, "mallory"}] = banned;
    Member onStage;
    onStage.livestreamId = l.id;
    onStage.userId = "carol";
    onStage.stage = StageStatus::On;
    t.members[{l.id, "carol"}] = onStage;
  });
  try {
    join(l.id, "mallory");
    ADD_FAILURE() << "a banned person joined";
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Authorization);
    EXPECT_EQ(e.code(), "banned");
  }
  EXPECT_EQ(join(l.id, "carol").token, "token:room-a:carol:publish");
}

TEST_F(LivestreamServiceTest, APrivateLivestreamAdmitsInvitedViewersOnly) {
  const auto l = create("room-a", "alice", Visibility::Private);
  EXPECT_EQ(kind_of([&] { join(l.id, "bob"); }), ErrorKind::Authorization);
  store.write([&](Queries& q) { q.add_invite({l.id, "bob", clock.now()}); });
  EXPECT_EQ(join(l.id, "bob").token, "token:room-a:bob");
}

TEST_F(LivestreamServiceTest, LeaveEndsTheSeatAnnouncesItAndDisconnectsAtLiveKit) {
  const auto l = create("room-a");
  join(l.id, "bob");
  rooms.connect("room-a", "bob", "PA_bob");
  service.leave(user("bob"), l.id, std::nullopt);
  EXPECT_FALSE(active(l.id, "bob"));
  EXPECT_TRUE(events.saw(l.id, StateChange::ParticipantsChanged));
  EXPECT_EQ(calls("remove_participant room-a bob"), 1);
  // Again: no session, nothing to announce, LiveKit not asked.
  events.states.clear();
  service.leave(user("bob"), l.id, std::nullopt);
  EXPECT_TRUE(events.states.empty());
  EXPECT_EQ(calls("remove_participant room-a bob"), 1);
}

TEST_F(LivestreamServiceTest, OnlyTheParticipantOrTheCreatorEndsASession) {
  const auto l = create("room-a");
  join(l.id, "bob");
  EXPECT_EQ(kind_of([&] { service.leave(user("mallory"), l.id, std::string("bob")); }),
            ErrorKind::Authorization);
  EXPECT_TRUE(active(l.id, "bob"));
  service.leave(user("alice"), l.id, std::string("bob"));
  EXPECT_FALSE(active(l.id, "bob"));
}

TEST_F(LivestreamServiceTest, TheLiveStateLeavesCoHostsOnStageOutOfTheViewerCount) {
  const auto l = create("room-a");
  store.change([&](fakes::FakeTables& t) {
    for (const auto* who : {"bob", "carol"}) {
      LivekitSession s;
      s.sid = std::string("PA_") + who;
      s.livestreamId = l.id;
      s.userId = who;
      s.displayName = who;
      s.connectedAt = clock.now();
      t.sessions[s.sid] = s;
    }
    t.livestreams[l.id].viewerCount = 2;
    Member onStage;
    onStage.livestreamId = l.id;
    onStage.userId = "carol";
    onStage.stage = StageStatus::On;
    t.members[{l.id, "carol"}] = onStage;
  });
  const auto state = service.state(user("alice"), l.id);
  EXPECT_EQ(state.value.people.size(), 2u);
  EXPECT_EQ(state.value.viewerCount, 1);
  EXPECT_TRUE(state.userIds);  // the creator sees ids
  EXPECT_FALSE(service.state(user("bob"), l.id).userIds);
}

}  // namespace
}  // namespace lso::domain
