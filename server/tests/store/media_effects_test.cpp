// Ingest and recording webhook effects on every backend: ingress_* and egress_*
// events, duplicated and in every order, end in the same record, and a status never moves
// backwards; an API answer and the webhooks about the same egress make one record.
#include <algorithm>
#include <random>

#include "domain/events.hpp"
#include "domain/media.hpp"
#include "domain/webhook_processor.hpp"
#include "store_fixture.hpp"
#include "webhook_events.hpp"

namespace lso::store::test {
namespace {

using domain::EgressInfo;
using domain::IngestStatus;
using domain::IngressInfo;
using domain::Queries;
using domain::RecordingStatus;
using domain::WebhookEvent;

constexpr std::int64_t kNs = 1'700'000'000'000'000'000;  // LiveKit times: ns since the epoch

WebhookEvent egress_event(const std::string& name, const std::string& room,
                          const std::string& egressId, const std::string& status,
                          std::int64_t updatedAt, const std::string& eventId) {
  WebhookEvent e;
  e.id = eventId;
  e.event = name;
  e.createdAt = 1'700'000'100;
  EgressInfo info;
  info.egressId = egressId;
  info.roomName = room;
  info.status = status;
  info.startedAt = kNs + 1'000'000'000;
  info.updatedAt = updatedAt;
  if (status == "EGRESS_COMPLETE") {
    info.endedAt = kNs + 61'000'000'000;
    info.fileLocation = "s3://bucket/recordings/" + egressId + ".mp4";
    info.durationNs = 60'000'000'000;
    info.sizeBytes = 12'345'678;
  }
  if (status == "EGRESS_FAILED") info.error = "Start signal not received";
  e.egress = info;
  e.room = domain::Room{};  // as the parser fills it from egressInfo.room_name
  e.room->name = room;
  return e;
}

WebhookEvent ingress_event(const std::string& name, const std::string& room,
                           const std::string& ingressId, const std::string& status,
                           std::int64_t sessionStartedAt, const std::string& eventId,
                           const std::string& error = "") {
  WebhookEvent e;
  e.id = eventId;
  e.event = name;
  e.createdAt = 1'700'000'100;
  IngressInfo info;
  info.ingressId = ingressId;
  info.roomName = room;
  info.status = status;
  info.startedAt = sessionStartedAt;
  info.error = error;
  e.ingress = info;
  e.room = domain::Room{};
  e.room->name = room;
  return e;
}

class MediaEffects : public StoreTest {
 protected:
  domain::Livestream live(const std::string& room) {
    auto l = make_livestream(room, seconds(1), domain::LivestreamStatus::Live);
    store().write([&](Queries& q) { q.insert_livestream(l); });
    return l;
  }
  void add_ingest(const domain::Livestream& l, const std::string& ingressId) {
    domain::Ingest i;
    i.livestreamId = l.id;
    i.ingressId = ingressId;
    i.url = "rtmp://ingress.example/x";
    i.createdAt = i.updatedAt = seconds(2);
    store().write([&](Queries& q) { q.upsert_ingest(i); });
  }
  std::vector<domain::Recording> recordings(const domain::Livestream& l) {
    return store().read([&](Queries& q) { return q.list_recordings(l.id); });
  }
  domain::Ingest ingest(const domain::Livestream& l) {
    auto i = store().read([&](Queries& q) { return q.find_ingest(l.id); });
    EXPECT_TRUE(i.has_value());
    return i.value_or(domain::Ingest{});
  }

