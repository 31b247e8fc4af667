// Audience analytics on every backend: the series as the effects write it, densified and
// downsampled on a clock the test moves; watch times across reconnects; retention; permissions.
#include "domain/analytics.hpp"

#include <memory>

#include "domain/audience.hpp"
#include "store_fixture.hpp"
#include "webhook_events.hpp"

namespace lso::store::test {
namespace {

using domain::AnalyticsService;
using domain::Queries;
using domain::ViewerBucket;
using std::chrono::minutes;
using std::chrono::seconds;

domain::TimePoint at(std::int64_t s) {
  return domain::TimePoint(std::chrono::seconds(s));
}

TEST(Densify, EmptyBucketsRepeatTheCountCarriedIntoThem) {
  // Buckets at 0 s (1 → 3, ends at 2) and 30 s (2 → 0); nothing at 10 s and 20 s.
  const std::vector<ViewerBucket> stored{{"l", at(0), 10, 1, 3, 2}, {"l", at(30), 10, 0, 2, 0}};
  const auto points = domain::densify(stored, 1, at(0), at(50), 10);
  ASSERT_EQ(points.size(), 5u);
  EXPECT_EQ(points[0].min, 1);
  EXPECT_EQ(points[0].max, 3);
  EXPECT_EQ(points[0].last, 2);
  for (int i : {1, 2}) {
    EXPECT_EQ(points[i].min, 2);
    EXPECT_EQ(points[i].max, 2);
    EXPECT_EQ(points[i].last, 2);
  }
  EXPECT_EQ(points[3].min, 0);
  EXPECT_EQ(points[3].max, 2);  // it started at 2
  EXPECT_EQ(points[4].last, 0);
  EXPECT_EQ(points[4].t, at(40));
  // At one minute, the same data is one point holding the whole swing.
  const auto minute = domain::densify(stored, 1, at(0), at(60), 60);
  ASSERT_EQ(minute.size(), 1u);
  EXPECT_EQ(minute[0].min, 0);
  EXPECT_EQ(minute[0].max, 3);
  EXPECT_EQ(minute[0].last, 0);
}

TEST(Median, OddEvenAndEmpty) {
  std::vector<std::int64_t> none;
  EXPECT_EQ(domain::median_seconds(none), 0);
  std::vector<std::int64_t> odd{5'000'000, 1'000'000, 3'000'000};
  EXPECT_EQ(domain::median_seconds(odd), 3);
  std::vector<std::int64_t> even{4'000'000, 1'000'000, 2'000'000, 10'000'000};
  EXPECT_EQ(domain::median_seconds(even), 3);
}

class Analytics : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;  // no PostgreSQL: there is no store to build on
    processor_ =
        std::make_unique<domain::WebhookProcessor>(store(), time_, events_, participant_batch());
  }
  domain::Livestream live(const std::string& room) {
    auto l = make_livestream(room, time_.now(), domain::LivestreamStatus::Live, "host");
    l.startedAt = time_.now();
    store().write([&](Queries& q) { q.insert_livestream(l); });
    return l;
  }
  void apply(const std::vector<domain::WebhookEvent>& events) {
    for (const auto& r : processor_->apply_batch(events)) ASSERT_FALSE(r.error);
  }
  static domain::WebhookEvent joined(const std::string& room, const std::string& user,
                                     const std::string& sid) {
    return participant_event("participant_joined", room, user, sid, "EVJ_" + sid);
  }
  static domain::WebhookEvent left(const std::string& room, const std::string& user,
                                   const std::string& sid) {
    return participant_event("participant_left", room, user, sid, "EVL_" + sid);
  }
  domain::Principal open() const { return domain::Principal::open(); }

