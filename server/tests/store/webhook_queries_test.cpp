// Conformance: the processed-webhook records (dedup of LiveKit deliveries) on every store backend.
#include "store_fixture.hpp"

namespace lso::store::test {
namespace {

using domain::Queries;

TEST_P(StoreTest, RecordWebhookDetectsDuplicates) {
  store().write([&](Queries& q) {
    EXPECT_TRUE(q.record_webhook("EV_1", "participant_joined", seconds(0), seconds(100)));
    EXPECT_FALSE(q.record_webhook("EV_1", "participant_joined", seconds(1), seconds(101)));
    EXPECT_TRUE(q.record_webhook("EV_2", "room_finished", seconds(1), seconds(101)));
  });
  // Committed records keep deduplicating in later transactions.
  EXPECT_FALSE(store().write([&](Queries& q) {
    return q.record_webhook("EV_2", "room_finished", seconds(2), seconds(102));
  }));
}

TEST_P(StoreTest, RecordWebhookRolledBackWithItsTransaction) {
  EXPECT_THROW(store().write([&](Queries& q) {
    EXPECT_TRUE(q.record_webhook("EV_1", "room_started", seconds(0), seconds(100)));
    throw std::runtime_error("processing failed");
  }),
               std::runtime_error);
  // The failed attempt left no record, so the retry is processed.
  EXPECT_TRUE(store().write([&](Queries& q) {
    return q.record_webhook("EV_1", "room_started", seconds(1), seconds(101));
  }));
}

TEST_P(StoreTest, ExpiredWebhookRecordNoLongerCounts) {
  store().write([&](Queries& q) {
    EXPECT_TRUE(q.record_webhook("EV_1", "room_started", seconds(0), seconds(10)));
    EXPECT_FALSE(q.record_webhook("EV_1", "room_started", seconds(9), seconds(19)));
    EXPECT_TRUE(q.record_webhook("EV_1", "room_started", seconds(11), seconds(21)));
    EXPECT_FALSE(q.record_webhook("EV_1", "room_started", seconds(20), seconds(30)));
  });
}

TEST_P(StoreTest, DeleteExpiredWebhooksRemovesOnlyExpiredRecords) {
  store().write([&](Queries& q) {
    q.record_webhook("EV_old", "room_started", seconds(0), seconds(10));
    q.record_webhook("EV_edge", "room_started", seconds(0), seconds(20));
    q.record_webhook("EV_new", "room_started", seconds(0), seconds(30));
  });
  EXPECT_EQ(store().write([&](Queries& q) { return q.delete_expired_webhooks(seconds(20), 100); }),
            1);
  EXPECT_EQ(store().write([&](Queries& q) { return q.delete_expired_webhooks(seconds(20), 100); }),
            0);
  store().write([&](Queries& q) {
    EXPECT_TRUE(
        q.record_webhook("EV_old", "room_started", seconds(5), seconds(15)));  // was deleted
    EXPECT_FALSE(q.record_webhook("EV_edge", "room_started", seconds(5), seconds(15)));
    EXPECT_FALSE(q.record_webhook("EV_new", "room_started", seconds(5), seconds(15)));
  });
  EXPECT_EQ(store().write([&](Queries& q) { return q.delete_expired_webhooks(seconds(100), 100); }),
            3);
}

TEST_P(StoreTest, DeleteExpiredWebhooksDeletesAtMostTheLimit) {
  store().write([&](Queries& q) {
    for (int i = 0; i < 5; ++i)
      q.record_webhook("EV_" + std::to_string(i), "room_started", seconds(0), seconds(10));
    q.record_webhook("EV_live", "room_started", seconds(0), seconds(100));
  });
  const auto chunk = [&] {
    return store().write([&](Queries& q) { return q.delete_expired_webhooks(seconds(50), 2); });
  };
  EXPECT_EQ(chunk(), 2);
  EXPECT_EQ(chunk(), 2);
  EXPECT_EQ(chunk(), 1);
  EXPECT_EQ(chunk(), 0);
  store().write([&](Queries& q) {  // the unexpired record is still there
    EXPECT_FALSE(q.record_webhook("EV_live", "room_started", seconds(60), seconds(160)));
  });
}

}  // namespace
}  // namespace lso::store::test
