// LivestreamBroadcaster on the fakes: state reads coalesced per livestream, big livestreams read
// less often, the viewer-count throttle (a big change at once, a small one held back) and its
// trailing flush, and the end. Real time with short intervals: every wait is on a condition with
// a deadline, every timing check a lower bound (a slow machine only makes it later).
#include "events/livestream_broadcaster.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "events/bus_message.hpp"
#include "fakes/fake_coordination.hpp"
#include "fakes/fake_store.hpp"

namespace lso::events {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;
using domain::StateChange;

constexpr const char* kId = "6f1c9a52-0000-4000-8000-000000000001";

std::vector<std::string> events_of(const std::vector<std::string>& published,
                                   std::string_view event) {
  std::vector<std::string> out;
  for (const auto& m : published)
    if (auto decoded = decode_bus_message(m); decoded && decoded->event == event)
      out.emplace_back(decoded->data);
  return out;
}

class BroadcasterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    domain::Livestream l;
    l.id = kId;
    l.roomName = "room-a";
    l.createdBy = "alice";
    l.status = domain::LivestreamStatus::Live;
    store.data().livestreams[l.id] = l;
    store.onRead = [this] {
      readAt.push_back(Steady::now());
      if (readCost.count() > 0) std::this_thread::sleep_for(readCost);  // a big livestream's read
    };
  }
  void start(std::chrono::milliseconds throttle, std::chrono::milliseconds coalesce) {
    LivestreamBroadcaster::Options o;
    o.throttle = throttle;
    o.coalesce = coalesce;
    broadcaster = std::make_unique<LivestreamBroadcaster>(store, bus, ledger, o);
  }
  void TearDown() override {
    if (broadcaster) broadcaster->stop();
  }
  void set_viewers(std::int64_t n) {
    store.change([&](fakes::FakeTables& t) { t.livestreams[kId].viewerCount = n; });
  }
  std::size_t count(std::string_view event) { return events_of(bus.published(), event).size(); }
  bool wait_for(std::string_view event, std::size_t n, std::chrono::milliseconds limit = 5s) {
    return bus.wait_until(
        [&](const std::vector<std::string>& p) { return events_of(p, event).size() >= n; }, limit);
  }
  // Reads are recorded by the store's hook, under the store's lock.
  std::vector<Steady::time_point> reads() {
    std::vector<Steady::time_point> out;
    store.change([&](fakes::FakeTables&) { out = readAt; });
    return out;
  }

  fakes::FakeStore store;
  fakes::FakeEventBus bus;
  fakes::FakePushLedger ledger;
  std::vector<Steady::time_point> readAt;
  std::chrono::milliseconds readCost{0};
  std::unique_ptr<LivestreamBroadcaster> broadcaster;
};

TEST_F(BroadcasterTest, ChangesSoonAfterAReadWaitForTheCoalescingSlotAndShareOneRead) {
  start(10ms, 400ms);
  set_viewers(10);
  broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  ASSERT_TRUE(wait_for("viewer_count_update", 1));
  set_viewers(30);
  for (int i = 0; i < 20; ++i) broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  ASSERT_TRUE(wait_for("viewer_count_update", 2));
  const auto r = reads();
  ASSERT_EQ(r.size(), 2u);  // twenty changes, one read
  EXPECT_GE(r[1] - r[0], 300ms);
}

TEST_F(BroadcasterTest, IngestChangesNeverWaitForCoalescing) {
  start(10ms, 2000ms);
  broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  ASSERT_TRUE(wait_for("viewer_count_update", 1));
  broadcaster->state_changed(kId, StateChange::IngestChanged);
  EXPECT_TRUE(wait_for("ingest_update", 1, 1000ms));
}

TEST_F(BroadcasterTest, ASmallChangeIsHeldBackByTheThrottleAndSentByTheTrailingFlush) {
  start(400ms, 1ms);
  set_viewers(100);
  broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  ASSERT_TRUE(wait_for("viewer_count_update", 1));
  set_viewers(101);  // 1 of 100: under 5 viewers and under 10%
  const auto changed = Steady::now();
  broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  ASSERT_TRUE(wait_for("viewer_count_update", 2));
  EXPECT_GE(Steady::now() - changed, 300ms);
  const auto updates = events_of(bus.published(), "viewer_count_update");
  EXPECT_NE(updates.back().find("\"viewerCount\":101"), std::string::npos) << updates.back();
}

TEST_F(BroadcasterTest, AChangeOfFiveViewersGoesOutAtOnce) {
  start(5000ms, 1ms);
  set_viewers(100);
  broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  ASSERT_TRUE(wait_for("viewer_count_update", 1));
  set_viewers(105);
  broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  EXPECT_TRUE(wait_for("viewer_count_update", 2, 2000ms));
}

TEST_F(BroadcasterTest, ABigLivestreamIsReadAtMostOncePerTenTimesItsReadCost) {
  readCost = 40ms;
  start(10ms, 1ms);
  set_viewers(10);
  broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  ASSERT_TRUE(wait_for("viewer_count_update", 1));
  set_viewers(50);
  broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  ASSERT_TRUE(wait_for("viewer_count_update", 2));
  const auto r = reads();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_GE(r[1] - r[0], 300ms);  // 10 x 40 ms, not the 1 ms coalescing interval
}

TEST_F(BroadcasterTest, TheEndIsPushedAtOnceAndTheLedgerForgetsTheLivestream) {
  start(10ms, 2000ms);
  broadcaster->state_changed(kId, StateChange::ParticipantsChanged);
  ASSERT_TRUE(wait_for("viewer_count_update", 1));
  store.change(
      [](fakes::FakeTables& t) { t.livestreams[kId].status = domain::LivestreamStatus::Ended; });
  broadcaster->state_changed(kId, StateChange::RoomEnded);
  ASSERT_TRUE(wait_for("room_ended", 1, 1000ms));
  broadcaster->stop();
  EXPECT_EQ(ledger.forgotten.count(kId), 1u);
}

}  // namespace
}  // namespace lso::events