  ManualTime time_{at(1'800'000'000)};  // a whole minute
  domain::NoLivestreamEvents events_;
  std::unique_ptr<domain::WebhookProcessor> processor_;
  domain::PermissionPolicy policy_{true, false};
};

TEST_P(Analytics, SeriesSummaryAndWatchTimeAcrossReconnects) {
  AnalyticsService analytics(store(), time_, domain::PermissionPolicy{true, true});
  const auto l = live("series");
  apply({joined("series", "a", "A1"), joined("series", "b", "B1")});  // 0 s: 2
  time_.advance(seconds(25));
  apply({left("series", "a", "A1")});  // 25 s: 1
  time_.advance(seconds(20));
  apply({joined("series", "a", "A2")});  // 45 s: 2 (a again, a new session)
  time_.advance(seconds(15));            // now: 60 s
  const auto a = analytics.read(open(), l.id, {});
  EXPECT_EQ(a.resolutionSeconds, 10);
  ASSERT_EQ(a.series.size(), 6u);
  const std::int64_t lasts[] = {2, 2, 1, 1, 2, 2};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(a.series[i].last, lasts[i]) << i;
  EXPECT_EQ(a.series[0].min, 0);  // started empty
  EXPECT_EQ(a.series[0].max, 2);
  EXPECT_EQ(a.series[2].min, 1);
  EXPECT_EQ(a.series[2].max, 2);  // it started at 2
  EXPECT_EQ(a.summary.peakViewerCount, 2);
  EXPECT_EQ(a.summary.uniqueViewers, 2);
  EXPECT_EQ(a.summary.sessions, 3);
  EXPECT_DOUBLE_EQ(*a.summary.durationSeconds, 60);
  // a: 25 s + 15 s, b: 60 s.
  EXPECT_DOUBLE_EQ(a.summary.totalWatchSeconds, 100);
  EXPECT_DOUBLE_EQ(a.summary.medianWatchSeconds, 25);
  EXPECT_DOUBLE_EQ(a.summary.averageViewers, 100.0 / 60);
  // A range and a coarser resolution.
  domain::AnalyticsQuery minute;
  minute.resolutionSeconds = 60;
  const auto coarse = analytics.read(open(), l.id, minute);
  ASSERT_EQ(coarse.series.size(), 1u);
  EXPECT_EQ(coarse.series[0].min, 0);  // the count the livestream started with
  EXPECT_EQ(coarse.series[0].max, 2);
  EXPECT_EQ(coarse.series[0].last, 2);
  domain::AnalyticsQuery bad;
  bad.from = time_.now();
  bad.to = time_.now() - seconds(5);
  EXPECT_THROW(analytics.read(open(), l.id, bad), domain::AppError);
  EXPECT_THROW(analytics.read(open(), "00000000-0000-4000-8000-000000000000", {}),
               domain::AppError);
}

TEST_P(Analytics, DownsamplingMergesOldBucketsIntoMinutes) {
  AnalyticsService analytics(store(), time_, domain::PermissionPolicy{true, true});
  const auto l = live("downsample");
  for (int i = 0; i < 12; ++i) {  // two minutes of 10 s buckets: 1, 2, … 12
    apply({joined("downsample", "u" + std::to_string(i), "S" + std::to_string(i))});
    time_.advance(seconds(10));
  }
  time_.advance(std::chrono::hours(2));
  EXPECT_GT(analytics.maintain(std::chrono::hours(1), std::chrono::seconds(0)), 0);
  const auto stored =
      store().read([&](Queries& q) { return q.viewer_series(l.id, at(0), time_.now()); });
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].widthSeconds, 60);
  EXPECT_EQ(stored[0].min, 1);
  EXPECT_EQ(stored[0].max, 6);
  EXPECT_EQ(stored[0].last, 6);
  EXPECT_EQ(stored[1].min, 7);
  EXPECT_EQ(stored[1].last, 12);
  // Read back at 10 s, the downsampled range comes at 1 min.
  domain::AnalyticsQuery q;
  q.from = l.startedAt;
  q.to = *l.startedAt + minutes(2);
  q.resolutionSeconds = 10;
  const auto a = analytics.read(open(), l.id, q);
  EXPECT_EQ(a.resolutionSeconds, 60);
  ASSERT_EQ(a.series.size(), 2u);
  EXPECT_EQ(a.series[1].max, 12);
  // Run again: nothing left to merge.
  EXPECT_EQ(analytics.maintain(std::chrono::hours(1), std::chrono::seconds(0)), 0);
}

TEST_P(Analytics, RetentionDeletesTheHistoryOfLongEndedLivestreams) {
  AnalyticsService analytics(store(), time_, domain::PermissionPolicy{true, true});
  const auto old = live("old");
  apply({joined("old", "a", "OA")});
  store().write([&](Queries& q) { q.mark_livestream_ended(old.id, time_.now()); });
  time_.advance(std::chrono::hours(24 * 10));
  const auto recent = live("recent");
  apply({joined("recent", "a", "RA")});
  analytics.maintain(std::chrono::hours(1), std::chrono::hours(24 * 5));
  store().read([&](Queries& q) {
    EXPECT_FALSE(q.find_livekit_session("OA"));
    EXPECT_TRUE(q.viewer_series(old.id, at(0), time_.now() + minutes(1)).empty());
    EXPECT_TRUE(q.find_livekit_session("RA"));
    EXPECT_EQ(q.viewer_series(recent.id, at(0), time_.now() + minutes(1)).size(), 1u);
    // The record and its counters stay.
    EXPECT_EQ(q.find_livestream(old.id)->peakViewers, 1);
  });
}

TEST_P(Analytics, OnlyTheCreatorAndAdminsReadIt) {
  AnalyticsService analytics(store(), time_, policy_);
  const auto l = live("private-numbers");  // created by "host"
  const auto user = [](std::string id, bool isAdmin) {
    domain::Principal p;
    p.kind = domain::PrincipalKind::User;
    p.method = domain::AuthMethod::Session;
    p.userId = std::move(id);
    p.admin = isAdmin;
    p.scopes = domain::kScopeRead | domain::kScopeWrite | (isAdmin ? domain::kScopeAdmin : 0);
    return p;
  };
  const auto creator = user("host", false);
  const auto admin = user("root", true);
  const auto viewer = user("someone", false);
  EXPECT_NO_THROW(analytics.read(creator, l.id, {}));
  EXPECT_NO_THROW(analytics.read(admin, l.id, {}));
  try {
    analytics.read(viewer, l.id, {});
    ADD_FAILURE() << "a viewer read the creator's analytics";
  } catch (const domain::AppError& e) {
    EXPECT_EQ(e.kind(), domain::ErrorKind::Authorization);
  }
  try {
    analytics.read(domain::Principal{}, l.id, {});
    ADD_FAILURE() << "nobody read the creator's analytics";
  } catch (const domain::AppError& e) {
    EXPECT_EQ(e.kind(), domain::ErrorKind::Authentication);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Analytics, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lso::store::test
