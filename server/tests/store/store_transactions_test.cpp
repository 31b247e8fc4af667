// Conformance: Store::run semantics on every backend: commit/rollback, isolation of failed
// statements, concurrency of writers, pool exhaustion, migrations.
#include <atomic>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "store_fixture.hpp"
#include "util/uuid.hpp"

namespace lso::store::test {
namespace {

using domain::AppError;
using domain::ErrorKind;
using domain::LivestreamStatus;
using domain::Queries;

TEST_P(StoreTest, NamesItsBackendAndAnswersPing) {
  EXPECT_EQ(store().backend(), GetParam());
  EXPECT_NO_THROW(store().ping());
}

TEST_P(StoreTest, MigrateTwiceAndFromAnotherInstanceIsHarmless) {
  const auto l = make_livestream("room", seconds(1));
  store().write([&](Queries& q) { q.insert_livestream(l); });
  EXPECT_NO_THROW(store().migrate());
  auto second = open_again();
  EXPECT_NO_THROW(second->migrate());
  EXPECT_TRUE(second->read([&](Queries& q) { return q.find_livestream(l.id); }));
}

TEST_P(StoreTest, ConcurrentMigratorsApplyTheSchemaOnce) {
  const StoreOptions fresh = scratch_.create(GetParam());
  constexpr int kInstances = 4;
  std::latch start(kInstances);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      try {
        auto instance = open_store(fresh);
        instance->migrate();
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  auto store = open_store(fresh);
  store->write([&](Queries& q) { q.insert_livestream(make_livestream("room", seconds(1))); });
}

TEST_P(StoreTest, WriteRollsBackEverythingWhenFnThrows) {
  const auto l = make_livestream("room", seconds(1));
  try {
    store().write([&](Queries& q) {
      q.insert_livestream(l);
      q.insert_participant(make_participant(l.id, "u", seconds(2)));
      q.record_webhook("EV_1", "participant_joined", seconds(2), seconds(3));
      throw std::runtime_error("boom");
    });
    ADD_FAILURE() << "the exception did not propagate";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "boom");  // fn's own exception, unchanged
  }
  store().read([&](Queries& q) {
    EXPECT_FALSE(q.find_livestream(l.id));
    EXPECT_FALSE(q.find_active_participant(l.id, "u"));
  });
  EXPECT_TRUE(store().write([&](Queries& q) {
    return q.record_webhook("EV_1", "participant_joined", seconds(4), seconds(5));
  }));
  // The store is still usable afterwards.
  store().write([&](Queries& q) { q.insert_livestream(l); });
  EXPECT_TRUE(store().read([&](Queries& q) { return q.find_livestream(l.id); }));
}

// A caller may catch a UniqueViolation and carry on in the same transaction on every backend.
TEST_P(StoreTest, UniqueViolationLeavesTheTransactionUsable) {
  const auto first = make_livestream("room", seconds(1));
  const auto duplicate = make_livestream("room", seconds(2));
  const auto other = make_livestream("other", seconds(3));
  store().write([&](Queries& q) {
    q.insert_livestream(first);
    EXPECT_EQ(violated_rule([&] { q.insert_livestream(duplicate); }), "livestreams_active_room");
    q.insert_livestream(other);
  });
  store().read([&](Queries& q) {
    EXPECT_TRUE(q.find_livestream(first.id));
    EXPECT_FALSE(q.find_livestream(duplicate.id));
    EXPECT_TRUE(q.find_livestream(other.id));
  });
}

TEST_P(StoreTest, ReadAndWriteReturnFnResults) {
  EXPECT_EQ(store().write([](Queries&) { return 42; }), 42);
  EXPECT_EQ(store().read([](Queries&) { return std::string("answer"); }), "answer");
  const auto l = make_livestream("room", seconds(1));
  const auto inserted = store().write([&](Queries& q) {
    q.insert_livestream(l);
    return q.find_livestream(l.id);  // a write sees its own uncommitted changes
  });
  ASSERT_TRUE(inserted);
  EXPECT_EQ(inserted->id, l.id);
}

// Values read together agree: a write committed by another connection during a read is not
// seen by the read's later statements (a state must not pair a new people list with an old count).
TEST_P(StoreTest, EveryStatementOfAReadSeesOneSnapshot) {
  const auto l = make_livestream("room", seconds(1));
  store().write([&](Queries& q) { q.insert_livestream(l); });
  const auto [before, during] = store().read([&](Queries& q) {
    const auto first = q.find_livestream(l.id);
    std::thread([&] {
      store().write([&](Queries& w) { w.mark_livestream_live(l.id, seconds(2)); });
    }).join();
    return std::pair{first, q.find_livestream(l.id)};
  });
  ASSERT_TRUE(before && during);
  EXPECT_EQ(before->status, LivestreamStatus::Scheduled);
  EXPECT_EQ(during->status, LivestreamStatus::Scheduled) << "the read saw a later commit";
  EXPECT_EQ(store().read([&](Queries& q) { return q.find_livestream(l.id); })->status,
            LivestreamStatus::Live);
}

// Runs fn on 8 threads released together; returns how many succeeded and the rules violated.
template <class Fn>
std::pair<int, std::vector<std::string>> race(Fn fn) {
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::mutex mutex;
  int wins = 0;
  std::vector<std::string> rules;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        fn(i);
        const std::lock_guard lock(mutex);
        ++wins;
      } catch (const domain::UniqueViolation& e) {
        const std::lock_guard lock(mutex);
        rules.push_back(e.constraint());
      } catch (const std::exception& e) {
        const std::lock_guard lock(mutex);
        rules.push_back(std::string("unexpected: ") + e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  return {wins, rules};
}

TEST_P(StoreTest, ConcurrentJoinsOfOneUserExactlyOneWins) {
  const auto l = make_livestream("room", seconds(0), LivestreamStatus::Live);
  store().write([&](Queries& q) { q.insert_livestream(l); });
  const auto [wins, rules] = race([&](int i) {
    store().write(
        [&](Queries& q) { q.insert_participant(make_participant(l.id, "same-user", seconds(i))); });
  });
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(rules, std::vector<std::string>(7, "participants_active_session"));
  const auto joined = store().read([&](Queries& q) {
    return q.list_participants(participants_where(l.id, domain::ParticipantStatus::Joined, {}));
  });
  EXPECT_EQ(joined.size(), 1u);
}

TEST_P(StoreTest, ConcurrentCreatesOfOneRoomExactlyOneWins) {
  const auto [wins, rules] = race([&](int i) {
    store().write(
        [&](Queries& q) { q.insert_livestream(make_livestream("contested", seconds(i))); });
  });
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(rules, std::vector<std::string>(7, "livestreams_active_room"));
}

// Every writer of the audience counters adds to them in one statement under the row lock: no
// increment is lost, and the peak is the highest count reached, never lowered.
TEST_P(StoreTest, ConcurrentAudienceChangesLoseNothingAndKeepThePeak) {
  const auto l = make_livestream("room", seconds(0), LivestreamStatus::Live);
  store().write([&](Queries& q) { q.insert_livestream(l); });
  std::atomic<int> threads{0};
  race([&](int) {
    ++threads;
    for (int n = 0; n < 25; ++n)
      store().write([&](Queries& q) {
        // As audience::Tally does: the count read under the row lock, plus the move.
        const auto locked = q.lock_livestream_exclusive(l.id);
        q.adjust_audience(l.id, {1, 1, 0}, locked->viewerCount + 1, seconds(5));
      });
  });
  const std::int64_t all = 25 * threads.load();
  auto after = store().read([&](Queries& q) { return q.find_livestream(l.id); });
  ASSERT_TRUE(after);
  EXPECT_EQ(after->viewerCount, all);
  EXPECT_EQ(after->totalViewers, all);
  EXPECT_EQ(after->peakViewers, all);
  EXPECT_EQ(after->peakAt, seconds(5));
  race([&](int) {
    for (int n = 0; n < 25; ++n)
      store().write([&](Queries& q) {
        const auto locked = q.lock_livestream_exclusive(l.id);
        q.adjust_audience(l.id, {-1, 0, 0}, locked->viewerCount - 1, seconds(9));
      });
  });
  after = store().read([&](Queries& q) { return q.find_livestream(l.id); });
  EXPECT_EQ(after->viewerCount, 0);
  EXPECT_EQ(after->peakViewers, all);  // never lowered
  EXPECT_EQ(after->peakAt, seconds(5));
}

// Two writers locking the same rows in opposite orders: PostgreSQL aborts one as a deadlock
// (40P01) and the store runs it again; SQLite serialises them. Both must complete.
TEST_P(StoreTest, OpposingWritersBothComplete) {
  const auto a = make_livestream("a", seconds(0), LivestreamStatus::Live);
  const auto b = make_livestream("b", seconds(0), LivestreamStatus::Live);
  store().write([&](Queries& q) {
    q.insert_livestream(a);
    q.insert_livestream(b);
  });
  // On its first run each writer waits (bounded) until the other holds its first row, so the two
  // really overlap. SQLite runs write transactions one at a time: nobody waits there.
  const bool overlap = store().backend() == "postgresql";
  std::mutex m;
  std::condition_variable cv;
  int holding = 0;
  const auto writer = [&](const std::string& first, const std::string& second, std::int64_t value) {
    bool firstRun = true;
    store().write([&](Queries& q) {
      q.adjust_audience(first, {value, 0, 0}, value, seconds(1));
      if (overlap && std::exchange(firstRun, false)) {
        std::unique_lock lock(m);
        ++holding;
        cv.notify_all();
        cv.wait_for(lock, std::chrono::seconds(5), [&] { return holding >= 2; });
      }
      q.adjust_audience(second, {value, 0, 0}, value, seconds(1));
    });
  };
  std::thread t1([&] { EXPECT_NO_THROW(writer(a.id, b.id, 10)); });
  std::thread t2([&] { EXPECT_NO_THROW(writer(b.id, a.id, 20)); });
  t1.join();
  t2.join();
  store().read([&](Queries& q) {
    EXPECT_EQ(q.find_livestream(a.id)->viewerCount, 30);
    EXPECT_EQ(q.find_livestream(b.id)->viewerCount, 30);
  });
}

TEST_P(StoreTest, ExhaustedPoolIsUnavailable) {
  StoreOptions tiny = options_;
  tiny.poolSize = 1;
  tiny.connectTimeout = std::chrono::milliseconds(300);
  tiny.statementTimeout = std::chrono::milliseconds(300);
  auto small = open_store(tiny);
  std::latch holding(1);
  std::latch release(1);
  std::thread holder([&] {
    small->run(domain::Store::Access::Read, [&](Queries&) {
      holding.count_down();
      release.wait();
    });
  });
  holding.wait();
  try {
    small->run(domain::Store::Access::Read, [](Queries&) {});
    ADD_FAILURE() << "a second reader got a connection from a pool of one";
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable) << e.what();
  }
  release.count_down();
  holder.join();
  EXPECT_NO_THROW(small->run(domain::Store::Access::Read, [](Queries&) {}));
}

// A write stuck behind another transaction's lock for longer than the statement timeout fails
// as Unavailable (PostgreSQL: statement_timeout on the row lock; SQLite: the writer wait).
TEST_P(StoreTest, WriteBlockedPastTheStatementTimeoutIsUnavailable) {
  const auto l = make_livestream("room", seconds(0), LivestreamStatus::Live);
  store().write([&](Queries& q) { q.insert_livestream(l); });
  StoreOptions impatient = options_;
  impatient.poolSize = 2;
  impatient.statementTimeout = std::chrono::milliseconds(200);
  auto small = open_store(impatient);
  std::latch holding(1);
  std::latch release(1);
  std::thread holder([&] {
    small->write([&](Queries& q) {
      q.adjust_audience(l.id, {1, 0, 0}, 1,
                        seconds(1));  // locks the row (PostgreSQL) / holds the writer (SQLite)
      holding.count_down();
      release.wait();
    });
  });
  holding.wait();
  try {
    small->write([&](Queries& q) { q.adjust_audience(l.id, {2, 0, 0}, 2, seconds(1)); });
    ADD_FAILURE() << "the blocked write succeeded";
  } catch (const AppError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable) << e.what();
  }
  release.count_down();
  holder.join();
  EXPECT_EQ(small->read([&](Queries& q) { return q.find_livestream(l.id)->viewerCount; }), 1);
}

}  // namespace
}  // namespace lso::store::test
