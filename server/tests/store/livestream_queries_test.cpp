// Conformance: the livestream queries of domain::Queries on every store backend.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <cctype>

#include "store_fixture.hpp"
#include "util/uuid.hpp"

namespace lso::store::test {
namespace {

using domain::Livestream;
using domain::LivestreamFilter;
using domain::LivestreamStatus;
using domain::Queries;

std::vector<std::string> ids(const std::vector<Livestream>& list) {
  std::vector<std::string> out;
  for (const auto& l : list) out.push_back(l.id);
  return out;
}

// The order every list promises: createdAt DESC, then id DESC.
std::vector<std::string> newest_first(std::vector<Livestream> list) {
  std::sort(list.begin(), list.end(), [](const Livestream& a, const Livestream& b) {
    return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
  });
  return ids(list);
}

TEST_P(StoreTest, InsertedLivestreamReadsBackFieldForField) {
  Livestream full = make_livestream("room-full", at(1'700'000'000'123'457), LivestreamStatus::Live);
  full.description = "A description\nover two lines";
  full.maxParticipants = 7;
  full.emptyTimeout = 0;
  full.metadata = boost::json::parse(R"({"category":"music","tags":["a","b"],"n":3})");
  full.updatedAt = at(1'700'000'000'999'999);
  full.startedAt = at(1'700'000'001'000'001);
  full.endedAt = at(1'700'000'002'000'003);
  Livestream minimal = make_livestream("room-minimal", at(-1));  // before the epoch, too

  store().write([&](Queries& q) {
    q.insert_livestream(full);
    q.insert_livestream(minimal);
  });

  const auto readFull = store().read([&](Queries& q) { return q.find_livestream(full.id); });
  ASSERT_TRUE(readFull);
  expect_same(*readFull, full);
  const auto readMinimal = store().read([&](Queries& q) { return q.find_livestream(minimal.id); });
  ASSERT_TRUE(readMinimal);
  expect_same(*readMinimal, minimal);
  EXPECT_TRUE(readMinimal->metadata.is_null());
  EXPECT_FALSE(readMinimal->description);
}

TEST_P(StoreTest, FindLivestreamAcceptsOnlyKnownUuids) {
  const Livestream l = make_livestream("room", seconds(1));
  store().write([&](Queries& q) { q.insert_livestream(l); });
  std::string upper = l.id;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  store().read([&](Queries& q) {
    EXPECT_TRUE(q.find_livestream(l.id));
    EXPECT_TRUE(q.find_livestream(upper));
    EXPECT_FALSE(q.find_livestream(util::new_uuid()));
    EXPECT_FALSE(q.find_livestream("not-a-uuid"));
    EXPECT_FALSE(q.find_livestream("' OR 1=1 --"));
    EXPECT_FALSE(q.find_livestream(""));
  });
}

TEST_P(StoreTest, OneScheduledOrLiveLivestreamPerRoomName) {
  Livestream first = make_livestream("shared-room", seconds(1));
  store().write([&](Queries& q) { q.insert_livestream(first); });

  const auto insert = [&](LivestreamStatus status) {
    return violated_rule([&] {
      store().write([&](Queries& q) {
        q.insert_livestream(make_livestream("shared-room", seconds(2), status));
      });
    });
  };
  EXPECT_EQ(insert(LivestreamStatus::Scheduled), "livestreams_active_room");
  EXPECT_EQ(insert(LivestreamStatus::Live), "livestreams_active_room");
  // Finished livestreams never block the name.
  EXPECT_EQ(insert(LivestreamStatus::Ended), "");
  EXPECT_EQ(insert(LivestreamStatus::Error), "");

  store().write([&](Queries& q) { ASSERT_TRUE(q.mark_livestream_live(first.id, seconds(3))); });
  EXPECT_EQ(insert(LivestreamStatus::Scheduled), "livestreams_active_room");
  store().write([&](Queries& q) { ASSERT_TRUE(q.mark_livestream_ended(first.id, seconds(4))); });
  EXPECT_EQ(insert(LivestreamStatus::Scheduled), "");
  // Other room names are independent.
  store().write(
      [&](Queries& q) { q.insert_livestream(make_livestream("other-room", seconds(5))); });
}

TEST_P(StoreTest, FindActiveLivestreamByRoomSeesOnlyScheduledOrLive) {
  const Livestream ended = make_livestream("room", seconds(1), LivestreamStatus::Ended);
  const Livestream scheduled = make_livestream("room", seconds(2));
  store().write([&](Queries& q) {
    EXPECT_FALSE(q.find_active_livestream_by_room("room"));
    q.insert_livestream(ended);
    EXPECT_FALSE(q.find_active_livestream_by_room("room"));
    q.insert_livestream(scheduled);
  });
  store().read([&](Queries& q) {
    const auto found = q.find_active_livestream_by_room("room");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, scheduled.id);
    EXPECT_FALSE(q.find_active_livestream_by_room("ROOM"));
  });
  store().write([&](Queries& q) { q.mark_livestream_live(scheduled.id, seconds(3)); });
  store().read([&](Queries& q) {
    const auto found = q.find_active_livestream_by_room("room");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->status, LivestreamStatus::Live);
  });
}

TEST_P(StoreTest, ListLivestreamsNewestFirstWithIdTieBreak) {
  std::vector<Livestream> all;
  for (int i = 0; i < 5; ++i) all.push_back(make_livestream("r" + std::to_string(i), seconds(i)));
  for (int i = 0; i < 4; ++i)
    all.push_back(make_livestream("same" + std::to_string(i), seconds(2)));
  store().write([&](Queries& q) {
    for (const auto& l : all) q.insert_livestream(l);
  });
  const auto listed =
      store().read([](Queries& q) { return q.list_livestreams(livestreams_where({}, {})); });
  EXPECT_EQ(ids(listed), newest_first(all));
}

TEST_P(StoreTest, ListLivestreamsPaginates) {
  std::vector<Livestream> all;
  for (int i = 0; i < 25; ++i)
    all.push_back(make_livestream("r" + std::to_string(i), seconds(i % 7)));
  store().write([&](Queries& q) {
    for (const auto& l : all) q.insert_livestream(l);
  });
  const auto expected = newest_first(all);
  std::vector<std::string> paged;
  store().read([&](Queries& q) {
    for (int offset = 0; offset < 30; offset += 10) {
      const auto page = q.list_livestreams(livestreams_where({}, {}, {10, offset}));
      EXPECT_EQ(page.size(), offset < 20 ? 10u : 5u);
      for (const auto& l : page) paged.push_back(l.id);
    }
    EXPECT_TRUE(q.list_livestreams(livestreams_where({}, {}, {10, 25})).empty());
    EXPECT_TRUE(q.list_livestreams(livestreams_where({}, {}, {0})).empty());
    EXPECT_EQ(q.list_livestreams({}).size(), 20u);  // the filter's default limit
  });
  EXPECT_EQ(paged, expected);
}

TEST_P(StoreTest, ListLivestreamsFiltersByStatusAndCreator) {
  std::vector<Livestream> all;
  const LivestreamStatus statuses[] = {LivestreamStatus::Scheduled, LivestreamStatus::Live,
                                       LivestreamStatus::Ended, LivestreamStatus::Error};
  for (int i = 0; i < 16; ++i) {
    all.push_back(make_livestream("r" + std::to_string(i), seconds(i), statuses[i % 4],
                                  i % 2 == 0 ? "alice" : "bob"));
  }
  store().write([&](Queries& q) {
    for (const auto& l : all) q.insert_livestream(l);
  });
  const auto matching = [&](std::optional<LivestreamStatus> status,
                            std::optional<std::string> creator) {
    std::vector<Livestream> out;
    for (const auto& l : all) {
      if ((!status || l.status == *status) && (!creator || l.createdBy == *creator))
        out.push_back(l);
    }
    return newest_first(out);
  };
  store().read([&](Queries& q) {
    for (auto status : statuses) {
      EXPECT_EQ(ids(q.list_livestreams(livestreams_where(status, {}))), matching(status, {}));
      for (const char* creator : {"alice", "bob", "carol"}) {
        EXPECT_EQ(ids(q.list_livestreams(livestreams_where(status, creator))),
                  matching(status, creator));
      }
    }
    EXPECT_EQ(ids(q.list_livestreams(livestreams_where({}, "bob"))), matching({}, "bob"));
    const auto bobs = matching({}, "bob");
    EXPECT_EQ(ids(q.list_livestreams(livestreams_where({}, "bob", {2, 1}))),
              std::vector(bobs.begin() + 1, bobs.begin() + 3));
  });
}

TEST_P(StoreTest, ListLivestreamsWithStatusHasNoPageLimit) {
  std::vector<Livestream> live;
  store().write([&](Queries& q) {
    for (int i = 0; i < 30; ++i) {
      live.push_back(
          make_livestream("live" + std::to_string(i), seconds(i), LivestreamStatus::Live));
      q.insert_livestream(live.back());
      q.insert_livestream(
          make_livestream("ended" + std::to_string(i), seconds(i), LivestreamStatus::Ended));
    }
  });
  const auto listed = store().read(
      [](Queries& q) { return q.list_livestreams_with_status(LivestreamStatus::Live); });
  EXPECT_EQ(ids(listed), newest_first(live));
}

TEST_P(StoreTest, MarkLiveAndMarkErrorOnlyFromScheduled) {
  const Livestream a = make_livestream("a", seconds(1));
  const Livestream b = make_livestream("b", seconds(1));
  store().write([&](Queries& q) {
    q.insert_livestream(a);
    q.insert_livestream(b);
  });
  store().write([&](Queries& q) {
    const auto live = q.mark_livestream_live(a.id, seconds(10));
    ASSERT_TRUE(live);
    EXPECT_EQ(live->status, LivestreamStatus::Live);
    EXPECT_EQ(live->startedAt, seconds(10));
    EXPECT_EQ(live->updatedAt, seconds(10));
    EXPECT_EQ(live->createdAt, a.createdAt);
    EXPECT_FALSE(q.mark_livestream_live(a.id, seconds(11)));
    EXPECT_FALSE(q.mark_livestream_error(a.id, seconds(11)));

    const auto failed = q.mark_livestream_error(b.id, seconds(12));
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->status, LivestreamStatus::Error);
    EXPECT_EQ(failed->updatedAt, seconds(12));
    EXPECT_FALSE(failed->startedAt);
    EXPECT_FALSE(q.mark_livestream_live(b.id, seconds(13)));

    EXPECT_FALSE(q.mark_livestream_live(util::new_uuid(), seconds(13)));
    EXPECT_FALSE(q.mark_livestream_error("nope", seconds(13)));
  });
  const auto stored = store().read([&](Queries& q) { return q.find_livestream(a.id); });
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->startedAt, seconds(10));
}

TEST_P(StoreTest, MarkEndedFromEveryStatusButEnded) {
  std::vector<Livestream> all = {make_livestream("s", seconds(1), LivestreamStatus::Scheduled),
                                 make_livestream("l", seconds(1), LivestreamStatus::Live),
                                 make_livestream("e", seconds(1), LivestreamStatus::Error),
                                 make_livestream("x", seconds(1), LivestreamStatus::Ended)};
  store().write([&](Queries& q) {
    for (const auto& l : all) q.insert_livestream(l);
  });
  store().write([&](Queries& q) {
    for (int i = 0; i < 3; ++i) {
      const auto ended = q.mark_livestream_ended(all[i].id, seconds(20));
      ASSERT_TRUE(ended) << all[i].roomName;
      EXPECT_EQ(ended->status, LivestreamStatus::Ended);
      EXPECT_EQ(ended->endedAt, seconds(20));
      EXPECT_EQ(ended->updatedAt, seconds(20));
      EXPECT_EQ(ended->startedAt, all[i].startedAt);
      EXPECT_FALSE(q.mark_livestream_ended(all[i].id, seconds(21)));
    }
    EXPECT_FALSE(q.mark_livestream_ended(all[3].id, seconds(21)));
    EXPECT_FALSE(q.mark_livestream_ended(util::new_uuid(), seconds(21)));
  });
}

TEST_P(StoreTest, AudienceCountersMoveTogetherAndThePeakOnlyRises) {
  const Livestream l = make_livestream("room", seconds(1));
  store().write([&](Queries& q) { q.insert_livestream(l); });
  store().write([&](Queries& q) {
    EXPECT_EQ(q.adjust_audience(l.id, {5, 5, 1}, 5, seconds(2)), 5);
    EXPECT_EQ(q.adjust_audience(l.id, {-2, 0, 0}, 3, seconds(3)), 3);
    EXPECT_EQ(q.adjust_audience(l.id, {1, 1, -1}, 4, seconds(4)), 4);  // below the peak: kept
    EXPECT_EQ(q.adjust_audience(util::new_uuid(), {4, 0, 0}, 4, seconds(4)), 0);
  });
  auto after = store().read([&](Queries& q) { return q.find_livestream(l.id); });
  ASSERT_TRUE(after);
  EXPECT_EQ(after->viewerCount, 4);
  EXPECT_EQ(after->totalViewers, 6);
  EXPECT_EQ(after->peakViewers, 5);
  EXPECT_EQ(after->peakAt, seconds(2));
  EXPECT_FALSE(after->hostConnected);
  store().write([&](Queries& q) {
    EXPECT_EQ(q.adjust_audience(l.id, {3, 0, 1}, 7, seconds(6)), 7);
    q.clear_audience(l.id);
  });
  after = store().read([&](Queries& q) { return q.find_livestream(l.id); });
  EXPECT_EQ(after->viewerCount, 0);
  EXPECT_EQ(after->peakViewers, 7);
  EXPECT_EQ(after->peakAt, seconds(6));
  EXPECT_FALSE(after->hostConnected);
}

// Nothing a client sends is interpreted: quotes, SQL, placeholders and any Unicode come back
// byte for byte.
TEST_P(StoreTest, TextAndMetadataAreStoredVerbatim) {
  const std::string sqlish[] = {"'; DROP TABLE livestreams; --",
                                "Robert'); DROP TABLE participants;--",
                                "$1 ?1 :name @x %s \\ \" ` /* */", "ünïcödé ✓ 🎥 日本語 \u2028 𝄞"};
  Livestream l = make_livestream(sqlish[0], seconds(1));
  l.title = sqlish[1];
  l.description = sqlish[2];
  l.createdBy = sqlish[3];
  l.metadata = boost::json::parse(R"({
    "sql": "'; DROP TABLE livestreams; --",
    "quote": "it's \"quoted\" \\ backslash",
    "unicode": "héllo wörld 🎥 日本語 \u00e9 \ud834\udd1e",
    "nested": {"list": [1, -2, 1.5, true, false, null, "x"], "empty": {}, "none": []},
    "big": 9007199254740993,
    "negative": -9223372036854775807
  })");
  domain::Participant p = make_participant(l.id, sqlish[3], seconds(2));
  p.displayName = sqlish[0];
  p.metadata =
      boost::json::parse(R"({"note": "Robert'); DROP TABLE participants;--", "emoji": "🙂"})");
  p.livekitParticipantSid = sqlish[2];
  store().write([&](Queries& q) {
    q.insert_livestream(l);
    q.insert_participant(p);
  });
  store().read([&](Queries& q) {
    const auto readL = q.find_livestream(l.id);
    ASSERT_TRUE(readL);
    expect_same(*readL, l);
    ASSERT_TRUE(q.find_active_livestream_by_room(sqlish[0]));
    const auto readP = q.find_active_participant(l.id, sqlish[3]);
    ASSERT_TRUE(readP);
    expect_same(*readP, p);
    ASSERT_TRUE(q.find_participant_by_sid(sqlish[2]));
    EXPECT_EQ(q.list_livestreams(livestreams_where({}, sqlish[3])).size(), 1u);
  });
}

// U+0000 cannot be stored by PostgreSQL, so no backend accepts it: a client error, not a crash.
TEST_P(StoreTest, NulCharactersAreRefusedAsValidationErrors) {
  Livestream inTitle = make_livestream("room", seconds(1));
  inTitle.title = std::string("a\0b", 3);
  Livestream inMetadata = make_livestream("room", seconds(1));
  inMetadata.metadata = boost::json::object{{"note", std::string("x\0y", 3)}};
  for (const auto& l : {inTitle, inMetadata}) {
    try {
      store().write([&](Queries& q) { q.insert_livestream(l); });
      ADD_FAILURE() << "stored a NUL character";
    } catch (const domain::AppError& e) {
      EXPECT_EQ(e.kind(), domain::ErrorKind::Validation) << e.what();
    }
  }
  EXPECT_FALSE(store().read([](Queries& q) { return q.find_active_livestream_by_room("room"); }));
}

// 10k rows: every list query stays an index walk that stops after the page (no timing asserted;
// the benchmarks measure speed).
TEST_P(StoreTest, ListsStayCorrectOverTenThousandRows) {
  constexpr int kRows = 10'000;
  const LivestreamStatus statuses[] = {LivestreamStatus::Ended, LivestreamStatus::Live,
                                       LivestreamStatus::Error};
  std::vector<Livestream> all;
  all.reserve(kRows);
  for (int i = 0; i < kRows; ++i) {
    all.push_back(make_livestream("room-" + std::to_string(i), seconds(i), statuses[i % 3],
                                  "user-" + std::to_string(i % 10)));
  }
  store().write([&](Queries& q) {
    for (const auto& l : all) q.insert_livestream(l);
  });
  store().read([&](Queries& q) {
    const auto page = q.list_livestreams(livestreams_where({}, {}, {20, 100}));
    ASSERT_EQ(page.size(), 20u);
    EXPECT_EQ(page.front().id, all[kRows - 1 - 100].id);
    const auto live = q.list_livestreams(livestreams_where(LivestreamStatus::Live, {}, {5}));
    ASSERT_EQ(live.size(), 5u);
    for (const auto& l : live) EXPECT_EQ(l.status, LivestreamStatus::Live);
    const auto mine = q.list_livestreams(livestreams_where({}, "user-3", {100, 900}));
    ASSERT_EQ(mine.size(), 100u);
    EXPECT_EQ(mine.front().id, all[kRows - 7 - 900 * 10].id);
    EXPECT_EQ(q.list_livestreams_with_status(LivestreamStatus::Live).size(), 3333u);
  });
}

}  // namespace
}  // namespace lso::store::test