  domain::SystemTimeSource time_;
  domain::NoLivestreamEvents events_;
};

TEST_P(MediaEffects, EgressEventsInEveryOrderDuplicatedEndComplete) {
  domain::WebhookProcessor processor(store(), time_, events_, participant_batch());
  // started (active), updated (active, later), ended (complete): all 6 orders, each event twice,
  // applied one per batch and all in one batch.
  std::vector<int> order = {0, 1, 2};
  int round = 0;
  do {
    for (bool oneBatch : {false, true}) {
      const std::string room = "rec-" + std::to_string(round++);
      const auto l = live(room);
      const std::string egress = "EG_" + room;
      const std::vector<WebhookEvent> evs = {
          egress_event("egress_started", room, egress, "EGRESS_ACTIVE", kNs + 1, "E1" + room),
          egress_event("egress_updated", room, egress, "EGRESS_ACTIVE", kNs + 2, "E2" + room),
          egress_event("egress_ended", room, egress, "EGRESS_COMPLETE", kNs + 3, "E3" + room)};
      std::vector<WebhookEvent> delivery;
      for (int i : order) delivery.push_back(evs[static_cast<std::size_t>(i)]);
      for (int i : order) delivery.push_back(evs[static_cast<std::size_t>(i)]);  // duplicates
      if (oneBatch) {
        processor.apply_batch(delivery);
      } else {
        for (const auto& e : delivery) processor.apply_batch({e});
      }
      const auto rs = recordings(l);
      ASSERT_EQ(rs.size(), 1u) << room;
      EXPECT_EQ(rs[0].status, RecordingStatus::Complete) << room;
      EXPECT_EQ(rs[0].egressId, egress);
      EXPECT_EQ(rs[0].fileLocation.value_or(""), "s3://bucket/recordings/" + egress + ".mp4");
      EXPECT_EQ(rs[0].durationMs.value_or(0), 60'000);
      EXPECT_EQ(rs[0].sizeBytes.value_or(0), 12'345'678);
      ASSERT_TRUE(rs[0].startedAt && rs[0].endedAt);
      EXPECT_EQ(*rs[0].endedAt - *rs[0].startedAt, std::chrono::seconds(60));
      EXPECT_EQ(rs[0].livekitUpdatedAt, kNs + 3);
    }
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_P(MediaEffects, EgressEndedBeforeStartedStaysFailedAndDuplicatesChangeNothing) {
  domain::WebhookProcessor processor(store(), time_, events_, participant_batch());
  const auto l = live("fail-first");
  const auto ended =
      egress_event("egress_ended", "fail-first", "EG_F", "EGRESS_FAILED", kNs + 5, "F1");
  const auto started =
      egress_event("egress_started", "fail-first", "EG_F", "EGRESS_STARTING", kNs + 1, "F2");
  EXPECT_EQ(processor.apply_batch({ended})[0].outcome, domain::WebhookOutcome::Applied);
  EXPECT_EQ(processor.apply_batch({started})[0].outcome, domain::WebhookOutcome::NoEffect);
  EXPECT_EQ(processor.apply_batch({ended})[0].outcome, domain::WebhookOutcome::Duplicate);
  // A fresh event id with an older status (a retry by LiveKit with a new id) is still refused.
  auto active =
      egress_event("egress_updated", "fail-first", "EG_F", "EGRESS_ACTIVE", kNs + 9, "F3");
  EXPECT_EQ(processor.apply_batch({active})[0].outcome, domain::WebhookOutcome::NoEffect);
  const auto rs = recordings(l);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].status, RecordingStatus::Failed);
  EXPECT_EQ(rs[0].error.value_or(""), "Start signal not received");
}

TEST_P(MediaEffects, TheApiAnswerAndTheWebhooksMakeOneRecordInEitherOrder) {
  domain::WebhookProcessor processor(store(), time_, events_, participant_batch());
  for (bool webhookFirst : {false, true}) {
    const std::string room = webhookFirst ? "api-late" : "api-early";
    const auto l = live(room);
    EgressInfo answer;  // what StartRoomCompositeEgress answered
    answer.egressId = "EG_" + room;
    answer.roomName = room;
    answer.status = "EGRESS_STARTING";
    const auto write_answer = [&] {
      store().write([&](Queries& q) {
        q.lock_livestream_exclusive(l.id);
        domain::media::apply_egress(q, l.id, answer, std::string("carol"), seconds(3),
                                    "00000000-0000-4000-8000-00000000abcd");
      });
    };
    const auto started =
        egress_event("egress_started", room, answer.egressId, "EGRESS_ACTIVE", kNs + 1, "A" + room);
    if (webhookFirst) {
      processor.apply_batch({started});
      write_answer();
    } else {
      write_answer();
      processor.apply_batch({started});
    }
    const auto rs = recordings(l);
    ASSERT_EQ(rs.size(), 1u) << room;
    EXPECT_EQ(rs[0].status, RecordingStatus::Active) << room;  // STARTING never overrides it
    if (!webhookFirst) {
      EXPECT_EQ(rs[0].id, "00000000-0000-4000-8000-00000000abcd");
      EXPECT_EQ(rs[0].requestedBy.value_or(""), "carol");
    }
  }
}

TEST_P(MediaEffects, EgressOfAnUnknownRoomAndRecordingIsAcknowledgedWithoutEffect) {
  domain::WebhookProcessor processor(store(), time_, events_, participant_batch());
  const auto e = egress_event("egress_ended", "nobody-here", "EG_X", "EGRESS_COMPLETE", kNs, "X1");
  EXPECT_EQ(processor.apply_batch({e})[0].outcome, domain::WebhookOutcome::NoEffect);
}

TEST_P(MediaEffects, IngressSessionsNeverMoveBackwards) {
  domain::WebhookProcessor processor(store(), time_, events_, participant_batch());
  const auto l = live("obs");
  add_ingest(l, "IN_1");
  const std::int64_t s1 = kNs + 1'000, s2 = kNs + 2'000;
  // Session 1's end arrives before its start: inactive, and the late start changes nothing.
  EXPECT_EQ(processor
                .apply_batch({ingress_event("ingress_ended", "obs", "IN_1", "ENDPOINT_INACTIVE", s1,
                                            "I1")})[0]
                .outcome,
            domain::WebhookOutcome::Applied);
  EXPECT_EQ(processor
                .apply_batch({ingress_event("ingress_started", "obs", "IN_1", "ENDPOINT_PUBLISHING",
                                            s1, "I2")})[0]
                .outcome,
            domain::WebhookOutcome::NoEffect);
  EXPECT_EQ(ingest(l).status, IngestStatus::Inactive);
  // Session 2 starts: buffering, then publishing; buffering again (older rank) is ignored.
  processor.apply_batch(
      {ingress_event("ingress_started", "obs", "IN_1", "ENDPOINT_BUFFERING", s2, "I3")});
  EXPECT_EQ(ingest(l).status, IngestStatus::Buffering);
  processor.apply_batch(
      {ingress_event("ingress_started", "obs", "IN_1", "ENDPOINT_PUBLISHING", s2, "I4")});
  processor.apply_batch(
      {ingress_event("ingress_started", "obs", "IN_1", "ENDPOINT_BUFFERING", s2, "I5")});
  EXPECT_EQ(ingest(l).status, IngestStatus::Publishing);
  // A late event of session 1 is stale.
  processor.apply_batch(
      {ingress_event("ingress_ended", "obs", "IN_1", "ENDPOINT_INACTIVE", s1, "I6")});
  EXPECT_EQ(ingest(l).status, IngestStatus::Publishing);
  // Session 2 fails with LiveKit's text, shown as error.
  processor.apply_batch({ingress_event("ingress_ended", "obs", "IN_1", "ENDPOINT_ERROR", s2, "I7",
                                       "unsupported codec")});
  const auto i = ingest(l);
  EXPECT_EQ(i.status, IngestStatus::Error);
  EXPECT_EQ(i.error.value_or(""), "unsupported codec");
  EXPECT_EQ(i.sessionStartedAt, s2);
  // Events of an ingress that was replaced (a key reset) find nothing.
  EXPECT_EQ(processor
                .apply_batch({ingress_event("ingress_started", "obs", "IN_OLD",
                                            "ENDPOINT_PUBLISHING", s2, "I8")})[0]
                .outcome,
            domain::WebhookOutcome::NoEffect);
}

TEST_P(MediaEffects, IngressEndedBeforeStartedInOneShuffledBatchEndsInactive) {
  domain::WebhookProcessor processor(store(), time_, events_, participant_batch());
  std::mt19937 rng(13);
  for (int round = 0; round < 8; ++round) {
    const std::string room = "obs-" + std::to_string(round);
    const auto l = live(room);
    add_ingest(l, "IN_" + room);
    const std::int64_t s = kNs + 7;
    std::vector<WebhookEvent> evs = {
        ingress_event("ingress_started", room, "IN_" + room, "ENDPOINT_BUFFERING", s, "B" + room),
        ingress_event("ingress_started", room, "IN_" + room, "ENDPOINT_PUBLISHING", s, "P" + room),
        ingress_event("ingress_ended", room, "IN_" + room, "ENDPOINT_INACTIVE", s, "E" + room)};
    const auto once = evs;
    evs.insert(evs.end(), once.begin(), once.end());
    std::shuffle(evs.begin(), evs.end(), rng);
    processor.apply_batch(evs);
    EXPECT_EQ(ingest(l).status, IngestStatus::Inactive) << room;
    EXPECT_EQ(ingest(l).rank, 3) << room;
  }
}

TEST_P(MediaEffects, ConcurrentWorkersApplyShuffledEgressEventsOnce) {
  domain::WebhookProcessor processor(store(), time_, events_, participant_batch());
  std::mt19937 rng(2026);
  const auto l = live("busy");
  std::vector<WebhookEvent> evs;
  for (int n = 0; n < 20; ++n) {
    const std::string egress = "EG_busy_" + std::to_string(n);
    evs.push_back(
        egress_event("egress_started", "busy", egress, "EGRESS_ACTIVE", kNs + 1, "S" + egress));
    evs.push_back(
        egress_event("egress_updated", "busy", egress, "EGRESS_ENDING", kNs + 2, "U" + egress));
    evs.push_back(egress_event("egress_ended", "busy", egress,
                               n % 2 ? "EGRESS_COMPLETE" : "EGRESS_FAILED", kNs + 3, "E" + egress));
  }
  const auto once = evs;
  evs.insert(evs.end(), once.begin(), once.end());
  std::shuffle(evs.begin(), evs.end(), rng);
  apply_concurrently(processor, evs, 4, 3);
  const auto rs = recordings(l);
  ASSERT_EQ(rs.size(), 20u);
  for (const auto& r : rs) {
    const int n = std::stoi(r.egressId.substr(std::string("EG_busy_").size()));
    EXPECT_EQ(r.status, n % 2 ? RecordingStatus::Complete : RecordingStatus::Failed) << r.egressId;
  }
  EXPECT_TRUE(store().read([](Queries& q) { return q.list_active_recordings(); }).empty());
}

TEST_P(MediaEffects, IngestRowsAreOnePerLivestreamAndReplaceable) {
  const auto l = live("reset");
  add_ingest(l, "IN_A");
  add_ingest(l, "IN_B");  // a reset points the livestream at the new ingress
  EXPECT_EQ(ingest(l).ingressId, "IN_B");
  EXPECT_FALSE(store().write([](Queries& q) { return q.lock_ingest_by_ingress("IN_A"); }));
  EXPECT_TRUE(store().write([&](Queries& q) { return q.delete_ingest(l.id); }));
  EXPECT_FALSE(store().read([&](Queries& q) { return q.find_ingest(l.id); }));
}

INSTANTIATE_TEST_SUITE_P(Backends, MediaEffects, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lso::store::test
